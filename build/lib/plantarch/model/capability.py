"""Capabilities: what a system does for the plant, from a taxonomy based on ISA-95 Part 3."""

from __future__ import annotations

from typing import ClassVar

from plantarch.model.base import Key, ModelObject
from plantarch.model.vocabulary import CapabilityCategory


class Capability(ModelObject):
    """A business or manufacturing-operations capability a system can serve."""

    kind_name: ClassVar[str] = "capability"

    name: str
    category: CapabilityCategory
    parent: Key | None = None
    description: str = ""
