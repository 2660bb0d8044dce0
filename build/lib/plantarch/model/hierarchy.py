"""The ISA-95 role-based equipment hierarchy: enterprise, site, area, line, work cell."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from plantarch.model.base import Key, ModelObject
from plantarch.model.vocabulary import LocationKind


class Location(ModelObject):
    """One node of the ISA-95 hierarchy (an enterprise, site, area, line, work cell, ...)."""

    kind_name: ClassVar[str] = "location"

    name: str = Field(description="Display name.")
    kind: LocationKind = Field(description="Hierarchy level: enterprise, site, area, line, work-cell, ...")
    parent: Key | None = Field(
        default=None, description="Key of the enclosing location; none for an enterprise."
    )
    description: str = ""
