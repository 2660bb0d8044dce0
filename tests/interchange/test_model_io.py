"""Import and export between a store and YAML directories (streamed both ways)."""

from __future__ import annotations

from pathlib import Path

import pytest
from interchange_samples import small_plant

from plantarch.errors import InputError
from plantarch.interchange.model_io import export_model, import_model, model_importers
from plantarch.interchange.yaml_model import render_model, write_model_dir
from plantarch.store import Store


def test_store_export_equals_the_in_memory_export(store: Store, tmp_path: Path) -> None:
    write_model_dir(small_plant(), tmp_path / "in")
    assert import_model(store, tmp_path / "in", author="alice").revision == 1
    files = export_model(store, tmp_path / "out")
    expected = render_model(small_plant())
    assert {f.relative_to(tmp_path / "out").as_posix(): f.read_text() for f in files} == expected
    assert import_model(store, tmp_path / "out", author="alice").revision is None


def test_yaml_is_a_registered_importer_and_unknown_formats_are_refused(store: Store, tmp_path: Path) -> None:
    assert "yaml" in model_importers()
    with pytest.raises(InputError, match="unknown model format 'visio'"):
        import_model(store, tmp_path, fmt="visio", author="alice")
