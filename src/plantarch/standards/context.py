"""The plant as the rules see it: each endpoint's zone and Purdue level, conduits between zone pairs,
and the neighbours of every object, kept up to date one change at a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from plantarch.model import (
    Asset,
    Capability,
    Conduit,
    Flow,
    Location,
    ModelObject,
    PlantModel,
    System,
    Waiver,
    Zone,
)
from plantarch.standards.zoning import DMZ_LEVEL, UNTRUSTED_ROLES, Endpoint, SubnetIndex, ZonePair, zone_pair


class PlantContext:
    """Indexes over a PlantModel that rules read: endpoints, zones, conduits, flows and neighbours."""

    def __init__(self, model: PlantModel, today: date) -> None:
        self.model = model
        self.today = today
        self.locations: dict[str, Location] = {o.key: o for o in model.locations}
        self.capabilities: dict[str, Capability] = {o.key: o for o in model.capabilities}
        self.zones: dict[str, Zone] = {o.key: o for o in model.zones}
        self.conduits: dict[str, Conduit] = {o.key: o for o in model.conduits}
        self.systems: dict[str, System] = {o.key: o for o in model.systems}
        self.assets: dict[str, Asset] = {o.key: o for o in model.assets}
        self.flows: dict[str, Flow] = {o.key: o for o in model.flows}
        self.waivers: dict[str, Waiver] = {o.key: o for o in model.waivers}
        self.subnets = SubnetIndex(self.zones.values())

        self.assets_of_system: dict[str, set[str]] = defaultdict(set)
        for asset in model.assets:
            for s in asset.systems:
                self.assets_of_system[s].add(asset.key)
        self.systems_by_scope: dict[tuple[str, str], set[str]] = defaultdict(set)
        for system in model.systems:
            self._index_scope(system)
        self.conduits_by_pair: dict[ZonePair, list[Conduit]] = defaultdict(list)
        self.conduits_by_zone: dict[str, set[str]] = defaultdict(set)
        for conduit in model.conduits:
            self._index_conduit(conduit)

        self.endpoints: dict[str, Endpoint] = {}
        self.members_of_zone: dict[str, set[str]] = defaultdict(set)
        for asset in model.assets:
            self._set_endpoint(self._asset_endpoint(asset))
        for system in model.systems:
            self._set_endpoint(self._system_endpoint(system))

        self.flows_by_endpoint: dict[str, list[str]] = defaultdict(list)
        self.flows_by_via: dict[str, list[str]] = defaultdict(list)
        self.flows_by_pair: dict[ZonePair, set[str]] = defaultdict(set)
        for flow in model.flows:
            self._index_flow(flow)

    # ----------------------------------------------------------------- lookups rules use
    def get(self, kind: str, key: str) -> ModelObject | None:
        """The current object of a kind by key."""
        table: dict[str, ModelObject] = getattr(self, _TABLES[kind])
        return table.get(key)

    def endpoint(self, key: str | None) -> Endpoint | None:
        """The system or asset with this key as a flow endpoint."""
        return self.endpoints.get(key) if key is not None else None

    def zone(self, key: str | None) -> Zone | None:
        """The zone with this key."""
        return self.zones.get(key) if key is not None else None

    def endpoint_zone(self, key: str | None) -> Zone | None:
        """The zone an endpoint belongs to, if known and unambiguous."""
        ep = self.endpoint(key)
        return self.zones.get(ep.zone) if ep is not None and ep.zone is not None else None

    def conduits_between(self, a: str, b: str) -> list[Conduit]:
        """Conduits that connect two zones (either way round)."""
        return self.conduits_by_pair.get(zone_pair(a, b), [])

    def flows_of(self, key: str) -> list[Flow]:
        """Every flow an endpoint sends or receives."""
        return [self.flows[f] for f in self.flows_by_endpoint.get(key, ()) if f in self.flows]

    def systems_of(self, key: str) -> set[str]:
        """The system an endpoint is, or the systems an asset runs (with the asset itself)."""
        asset = self.assets.get(key)
        return {key} | set(asset.systems) if asset is not None else {key}

    def declared_between(self, observed: Flow) -> bool:
        """True when a declared flow joins the systems of an observed flow's ends (either way round)
        with a compatible protocol and port: the wire shows that declared flow."""
        ours, theirs = self.systems_of(observed.source), self.systems_of(observed.target)
        for end in ours:
            for key in self.flows_by_endpoint.get(end, ()):
                flow = self.flows.get(key)
                if flow is None or str(flow.origin) != "declared":
                    continue
                other = flow.target if flow.source == end else flow.source
                if other not in theirs:
                    continue
                if None not in (flow.protocol, observed.protocol) and flow.protocol != observed.protocol:
                    continue
                if None not in (flow.port, observed.port) and flow.port != observed.port:
                    continue
                return True
        return False

    def is_dmz(self, ep: Endpoint | None) -> bool:
        """True when an endpoint sits in a level 3.5 DMZ."""
        if ep is None:
            return False
        zone = self.zones.get(ep.zone) if ep.zone else None
        return (zone is not None and zone.dmz) or ep.level == DMZ_LEVEL

    def is_untrusted(self, ep: Endpoint | None) -> bool:
        """True when an endpoint is the internet or a vendor network (untrusted zone or role)."""
        if ep is None:
            return False
        zone = self.zones.get(ep.zone) if ep.zone else None
        return (zone is not None and zone.untrusted) or bool(ep.roles & UNTRUSTED_ROLES)

    # ----------------------------------------------------------------- endpoint facts
    def _zone_level(self, key: str | None) -> float | None:
        zone = self.zones.get(key) if key else None
        if zone is None:
            return None
        if zone.dmz:
            return DMZ_LEVEL
        return max(zone.purdue_levels) if zone.purdue_levels else None

    def _own_zones(self, asset: Asset) -> set[str]:
        zones = {z for z in (self.subnets.zone_of(ip) for ip in asset.ips) if z is not None}
        if asset.zone is not None:
            zones.add(asset.zone)
        return zones

    def _asset_endpoint(self, asset: Asset) -> Endpoint:
        own = self._own_zones(asset)
        hosted = [self.systems[s] for s in asset.systems if s in self.systems]
        if asset.zone is not None:
            zone: str | None = asset.zone
        elif len(own) == 1:
            zone = next(iter(own))
        elif not own:
            declared = {s.zone for s in hosted if s.zone is not None}
            zone = next(iter(declared)) if len(declared) == 1 else None
        else:
            zone = None
        level = asset.purdue_level
        if level is None:
            levels = [s.purdue_level for s in hosted if s.purdue_level is not None]
            level = max(levels) if levels else self._zone_level(zone)
        if level is None and asset.suggested_level is not None:
            level = asset.suggested_level.level
        roles = frozenset({asset.kind, *(s.kind for s in hosted)})
        zones = frozenset(own | ({zone} if zone else set()))
        return Endpoint(asset.key, "asset", zone, zones, level, roles)

    def _system_endpoint(self, system: System) -> Endpoint:
        hosts = [self.assets[a] for a in self.assets_of_system.get(system.key, ()) if a in self.assets]
        host_zones: set[str] = set()
        for host in hosts:
            host_zones |= self._own_zones(host)
        zone = (
            system.zone
            if system.zone is not None
            else (next(iter(host_zones)) if len(host_zones) == 1 else None)
        )
        level = system.purdue_level if system.purdue_level is not None else self._zone_level(zone)
        if level is None:
            levels: set[float] = set()
            for h in hosts:
                if h.purdue_level is not None:
                    levels.add(h.purdue_level)
                elif h.suggested_level is not None:
                    levels.add(h.suggested_level.level)
            level = next(iter(levels)) if len(levels) == 1 else None
        zones = frozenset(host_zones | ({zone} if zone else set()))
        return Endpoint(system.key, "system", zone, zones, level, frozenset({str(system.kind)}))

    def _set_endpoint(self, ep: Endpoint) -> None:
        old = self.endpoints.get(ep.key)
        if old is not None:
            for z in old.zones:
                self.members_of_zone[z].discard(ep.key)
        self.endpoints[ep.key] = ep
        for z in ep.zones:
            self.members_of_zone[z].add(ep.key)

    def _drop_endpoint(self, key: str) -> None:
        old = self.endpoints.pop(key, None)
        if old is not None:
            for z in old.zones:
                self.members_of_zone[z].discard(key)

    def _refresh_endpoint(self, key: str) -> None:
        if key in self.assets:
            self._set_endpoint(self._asset_endpoint(self.assets[key]))
        elif key in self.systems:
            self._set_endpoint(self._system_endpoint(self.systems[key]))
        else:
            self._drop_endpoint(key)

    # ----------------------------------------------------------------- indexes
    def _index_scope(self, system: System, add: bool = True) -> None:
        if system.location is None:
            return
        for cap in system.capabilities:
            group = self.systems_by_scope[(system.location, cap)]
            if add:
                group.add(system.key)
            else:
                group.discard(system.key)

    def _index_conduit(self, conduit: Conduit, add: bool = True) -> None:
        a, b = conduit.zones
        pair = zone_pair(a, b)
        if add:
            self.conduits_by_pair[pair].append(conduit)
            self.conduits_by_zone[a].add(conduit.key)
            self.conduits_by_zone[b].add(conduit.key)
        else:
            self.conduits_by_pair[pair] = [c for c in self.conduits_by_pair[pair] if c.key != conduit.key]
            self.conduits_by_zone[a].discard(conduit.key)
            self.conduits_by_zone[b].discard(conduit.key)

    def legs(self, flow: Flow) -> list[tuple[str, str]]:
        """The zone crossings of a flow, as (from zone, to zone): one for a direct flow, one per side of
        the system it passes `via` (a DMZ relay, a broker) when that sits in another zone."""
        endpoints = self.endpoints
        src, dst = endpoints.get(flow.source), endpoints.get(flow.target)
        if src is None or dst is None or src.zone is None or dst.zone is None:
            return []
        via = endpoints.get(flow.via) if flow.via is not None else None
        if via is not None and via.zone is not None and via.zone not in (src.zone, dst.zone):
            hops = [(src.zone, via.zone), (via.zone, dst.zone)]
        else:
            hops = [(src.zone, dst.zone)]
        return [(a, b) for a, b in hops if a != b]

    def _flow_pairs(self, flow: Flow) -> set[ZonePair]:
        pairs = {zone_pair(a, b) for a, b in self.legs(flow)}
        src, dst = self.endpoints.get(flow.source), self.endpoints.get(flow.target)
        if src is not None and dst is not None and src.zone and dst.zone and src.zone != dst.zone:
            pairs.add(zone_pair(src.zone, dst.zone))
        return pairs

    def _index_flow(self, flow: Flow) -> None:
        self.flows_by_endpoint[flow.source].append(flow.key)
        if flow.target != flow.source:
            self.flows_by_endpoint[flow.target].append(flow.key)
        if flow.via is not None:
            self.flows_by_via[flow.via].append(flow.key)
            for pair in self._flow_pairs(flow):
                self.flows_by_pair[pair].add(flow.key)
            return
        # Direct flows (nearly all of them): one zone pair at most; inlined, it runs per flow.
        src, dst = self.endpoints.get(flow.source), self.endpoints.get(flow.target)
        if src is not None and dst is not None:
            a, b = src.zone, dst.zone
            if a is not None and b is not None and a != b:
                self.flows_by_pair[(a, b) if a <= b else (b, a)].add(flow.key)

    def _unindex_flow(self, flow: Flow, *, endpoints: bool = True) -> None:
        if endpoints:
            for key in {flow.source, flow.target}:
                keys = self.flows_by_endpoint.get(key)
                if keys is not None and flow.key in keys:
                    keys.remove(flow.key)
            if flow.via is not None and flow.key in self.flows_by_via.get(flow.via, []):
                self.flows_by_via[flow.via].remove(flow.key)
        for pair in self._flow_pairs(flow):
            self.flows_by_pair[pair].discard(flow.key)

    def _flows_touching(self, endpoints: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for key in endpoints:
            found.update(self.flows_by_endpoint.get(key, ()))
            found.update(self.flows_by_via.get(key, ()))
        return found

    # ----------------------------------------------------------------- incremental change
    def apply(self, kind: str, key: str, new: ModelObject | None) -> dict[str, set[str]]:
        """Replace one object (delete it when `new` is None); return, by kind, every object whose
        verdict may have changed (the object itself and its neighbours)."""
        if new is not None and new.key != key:
            raise ValueError(f"object key '{new.key}' does not match '{key}'")
        handler = {
            "flow": self._apply_flow,
            "system": self._apply_endpoint,
            "asset": self._apply_endpoint,
            "zone": self._apply_zone,
            "conduit": self._apply_conduit,
        }.get(kind)
        if handler is not None:
            return handler(kind, key, new)
        table: dict[str, ModelObject] = getattr(self, _TABLES[kind])
        if new is None:
            table.pop(key, None)
        else:
            table[key] = new
        touched: dict[str, set[str]] = {kind: {key}}
        if kind in ("location", "capability"):
            field = "location" if kind == "location" else "capabilities"
            touched["system"] = {
                s.key
                for s in self.systems.values()
                if (s.location == key if field == "location" else key in s.capabilities)
            }
        return touched

    def _apply_flow(self, kind: str, key: str, new: ModelObject | None) -> dict[str, set[str]]:
        old = self.flows.get(key)
        touched: dict[str, set[str]] = {"flow": {key}}
        ends: set[str] = set()
        if old is not None:
            self._unindex_flow(old)
            ends |= {old.source, old.target}
            del self.flows[key]
        if isinstance(new, Flow):
            self.flows[key] = new
            self._index_flow(new)
            ends |= {new.source, new.target}
        hosts = set(ends)
        for e in ends:
            if e in self.assets:
                hosts |= set(self.assets[e].systems)
            hosts |= self.assets_of_system.get(e, set())
        touched["flow"] |= self._flows_touching(hosts)  # flows between the same systems
        touched["system"] = {e for e in ends if e in self.systems}
        touched["asset"] = {e for e in ends if e in self.assets}
        return touched

    def _reindex(self, endpoints: set[str], update: object) -> set[str]:
        """Recompute endpoints around a change, moving their flows between zone pairs."""
        flows = self._flows_touching(endpoints)
        for f in flows:
            self._unindex_flow(self.flows[f], endpoints=False)
        if callable(update):
            update()
        for ep in sorted(endpoints, key=lambda k: k in self.systems):  # assets first
            self._refresh_endpoint(ep)
        for f in flows:
            for pair in self._flow_pairs(self.flows[f]):
                self.flows_by_pair[pair].add(f)
        return flows

    def _apply_endpoint(self, kind: str, key: str, new: ModelObject | None) -> dict[str, set[str]]:
        old = self.systems.get(key) if kind == "system" else self.assets.get(key)
        affected = {key}
        peers: set[str] = set()
        if kind == "system":
            affected |= self.assets_of_system.get(key, set())
            for s in (old, new):
                if isinstance(s, System) and s.location is not None:
                    for cap in s.capabilities:
                        peers |= self.systems_by_scope.get((s.location, cap), set())
        else:
            for a in (old, new):
                if isinstance(a, Asset):
                    affected |= set(a.systems)
                    for hosted in a.systems:
                        affected |= self.assets_of_system.get(hosted, set())

        def update() -> None:
            if kind == "system":
                if isinstance(old, System):
                    self._index_scope(old, add=False)
                if isinstance(new, System):
                    self.systems[key] = new
                    self._index_scope(new)
                else:
                    self.systems.pop(key, None)
            else:
                if isinstance(old, Asset):
                    for s in old.systems:
                        self.assets_of_system[s].discard(key)
                if isinstance(new, Asset):
                    self.assets[key] = new
                    for s in new.systems:
                        self.assets_of_system[s].add(key)
                else:
                    self.assets.pop(key, None)

        flows = self._reindex(affected, update)
        if kind == "system":
            for s in (old, new):
                if isinstance(s, System) and s.location is not None:
                    for cap in s.capabilities:
                        peers |= self.systems_by_scope.get((s.location, cap), set())
        systems = {e for e in affected if e in self.systems or (e == key and kind == "system")} | peers
        assets = {e for e in affected if e in self.assets or (e == key and kind == "asset")}
        return {"flow": flows, "system": systems, "asset": assets}

    def _apply_zone(self, kind: str, key: str, new: ModelObject | None) -> dict[str, set[str]]:
        affected = set(self.members_of_zone.get(key, set()))
        if isinstance(new, Zone) and new.subnets:
            probe = SubnetIndex([new])
            affected |= {a.key for a in self.assets.values() if any(probe.zone_of(ip) for ip in a.ips)}
        for ep in list(affected):
            if ep in self.assets:
                affected |= set(self.assets[ep].systems)
            elif ep in self.systems:
                affected |= self.assets_of_system.get(ep, set())

        def update() -> None:
            if isinstance(new, Zone):
                self.zones[key] = new
            else:
                self.zones.pop(key, None)
            self.subnets = SubnetIndex(self.zones.values())

        flows = self._reindex(affected, update)
        return {
            "zone": {key},
            "conduit": set(self.conduits_by_zone.get(key, set())),
            "flow": flows,
            "system": {e for e in affected if e in self.systems},
            "asset": {e for e in affected if e in self.assets},
        }

    def _apply_conduit(self, kind: str, key: str, new: ModelObject | None) -> dict[str, set[str]]:
        old = self.conduits.get(key)
        flows: set[str] = set()
        zones: set[str] = set()
        for c in (old, new):
            if isinstance(c, Conduit):
                flows |= self.flows_by_pair.get(zone_pair(*c.zones), set())
                zones |= set(c.zones)
        if old is not None:
            self._index_conduit(old, add=False)
            del self.conduits[key]
        if isinstance(new, Conduit):
            self.conduits[key] = new
            self._index_conduit(new)
        return {"conduit": {key}, "flow": flows, "zone": zones}


_TABLES = {
    "location": "locations",
    "capability": "capabilities",
    "zone": "zones",
    "conduit": "conduits",
    "system": "systems",
    "asset": "assets",
    "flow": "flows",
    "waiver": "waivers",
}
