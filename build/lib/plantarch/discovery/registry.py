"""Discovery sources by name, gathered from every plugin's `discovery_sources` hook."""

from __future__ import annotations

from plantarch.discovery.source import DiscoverySource
from plantarch.errors import InputError
from plantarch.plugins import plugin_manager


def source_classes() -> dict[str, type[DiscoverySource]]:
    """Every registered discovery source class by its name (built-in and installed plugins)."""
    found: dict[str, type[DiscoverySource]] = {}
    for classes in plugin_manager().hook.discovery_sources():
        for cls in classes:
            found.setdefault(cls.name, cls)
    return found


def get_source(name: str) -> DiscoverySource:
    """A new instance of the discovery source with this name."""
    classes = source_classes()
    if name not in classes:
        known = ", ".join(sorted(classes)) or "none"
        raise InputError(f"unknown discovery source '{name}' (registered: {known})")
    return classes[name]()
