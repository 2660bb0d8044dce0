"""The demo plant's model: architecture-as-code YAML shipped inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from plantarch.errors import InputError
from plantarch.model import PLURALS, PlantModel

DEMO_PLANT_PACKAGE = "plantarch.demo"
DEMO_PLANT_DIR = "plant"
DEMO_REFERENCE_DATE = "2026-11-24"
"""The day the demo plant describes; lifecycle dates are planted relative to it."""


def demo_plant_dir() -> Path:
    """The directory holding the demo plant's YAML files (plant.yaml, capabilities.yaml, sites/*.yaml)."""
    return Path(str(resources.files(DEMO_PLANT_PACKAGE).joinpath(DEMO_PLANT_DIR)))


def _read_yaml_dir(directory: Path) -> PlantModel:
    # Stand-in until plantarch.interchange.yaml_model.load_model_dir lands: merge every *.yaml.
    merged: dict[str, list[Any]] = {plural: [] for plural in PLURALS.values()}
    yaml = YAML(typ="safe")
    for path in sorted(directory.rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8")) or {}
        for plural, items in data.items():
            if plural not in merged:
                raise InputError(f"unknown section '{plural}'", file=str(path))
            merged[plural].extend(items or [])
    return PlantModel.model_validate(merged)


def load_demo_model() -> PlantModel:
    """The Riverside Packaging demo plant as a validated PlantModel."""
    directory = demo_plant_dir()
    try:
        from plantarch.interchange.yaml_model import load_model_dir
    except ImportError:
        return _read_yaml_dir(directory)
    model: PlantModel = load_model_dir(directory)
    return model
