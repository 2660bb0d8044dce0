"""Observations: what one discovery source saw, with provenance, before reconcile merges it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plantarch.discovery.addresses import normalize_ip, normalize_mac
from plantarch.model.base import Provenance
from plantarch.model.system import System
from plantarch.model.vocabulary import PurdueLevel


class HostObservation(BaseModel):
    """A host or device as one source saw it."""

    model_config = ConfigDict(extra="forbid")

    ip: str | None = None
    mac: str | None = None
    vendor: str | None = Field(default=None, description="NIC vendor from the OUI registry or device vendor.")
    names: list[str] = Field(default_factory=list, description="Hostnames from DHCP/DNS/NetBIOS/LLDP/...")
    roles: list[str] = Field(default_factory=list, description="e.g. modbus-master, s7-plc, opcua-server.")
    services: list[str] = Field(default_factory=list, description="Open services as proto/port[/name].")
    identity: dict[str, str] = Field(
        default_factory=dict,
        description="Device identity: vendor, product, model, serial, firmware, station...",
    )
    os: str | None = None
    systems: list[str] = Field(
        default_factory=list, description="Keys of systems in the same batch that run on this host."
    )
    attributes: dict[str, Any] = Field(
        default_factory=dict,
        description="Asset fields a record states outright (key, kind, location, zone, purdue_level, "
        "description, ips, tags...), as an inventory or CMDB export gives them.",
    )
    suggested_level: PurdueLevel | None = None
    level_reasons: list[str] = Field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)

    @field_validator("ip")
    @classmethod
    def _ip_is_an_address(cls, value: str | None) -> str | None:
        """A host's IP must be an IPv4 or IPv6 address (a batch pushed by a site is untrusted input)."""
        if value is not None and normalize_ip(value) is None:
            raise ValueError(f"'{value[:80]}' is not an IP address")
        return value

    @field_validator("mac")
    @classmethod
    def _mac_is_an_address(cls, value: str | None) -> str | None:
        """A host's MAC must be a 48-bit MAC address in any usual spelling."""
        if value is not None and normalize_mac(value) is None:
            raise ValueError(f"'{value[:80]}' is not a MAC address")
        return value


class FlowObservation(BaseModel):
    """A conversation between two endpoints (IP or, for layer-2 protocols, MAC addresses)."""

    model_config = ConfigDict(extra="forbid")

    src: str = Field(
        description="Client / initiator / publisher address (or the key of a system in the same batch)."
    )
    dst: str = Field(description="Server / responder address (or the key of a system in the same batch).")
    transport: str = Field(description="tcp, udp or ethernet.")
    port: int | None = Field(default=None, ge=0, le=65535, description="Server port (none for layer 2).")
    protocol: str | None = Field(default=None, description="Canonical protocol id, or none when unknown.")
    packets: int = Field(default=0, ge=0)
    bytes: int = Field(default=0, ge=0)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)


class ObservationBatch(BaseModel):
    """Everything one run of one source observed, ready for reconcile."""

    model_config = ConfigDict(extra="forbid")

    provenance: Provenance
    hosts: list[HostObservation] = Field(default_factory=list)
    flows: list[FlowObservation] = Field(default_factory=list)
    systems: list[System] = Field(
        default_factory=list, description="Systems a source can name (OPC UA server, broker, CMDB record)."
    )
    system_references: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per system key, references a record gives by key or name (location, zone), "
        "resolved by reconcile against the stored model.",
    )
    summary: dict[str, Any] = Field(default_factory=dict, description="Source-specific facts for the report.")
    warnings: list[str] = Field(default_factory=list)
