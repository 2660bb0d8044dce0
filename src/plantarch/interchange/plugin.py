"""Built-in interchange plugin: the architecture-as-code YAML importer."""

from __future__ import annotations

from typing import Any

from plantarch.hookspecs import hookimpl
from plantarch.interchange.yaml_model import load_model_dir


@hookimpl
def model_importers() -> dict[str, Any]:
    """The YAML model directory importer (`plantarch import model PATH --format yaml`)."""
    return {"yaml": load_model_dir}
