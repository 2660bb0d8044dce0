"""Assets: hosts and devices with addresses, found on the network or declared."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model.base import FieldSource, Key, ModelObject, Provenance
from plantarch.model.vocabulary import PurdueLevel


class LevelSuggestion(BaseModel):
    """A Purdue level suggested by discovery, with the reasons; never overrides a declared level."""

    model_config = ConfigDict(extra="forbid")

    level: PurdueLevel
    reasons: list[str] = Field(default_factory=list)


class Asset(ModelObject):
    """A host or device: addresses, names, identity, and which systems run on it."""

    kind_name: ClassVar[str] = "asset"

    name: str
    kind: str = Field(
        default="host", description="host, plc, hmi, workstation, server, switch, firewall, ..."
    )
    ips: list[str] = Field(default_factory=list)
    macs: list[str] = Field(default_factory=list)
    hostnames: list[str] = Field(default_factory=list)
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    firmware: str | None = None
    os: str | None = None
    systems: list[Key] = Field(default_factory=list, description="Systems running on this asset.")
    location: Key | None = None
    zone: Key | None = None
    purdue_level: PurdueLevel | None = Field(default=None, description="Level declared by a person.")
    suggested_level: LevelSuggestion | None = Field(default=None, description="Level suggested by discovery.")
    roles: list[str] = Field(
        default_factory=list, description="Roles seen in traffic: modbus-slave, opcua-server, ..."
    )
    services: list[str] = Field(default_factory=list, description="Open services as proto/port[/name].")
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    declared: bool = Field(default=True, description="False when only discovery knows of it.")
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    identity: dict[str, str] = Field(
        default_factory=dict,
        description="Device identity beyond vendor/model/serial/firmware: application URI, station, ...",
    )
    provenance: list[Provenance] = Field(default_factory=list)
    field_sources: list[FieldSource] = Field(
        default_factory=list,
        description="Every value a discovery or inventory source gave, per field (see reconcile).",
    )
