"""IEC 62443 zones and conduits."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model.base import Key, ModelObject
from plantarch.model.vocabulary import PurdueLevel


class Zone(ModelObject):
    """A security zone: assets sharing security requirements (IEC 62443-3-2)."""

    kind_name: ClassVar[str] = "zone"

    name: str
    site: Key | None = None
    purdue_levels: list[PurdueLevel] = Field(default_factory=list)
    security_level_target: int | None = Field(default=None, ge=0, le=4)
    security_level_achieved: int | None = Field(default=None, ge=0, le=4)
    subnets: list[str] = Field(default_factory=list, description="CIDRs whose hosts belong to the zone.")
    dmz: bool = Field(default=False, description="True for a level 3.5 industrial DMZ.")
    untrusted: bool = Field(default=False, description="True for the internet or a vendor network.")
    description: str = ""


class ConduitRule(BaseModel):
    """One allow-list entry of a conduit."""

    model_config = ConfigDict(extra="forbid")

    protocol: str | None = Field(default=None, description="Canonical protocol id; none means any.")
    port: int | None = Field(default=None, ge=0, le=65535)
    source_zone: Key | None = Field(default=None, description="Zone allowed to initiate; none means either.")
    description: str = ""


class Conduit(ModelObject):
    """A conduit: the controlled communication path between zones (IEC 62443-3-2)."""

    kind_name: ClassVar[str] = "conduit"

    name: str
    zones: list[Key] = Field(min_length=2, max_length=2)
    allowed: list[ConduitRule] = Field(default_factory=list)
    default_deny: bool = True
    enforcement: Key | None = Field(default=None, description="Firewall / data diode system or asset key.")
    security_level_target: int | None = Field(default=None, ge=0, le=4)
    security_level_achieved: int | None = Field(default=None, ge=0, le=4)
    description: str = ""
