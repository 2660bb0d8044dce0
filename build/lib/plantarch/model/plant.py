"""The whole plant model: every object of every kind, with reference checks and lookups."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model.asset import Asset
from plantarch.model.base import ModelObject
from plantarch.model.capability import Capability
from plantarch.model.flow import Flow
from plantarch.model.hierarchy import Location
from plantarch.model.system import System
from plantarch.model.waiver import Waiver
from plantarch.model.zone import Conduit, Zone

OBJECT_TYPES: dict[str, type[ModelObject]] = {
    "location": Location,
    "capability": Capability,
    "zone": Zone,
    "conduit": Conduit,
    "system": System,
    "asset": Asset,
    "flow": Flow,
    "waiver": Waiver,
}
"""Every object kind, in dependency order (what is referenced comes first)."""

PLURALS: dict[str, str] = {
    "location": "locations",
    "capability": "capabilities",
    "zone": "zones",
    "conduit": "conduits",
    "system": "systems",
    "asset": "assets",
    "flow": "flows",
    "waiver": "waivers",
}


@dataclass(frozen=True)
class ReferenceError_:
    """A reference from one object to a key that does not exist."""

    kind: str
    key: str
    field: str
    missing: str

    def __str__(self) -> str:
        return f"{self.kind} '{self.key}': {self.field} refers to unknown '{self.missing}'"


class PlantModel(BaseModel):
    """Every object of the plant model, grouped by kind."""

    model_config = ConfigDict(extra="forbid")

    locations: list[Location] = Field(default_factory=list)
    capabilities: list[Capability] = Field(default_factory=list)
    zones: list[Zone] = Field(default_factory=list)
    conduits: list[Conduit] = Field(default_factory=list)
    systems: list[System] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)

    def objects(self, kind: str) -> list[ModelObject]:
        """The objects of one kind ('system', 'asset', ...)."""
        return list(getattr(self, PLURALS[kind]))

    def all_objects(self) -> Iterator[tuple[str, ModelObject]]:
        """Every object with its kind, in dependency order."""
        for kind in OBJECT_TYPES:
            for obj in getattr(self, PLURALS[kind]):
                yield kind, obj

    def counts(self) -> dict[str, int]:
        """How many objects of each kind."""
        return {PLURALS[kind]: len(getattr(self, PLURALS[kind])) for kind in OBJECT_TYPES}

    def index(self, kind: str) -> dict[str, ModelObject]:
        """Objects of one kind by key."""
        return {o.key: o for o in getattr(self, PLURALS[kind])}

    def system(self, key: str) -> System | None:
        """The system with this key, if any."""
        return next((s for s in self.systems if s.key == key), None)

    def endpoint_keys(self) -> set[str]:
        """Keys a flow may refer to: every system and asset."""
        return {s.key for s in self.systems} | {a.key for a in self.assets}

    def sorted(self) -> PlantModel:
        """A copy with every list sorted by key (stable output for YAML and diffs)."""
        return PlantModel(
            **{plural: sorted(getattr(self, plural), key=lambda o: o.key) for plural in PLURALS.values()}
        )

    def duplicate_keys(self) -> list[tuple[str, str]]:
        """(kind, key) pairs that occur more than once; systems and assets share one namespace."""
        seen: dict[tuple[str, str], int] = {}
        for kind, obj in self.all_objects():
            ns = "endpoint" if kind in ("system", "asset") else kind
            seen[(ns, obj.key)] = seen.get((ns, obj.key), 0) + 1
        return [(k, key) for (k, key), n in seen.items() if n > 1]

    def reference_errors(self) -> list[ReferenceError_]:
        """Every reference to a key that does not exist in this model."""
        locations = {o.key for o in self.locations}
        capabilities = {o.key for o in self.capabilities}
        zones = {o.key for o in self.zones}
        systems = {o.key for o in self.systems}
        endpoints = self.endpoint_keys()
        errors: list[ReferenceError_] = []

        def need(kind: str, key: str, field: str, value: str | None, pool: set[str]) -> None:
            if value is not None and value not in pool:
                errors.append(ReferenceError_(kind, key, field, value))

        for loc in self.locations:
            need("location", loc.key, "parent", loc.parent, locations)
        for cap in self.capabilities:
            need("capability", cap.key, "parent", cap.parent, capabilities)
        for zone in self.zones:
            need("zone", zone.key, "site", zone.site, locations)
        for conduit in self.conduits:
            for z in conduit.zones:
                need("conduit", conduit.key, "zones", z, zones)
            need("conduit", conduit.key, "enforcement", conduit.enforcement, endpoints)
            for rule in conduit.allowed:
                need("conduit", conduit.key, "allowed.source_zone", rule.source_zone, zones)
        for system in self.systems:
            need("system", system.key, "location", system.location, locations)
            need("system", system.key, "zone", system.zone, zones)
            for c in system.capabilities:
                need("system", system.key, "capabilities", c, capabilities)
        for asset in self.assets:
            need("asset", asset.key, "location", asset.location, locations)
            need("asset", asset.key, "zone", asset.zone, zones)
            for s in asset.systems:
                need("asset", asset.key, "systems", s, systems)
        for flow in self.flows:
            need("flow", flow.key, "source", flow.source, endpoints)
            need("flow", flow.key, "target", flow.target, endpoints)
            need("flow", flow.key, "via", flow.via, endpoints)
        return errors
