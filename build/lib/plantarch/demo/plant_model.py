"""The demo plant's model: architecture-as-code YAML shipped inside the package."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from plantarch.interchange.yaml_model import load_model_dir
from plantarch.model import PlantModel

DEMO_REFERENCE_DATE = "2026-11-24"
"""The day the demo plant describes; lifecycle dates are planted relative to it."""


def demo_plant_dir() -> Path:
    """The directory holding the demo plant's YAML files (plant.yaml and sites/*.yaml)."""
    return Path(str(resources.files("plantarch.demo").joinpath("plant")))


@cache
def _demo_model() -> PlantModel:
    return load_model_dir(demo_plant_dir())


def load_demo_model() -> PlantModel:
    """The Riverside Packaging demo plant as a validated PlantModel (a fresh copy each call)."""
    return _demo_model().model_copy(deep=True)
