"""The plugin manager: built-in plugins first, then any installed under the 'plantarch' entry point."""

from __future__ import annotations

import importlib
from functools import cache

import pluggy

from plantarch import hookspecs

DEFAULT_PLUGINS: tuple[str, ...] = (
    "plantarch.discovery.plugins",
    "plantarch.standards.builtin",
    "plantarch.interchange.plugin",
)
"""Modules of built-in plugins; each holds hookimpls, exactly like a third-party plugin."""


@cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager with built-in and installed plugins registered."""
    pm = pluggy.PluginManager("plantarch")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints("plantarch")
    return pm
