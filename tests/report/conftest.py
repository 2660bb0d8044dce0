"""Fixtures of the report tests: the small plant, and skips for missing Graphviz or Chromium."""

from __future__ import annotations

import pytest

from plantarch.model import PlantModel
from plantarch.report.html import chromium_executable
from plantarch.report.render import dot_executable
from small_plant import small_plant


@pytest.fixture
def plant() -> PlantModel:
    """The small hand-built plant (every kind, a <script> in a system name and a hostname)."""
    return small_plant()


@pytest.fixture
def graphviz() -> None:
    """Skip when Graphviz `dot` is not installed."""
    if dot_executable() is None:
        pytest.skip("Graphviz 'dot' not installed (Debian package graphviz)")


@pytest.fixture
def chromium() -> None:
    """Skip when headless Chromium is not installed."""
    if chromium_executable() is None:
        pytest.skip("Chromium not installed (Debian package chromium)")
