"""Documentation keeps up with the code: every CLI command and every model field is documented."""

from __future__ import annotations

import importlib
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.main import get_command

from plantarch.cli.app import app
from plantarch.interchange.model_reference import model_reference_markdown
from plantarch.model import OBJECT_TYPES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _commands(command: Any, prefix: str = "") -> Iterator[str]:
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        yield prefix
        return
    for name, sub in sorted(subcommands.items()):
        yield from _commands(sub, f"{prefix} {name}".strip())


@pytest.mark.parametrize("command", sorted(_commands(get_command(app))))
def test_every_cli_command_is_in_the_cli_reference(command: str) -> None:
    assert f"`plantarch {command}`" in (DOCS / "cli.md").read_text(), (
        f"add `plantarch {command}` to docs/cli.md"
    )


def _model_types() -> list[type[BaseModel]]:
    """Every object type and the nested models their fields use."""
    found: list[type[BaseModel]] = list(OBJECT_TYPES.values())
    for model in found:
        for field in model.model_fields.values():
            for candidate in _types_in(field.annotation):
                if issubclass(candidate, BaseModel) and candidate not in found:
                    found.append(candidate)
    return found


def _types_in(annotation: Any) -> Iterator[type]:
    if isinstance(annotation, type):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _types_in(argument)


MODEL_TYPES = _model_types()


@pytest.mark.parametrize("model", MODEL_TYPES, ids=lambda m: m.__name__)
def test_every_model_field_is_in_the_model_reference(model: type[BaseModel]) -> None:
    text = (DOCS / "model.md").read_text()
    missing = [name for name in model.model_fields if f"| `{name}` |" not in text]
    assert not missing, f"document {model.__name__} fields {missing} in docs/model.md"


def test_model_reference_in_the_docs_is_generated_from_the_code() -> None:
    text = (DOCS / "model.md").read_text()
    assert text.endswith(model_reference_markdown()), "regenerate: plantarch docs model (docs/model.md)"


def _hookspecs() -> list[str]:
    from plantarch import hookspecs

    return sorted(
        name
        for name, value in vars(hookspecs).items()
        if callable(value) and hasattr(value, "plantarch_spec")
    )


@pytest.mark.parametrize("hook", _hookspecs())
def test_every_plugin_hook_is_in_the_plugin_docs(hook: str) -> None:
    assert f"| `{hook}` |" in (DOCS / "plugins.md").read_text(), (
        f"document the `{hook}` hook in docs/plugins.md"
    )


def test_the_plugin_hooks_are_found() -> None:
    assert {"discovery_sources", "rule_types", "exporters", "model_importers"} <= set(_hookspecs())


PUBLIC_FACADES = [
    "plantarch.model",
    "plantarch.store",
    "plantarch.discovery.pcap",
    "plantarch.discovery.reconcile",
    "plantarch.interchange.yaml_model",
    "plantarch.standards",
    "plantarch.analysis",
    "plantarch.roadmap",
    "plantarch.governance",
    "plantarch.api",
    "plantarch.web",
    "plantarch.demo",
]
"""Modules whose `__all__` is the public API (api before web: web imports through the api package)."""


def _isort_key(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps `__all__` in: CONSTANTS, then Classes, then functions."""
    group = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return group, name


@pytest.mark.parametrize("module", PUBLIC_FACADES)
def test_public_facades_list_their_names_sorted(module: str) -> None:
    names = list(importlib.import_module(module).__all__)
    assert names == sorted(names, key=_isort_key), f"sort {module}.__all__ (ruff --select RUF022 --fix)"
    assert len(set(names)) == len(names), f"{module}.__all__ names something twice"


def test_every_package_imports_on_its_own() -> None:
    """Each package can be imported first, in a fresh interpreter (no circular imports)."""
    import subprocess
    import sys

    src = Path(__file__).resolve().parents[1] / "src" / "plantarch"
    packages = sorted(p.parent.name for p in src.glob("*/__init__.py"))
    assert "web" in packages and "api" in packages
    runs = {
        name: subprocess.Popen(
            [sys.executable, "-c", f"import plantarch.{name}"], stderr=subprocess.PIPE, text=True
        )
        for name in packages
    }
    for name, run in runs.items():
        _, err = run.communicate()
        assert run.returncode == 0, f"import plantarch.{name} first: {err[-500:]}"
