"""Fixtures of the export tests: the small plant and the Open Group ArchiMate schemas."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantarch.interchange.archimate import archimate_xsd_dir
from plantarch.model import PlantModel
from small_plant import small_plant


@pytest.fixture
def plant() -> PlantModel:
    """The small hand-built plant (every kind, awkward strings)."""
    return small_plant()


@pytest.fixture(scope="session")
def archimate_xsd() -> Path:
    """The ArchiMate 3.1 exchange schemas from $PLANTARCH_SHARED/reference/archimate-xsd, or skip."""
    folder = archimate_xsd_dir()
    if not (folder / "archimate3_Diagram.xsd").is_file():
        pytest.skip(f"ArchiMate schemas not found in {folder} (set PLANTARCH_SHARED to the shared folder)")
    return folder
