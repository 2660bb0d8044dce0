"""Plugin hooks. Built-in sources, rule types and exporters register through these same hooks."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("plantarch")
hookimpl = pluggy.HookimplMarker("plantarch")


@hookspec
def discovery_sources() -> list[type[Any]]:
    """Return DiscoverySource classes this plugin provides."""
    raise NotImplementedError


@hookspec
def rule_types() -> dict[str, Any]:
    """Return standards rule types this plugin provides, by type name."""
    raise NotImplementedError


@hookspec
def exporters() -> dict[str, Any]:
    """Return model exporters this plugin provides, by format name."""
    raise NotImplementedError


@hookspec
def model_importers() -> dict[str, Any]:
    """Return model importers this plugin provides, by format name: callables Path -> PlantModel."""
    raise NotImplementedError
