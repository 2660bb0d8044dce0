"""Importing a model into the store and exporting it, in any registered format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from plantarch.errors import InputError
from plantarch.interchange.yaml_export import write_objects
from plantarch.interchange.yaml_model import ModelReader
from plantarch.model import PlantModel
from plantarch.plugins import plugin_manager
from plantarch.store import Store, SyncResult, sync_declared, sync_declared_model

ModelImporter = Callable[[Path], PlantModel]
"""Reads a file or directory and returns the declared model (raising InputError on bad input)."""


def model_importers() -> dict[str, ModelImporter]:
    """Every model importer by format name, from built-in and installed plugins."""
    importers: dict[str, ModelImporter] = {}
    for provided in plugin_manager().hook.model_importers():
        importers.update(cast(dict[str, ModelImporter], provided))
    return importers


def read_model(path: Path, fmt: str = "yaml") -> PlantModel:
    """Read a model in the given format; unknown formats raise InputError listing the known ones."""
    importers = model_importers()
    if fmt not in importers:
        known = ", ".join(sorted(importers))
        raise InputError(f"unknown model format '{fmt}'; expected one of: {known}", field="--format")
    return importers[fmt](Path(path))


def import_model(
    store: Store, path: Path, *, fmt: str = "yaml", author: str, reason: str | None = None
) -> SyncResult:
    """Make the stored declared model equal to the model at `path`, as one change set (or none).

    YAML directories are streamed file by file, so memory stays bounded by the largest file; other
    formats are read whole by their importer. Invalid input raises InputError and changes nothing.
    """
    reason = reason or f"import model {path}"
    source = f"import:{fmt}"
    if fmt == "yaml":
        objects = ModelReader(Path(path)).objects()
        return sync_declared(store, objects, author=author, reason=reason, source=source)
    model = read_model(path, fmt)
    return sync_declared_model(store, model, author=author, reason=reason, source=source)


def export_model(store: Store, directory: Path) -> list[Path]:
    """Write the stored model as architecture-as-code YAML under `directory` (streamed); returns the files."""
    return write_objects(store.iter_objects, directory)
