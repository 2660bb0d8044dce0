"""Built-in interchange plugin: the model importers (architecture-as-code YAML, ArchiMate exchange XML)."""

from __future__ import annotations

from typing import Any

from plantarch.hookspecs import hookimpl
from plantarch.interchange.yaml_model import load_model_dir


@hookimpl
def model_importers() -> dict[str, Any]:
    """Importers for `plantarch import model PATH --format yaml|archimate`."""
    from plantarch.interchange.archimate_import import read_archimate

    return {"yaml": load_model_dir, "archimate": read_archimate}
