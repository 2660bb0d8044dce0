"""The shipped capability taxonomy: ISA-95 Part 3 activities plus business, control, infra, security, data."""

from __future__ import annotations

from functools import cache
from importlib import resources

from ruamel.yaml import YAML

from plantarch.model.capability import Capability

TAXONOMY_FILE = "capabilities.yaml"
"""The taxonomy's file inside the plantarch.model package."""


@cache
def _load() -> tuple[Capability, ...]:
    text = resources.files("plantarch.model").joinpath(TAXONOMY_FILE).read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    return tuple(Capability.model_validate(item) for item in data["capabilities"])


def load_capability_taxonomy() -> list[Capability]:
    """Every capability of the shipped taxonomy, parents before children (fresh copies)."""
    return [cap.model_copy(deep=True) for cap in _load()]


def capability_keys() -> frozenset[str]:
    """Keys of every capability in the shipped taxonomy."""
    return frozenset(cap.key for cap in _load())
