"""Flows: who sends what to whom, declared by people or observed on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from plantarch.model.base import FieldSource, Key, ModelObject, Provenance
from plantarch.model.vocabulary import Direction, FlowOrigin, IntegrationPattern, Transport


class Flow(ModelObject):
    """A data flow between two systems or assets (the source initiates or publishes)."""

    kind_name: ClassVar[str] = "flow"

    source: Key = Field(description="System or asset key that sends / initiates.")
    target: Key = Field(description="System or asset key that receives / serves.")
    protocol: str | None = Field(
        default=None, description="Canonical protocol id (modbus, opcua, https, ...)."
    )
    transport: Transport | None = None
    port: int | None = Field(default=None, ge=0, le=65535, description="Server port.")
    pattern: IntegrationPattern | None = None
    information: list[str] = Field(default_factory=list, description="ISA-95 information objects carried.")
    direction: Direction = Direction.UNIDIRECTIONAL
    frequency: str | None = Field(default=None, description="e.g. 1s, 15min, daily, on-change.")
    encrypted: bool | None = None
    authenticated: bool | None = Field(default=None, description="e.g. DNP3 SAv5, CIP Security, OPC UA Sign.")
    via: Key | None = Field(
        default=None, description="Broker, middleware or firewall the flow passes through."
    )
    origin: FlowOrigin = FlowOrigin.DECLARED
    packets: int | None = Field(default=None, ge=0)
    bytes: int | None = Field(default=None, ge=0)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    description: str = ""
    provenance: list[Provenance] = Field(default_factory=list)
    field_sources: list[FieldSource] = Field(
        default_factory=list,
        description="Every value a discovery source gave, per field (packet and byte counts per capture).",
    )
