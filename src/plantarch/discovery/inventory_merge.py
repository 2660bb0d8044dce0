"""The working copy of the inventory one reconcile edits: matching, per-field sources, flows."""

from __future__ import annotations

import hashlib
from datetime import UTC, timedelta
from typing import Any

from pydantic import BaseModel

from plantarch.discovery.addresses import is_group_address, key_part, may_be_directed_broadcast
from plantarch.discovery.candidates import (
    display_name,
    endpoint_host,
    host_identifiers,
    load_candidates,
    texts,
    wanted_by,
)
from plantarch.discovery.claims import (
    add_provenance,
    earliest,
    jsonable,
    latest,
    merge_list,
    settle_scalar,
    sort_claims,
)
from plantarch.discovery.matching import AssetIndex
from plantarch.discovery.observation import FlowObservation, HostObservation, ObservationBatch
from plantarch.discovery.precedence import winner
from plantarch.discovery.reconcile_result import FieldConflict, ReconcileResult
from plantarch.model.asset import Asset
from plantarch.model.base import FieldSource, ModelObject, Provenance
from plantarch.model.flow import Flow
from plantarch.model.system import System
from plantarch.model.vocabulary import FlowOrigin
from plantarch.store import ChangeSet
from plantarch.store.repository import existing_keys, fetch_documents

_SYSTEM_LISTS = ("capabilities", "tags")
_SYSTEM_SKIP = frozenset({"key", "declared", "provenance", "field_sources", *_SYSTEM_LISTS})
_ASSET_PROTECTED = frozenset(
    {"key", "declared", "provenance", "field_sources", "identity"}
    | {"first_seen", "last_seen", "suggested_level"}
)
_KIND_BY_ROLE: tuple[tuple[str, str], ...] = (
    ("safety", "plc"),
    ("plc", "plc"),
    ("rtu", "rtu"),
    ("hmi", "hmi"),
    ("engineering", "workstation"),
    ("historian", "server"),
    ("scada", "server"),
    ("firewall", "firewall"),
    ("switch", "switch"),
    ("router", "router"),
    ("broker", "server"),
    ("opcua-server", "server"),
)


class InventoryMerge:
    """The working copy of the inventory one reconcile edits before writing it back."""

    def __init__(
        self,
        changes: ChangeSet,
        ip_window: timedelta,
        result: ReconcileResult,
        batches: list[ObservationBatch],
    ) -> None:
        self.result = result
        self.index = AssetIndex(ip_window)
        self.systems: dict[str, System] = {}
        self.flows: dict[str, Flow] = {}
        self.original: dict[tuple[str, str], dict[str, Any]] = {}
        self.changes = changes
        """The open change set: the inventory is read inside it, so it is the one being written."""
        found = load_candidates(changes.connection, wanted_by(batches))
        for key in sorted(found.assets):  # key order, as matching over the whole inventory would see them
            asset = Asset.model_validate(found.assets[key])
            self.original[("asset", key)] = asset.model_dump(mode="json")
            self.index.add(asset)
        for key in sorted(found.systems):
            system = System.model_validate(found.systems[key])
            self.original[("system", key)] = system.model_dump(mode="json")
            self.systems[key] = system
        self.stored_keys = found.taken
        """Keys of stored objects that were not read (asked for as keys new objects might take)."""
        self.free_keys = found.free
        """Keys no stored object has (new objects taking them are then in memory, which is checked first)."""
        self.touched: dict[tuple[str, str], ModelObject] = {}
        self.absent_flows: set[str] = set()
        self.endpoints: dict[str, str | None] = {}
        self.senders: set[str] = set()
        self.groups: set[str] = set()
        self._places: dict[str, dict[str, str]] | None = None

    @property
    def places(self) -> dict[str, dict[str, str]]:
        """Locations and zones by key and by name (case-folded), read when a record first names one."""
        if self._places is None:
            self._places = {}
            for kind in ("location", "zone"):
                known: dict[str, str] = {}
                for obj in self.changes.list(kind):
                    known[obj.key.casefold()] = obj.key
                    known.setdefault(str(getattr(obj, "name", obj.key)).casefold(), obj.key)
                self._places[kind] = known
        return self._places

    def _reference(self, kind: str, value: Any, owner: str) -> str | None:
        """The key of a location, zone or system named by key or name; None (with a warning) if unknown."""
        text = str(value).strip()
        if not text:
            return None
        if kind == "system":
            if text in self.systems:
                return text
            named = [s.key for s in self.systems.values() if s.name.casefold() == text.casefold()]
            found = named[0] if len(named) == 1 else None
        else:
            found = self.places[kind].get(text.casefold())
        if found is None:
            self.result.warnings.append(f"{owner}: unknown {kind} '{text}' left unset (declare it first)")
        return found

    # keys -------------------------------------------------------------------------------------
    def _taken(self, key: str) -> bool:
        if key in self.index.assets or key in self.systems or key in self.stored_keys:
            return True
        if key in self.free_keys:
            return False
        conn = self.changes.connection  # a suffixed key (plc-2): rare, one query
        if existing_keys(conn, "asset", [key]) or existing_keys(conn, "system", [key]):
            self.stored_keys.add(key)
            return True
        self.free_keys.add(key)
        return False

    def _new_key(self, base: str) -> str:
        base = key_part(base)[:180]
        key, n = base, 2
        while self._taken(key):
            key, n = f"{base}-{n}", n + 1
        return key

    # batches ----------------------------------------------------------------------------------
    def apply(self, batch: ObservationBatch) -> None:
        """Merge one batch into the working copy."""
        prov = batch.provenance
        if prov.observed_at is not None and prov.observed_at.tzinfo is None:
            prov = prov.model_copy(update={"observed_at": prov.observed_at.replace(tzinfo=UTC)})
        system_keys = {s.key: self._system(s, prov) for s in batch.systems}
        for seen_key, references in sorted(batch.system_references.items()):
            stored = self.systems.get(system_keys.get(seen_key, ""))
            if stored is not None:
                self._system_references(stored, references, prov)
        for host in batch.hosts:
            self._host(host, prov, system_keys)
        self.senders = {flow.src for flow in batch.flows} | {h.ip for h in batch.hosts if h.ip}
        planned = [p for flow in batch.flows if (p := self._plan_flow(flow, prov, system_keys))]
        self._prefetch_flows([key for key, *_ in planned])
        for key, source, target, transport, seen in planned:
            self._flow(key, source, target, transport, seen, prov)
        self.result.warnings += batch.warnings

    def _claim(self, field: str, value: Any, prov: Provenance) -> FieldSource:
        return FieldSource(
            field=field,
            value=jsonable(value),
            source=prov.source,
            reference=prov.reference,
            observed_at=prov.observed_at,
        )

    def _settle(self, kind: str, obj: ModelObject, field: str, claims: list[FieldSource]) -> None:
        stored = (kind, obj.key) in self.original
        disagreement = settle_scalar(obj, field, claims, stored=stored)
        if disagreement and claims:
            best = winner(disagreement)
            assert best is not None
            self.result.conflicts.append(
                FieldConflict(
                    kind=kind,
                    key=obj.key,
                    field=field,
                    value=best.value,
                    source=best.source,
                    values=disagreement,
                )
            )

    # systems ----------------------------------------------------------------------------------
    def _system(self, seen: System, prov: Provenance) -> str:
        system = self.systems.get(seen.key)
        if system is None:
            named = [s for s in self.systems.values() if s.name.casefold() == seen.name.casefold()]
            system = named[0] if len(named) == 1 else None
        if system is None:
            key = seen.key if not self._taken(seen.key) else self._new_key(seen.key)
            system = System(key=key, name=seen.name, kind=seen.kind, declared=False)
            self.systems[key] = system
        self.touched[("system", system.key)] = system
        for field in sorted(seen.model_fields_set - _SYSTEM_SKIP):
            value = getattr(seen, field)
            if field in ("location", "zone") and value is not None:
                value = self._reference(field, value, f"system '{system.key}'")
                if value is None:
                    continue
            if isinstance(value, BaseModel):
                for sub in sorted(value.model_fields_set):
                    path = f"{field}.{sub}"
                    self._settle("system", system, path, [self._claim(path, getattr(value, sub), prov)])
            else:
                self._settle("system", system, field, [self._claim(field, value, prov)])
        for field in _SYSTEM_LISTS:
            items = getattr(seen, field)
            if items:
                merge_list(system, field, items, prov.source, prov.reference)
        add_provenance(system, prov)
        return system.key

    def _system_references(self, system: System, references: dict[str, str], prov: Provenance) -> None:
        for field in ("location", "zone"):
            if field in references:
                key = self._reference(field, references[field], f"system '{system.key}'")
                if key is not None:
                    self._settle("system", system, field, [self._claim(field, key, prov)])

    # hosts ------------------------------------------------------------------------------------
    def _host(self, host: HostObservation, prov: Provenance, system_keys: dict[str, str]) -> str | None:
        attributes = dict(host.attributes)
        groups = self._group_addresses(host, attributes)
        ids = host_identifiers(host, attributes, seen=host.last_seen or host.first_seen or prov.observed_at)
        for field in ("macs", "ips", "hostnames"):
            attributes.pop(field, None)
        wanted_key = attributes.pop("key", None)
        display = display_name(ids, host)
        if groups:
            self.groups.update(groups)
            self.result.warnings.append(
                f"{display}: {', '.join(groups)} is a multicast/broadcast address, no device's; left out"
            )
            if not (ids.ips or ids.macs or ids.hostnames or ids.application_uri or wanted_key):
                if not attributes.get("name"):
                    return None  # nothing but a group address: not a device
                display = str(attributes["name"])
        match = self.index.match(ids)
        self.result.warnings += match.warnings
        if match.key is None and wanted_key and str(wanted_key) in self.index.assets:
            match.key = str(wanted_key)
        if match.key is None:
            key = str(wanted_key) if wanted_key and not self._taken(str(wanted_key)) else None
            asset = Asset(key=key or self._new_key(display), name=display, declared=False)
        else:
            asset = self.index.assets[match.key]
        self.touched[("asset", asset.key)] = asset
        when = host.first_seen or prov.observed_at
        here = prov.model_copy(
            update={"observed_at": when, "confidence": min(prov.confidence, host.confidence)}
        )

        stated_name = attributes.pop("name", None)
        if stated_name or not asset.declared:  # a person's asset keeps its name, without a conflict
            self._settle("asset", asset, "name", [self._claim("name", stated_name or display, here)])
        kind = _kind_from_roles(host.roles)
        if kind:
            self._settle("asset", asset, "kind", [self._claim("kind", kind, here)])
        identity = dict(host.identity)
        values: dict[str, Any] = {
            "vendor": identity.pop("vendor", None) or host.vendor,
            "model": identity.pop("model", None) or identity.pop("product", None),
            "serial": identity.pop("serial", None),
            "firmware": identity.pop("firmware", None),
            "os": host.os,
        }
        if host.suggested_level is not None:
            values["suggested_level"] = {"level": host.suggested_level, "reasons": host.level_reasons}
        for field, value in values.items():
            if value not in (None, ""):
                self._settle("asset", asset, field, [self._claim(field, value, here)])
        for name, value in sorted(identity.items()):
            if value:
                path = f"identity.{name}"
                self._settle("asset", asset, path, [self._claim(path, value, here)])
        self._attributes(asset, attributes, here)
        lists = {
            "ips": ids.ips,
            "macs": ids.macs,
            "hostnames": ids.hostnames,
            "roles": host.roles,
            "services": host.services,
            "systems": [system_keys.get(k, k) for k in host.systems],
        }
        for field, items in lists.items():
            if items:
                merge_list(asset, field, items, prov.source, prov.reference)
        asset.first_seen = earliest(asset.first_seen, host.first_seen or prov.observed_at)
        asset.last_seen = latest(asset.last_seen, host.last_seen or host.first_seen or prov.observed_at)
        add_provenance(asset, prov)
        self.index.add(asset)
        return asset.key

    @staticmethod
    def _group_addresses(host: HostObservation, attributes: dict[str, Any]) -> list[str]:
        """The multicast / broadcast / unspecified addresses a host observation claims."""
        raw = [host.ip, host.mac, *texts(attributes.get("ips", [])), *texts(attributes.get("macs", []))]
        return sorted({a for a in raw if a and is_group_address(a)})

    def _attributes(self, asset: Asset, attributes: dict[str, Any], here: Provenance) -> None:
        """Fields an inventory record states outright: settled like any other claim."""
        owner = f"asset '{asset.key}'"
        for field, raw in sorted(attributes.items()):
            if field in ("roles", "services", "tags", "systems"):
                items = texts(raw)
                if field == "systems":
                    items = [k for k in (self._reference("system", i, owner) for i in items) if k]
                merge_list(asset, field, items, here.source, here.reference)
                continue
            value = raw
            if field in ("location", "zone"):
                value = self._reference(field, raw, owner)
            if value in (None, "") or field not in Asset.model_fields or field in _ASSET_PROTECTED:
                continue
            try:
                self._settle("asset", asset, field, [self._claim(field, value, here)])
            except ValueError as exc:
                self.result.warnings.append(f"{owner}: {field} '{raw}' refused: {exc}".splitlines()[0])

    # flows ------------------------------------------------------------------------------------
    def _endpoint(self, address: str, prov: Provenance, system_keys: dict[str, str]) -> str | None:
        """The key of the asset or system a flow endpoint names; None for a group address."""
        if address in system_keys:
            return system_keys[address]
        if address not in self.endpoints:  # a capture names the same address in many flows
            key = self._resolve_endpoint(address, prov, system_keys)
            if key is None and not is_group_address(address):
                return None  # a directed broadcast in this batch; another batch may see it send
            self.endpoints[address] = key
        return self.endpoints[address]

    def _resolve_endpoint(self, address: str, prov: Provenance, system_keys: dict[str, str]) -> str | None:
        if is_group_address(address):
            return None
        host = endpoint_host(address)
        match = self.index.match(host_identifiers(host, {}))
        if match.key is not None:
            return match.key
        if address in self.systems:
            return address
        if may_be_directed_broadcast(address) and address not in self.senders:
            return None  # x.y.z.255 that never sent: a subnet broadcast, not a device
        return self._host(host, prov, system_keys)

    def _plan_flow(
        self, seen: FlowObservation, prov: Provenance, system_keys: dict[str, str]
    ) -> tuple[str, str, str, str, FlowObservation] | None:
        source = self._endpoint(seen.src, prov, system_keys)
        target = self._endpoint(seen.dst, prov, system_keys)
        if source is None or target is None:  # to (or from) a group: no device at that end
            self.result.group_flows += 1
            self.groups.update(a for a, k in ((seen.src, source), (seen.dst, target)) if k is None)
            return None
        transport = seen.transport if seen.transport in ("tcp", "udp", "ethernet") else "other"
        tail = str(seen.port) if seen.port is not None else key_part(seen.protocol or "any")
        return flow_key(source, target, transport, tail), source, target, transport, seen

    def _prefetch_flows(self, keys: list[str]) -> None:
        """Read the stored flows of a batch in a few queries instead of one per flow."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self.flows and k not in self.absent_flows]
        if not wanted:
            return
        found = fetch_documents(self.changes.connection, "flow", wanted)
        for key, doc in found.items():
            flow = Flow.model_validate(doc)
            self.original[("flow", key)] = flow.model_dump(mode="json")
            self.flows[key] = flow
        self.absent_flows.update(k for k in wanted if k not in found)

    def _flow(
        self, key: str, source: str, target: str, transport: str, seen: FlowObservation, prov: Provenance
    ) -> None:
        flow = self._get_flow(key)
        if flow is None:
            flow = Flow(
                key=key,
                source=source,
                target=target,
                transport=transport,
                port=seen.port,
                origin=FlowOrigin.OBSERVED,
            )
            self.flows[key] = flow
        self.touched[("flow", key)] = flow
        here = prov.model_copy(update={"observed_at": seen.first_seen or prov.observed_at})
        if seen.protocol:
            self._settle("flow", flow, "protocol", [self._claim("protocol", seen.protocol, here)])
        for field, value in (("packets", seen.packets), ("bytes", seen.bytes)):
            _count(flow, field, value, prov)
        flow.first_seen = earliest(flow.first_seen, seen.first_seen)
        flow.last_seen = latest(flow.last_seen, seen.last_seen)
        add_provenance(flow, prov)

    def _get_flow(self, key: str) -> Flow | None:
        if key not in self.flows and key not in self.absent_flows:
            self._prefetch_flows([key])
        return self.flows.get(key)

    # writing ----------------------------------------------------------------------------------
    def write(self) -> None:
        """Put every object whose content changed; tally created, updated and unchanged."""
        order = {"system": 0, "asset": 1, "flow": 2}  # what is referred to is written first
        changed: list[ModelObject] = []
        for (kind, key), obj in sorted(
            self.touched.items(), key=lambda item: (order[item[0][0]], item[0][1])
        ):
            before = self.original.get((kind, key))
            after = obj.model_dump(mode="json")
            if before is None:
                self.result.created.setdefault(kind, []).append(key)
            elif before != after:
                self.result.updated.setdefault(kind, []).append(key)
            else:
                self.result.unchanged[kind] = self.result.unchanged.get(kind, 0) + 1
                continue
            changed.append(obj)
        self.changes.put_many(changed)
        self.result.group_addresses = sorted(self.groups)


def flow_key(source: str, target: str, transport: str, tail: str) -> str:
    """The key of an observed flow: the same endpoints, transport and port always give the same key."""
    key = f"obs:{source}:{target}:{transport}:{tail}"
    if len(key) > 200:
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        key = f"{key[:180]}:{digest}"
    return key


def _count(flow: Flow, field: str, value: int, prov: Provenance) -> None:
    """Per-capture counters: summed over one source's files, the largest source total wins."""
    if not value:
        return
    sources = [
        c
        for c in flow.field_sources
        if not (c.field == field and c.source == prov.source and c.reference == prov.reference)
    ]
    sources.append(FieldSource(field=field, value=value, source=prov.source, reference=prov.reference))
    totals: dict[str, int] = {}
    for c in sources:
        if c.field == field:
            totals[c.source] = totals.get(c.source, 0) + int(c.value)
    flow.field_sources = sort_claims(sources)
    setattr(flow, field, max(totals.values()))


def _kind_from_roles(roles: list[str]) -> str | None:
    lowered = [role.lower() for role in roles]
    for needle, kind in _KIND_BY_ROLE:
        if any(needle in role for role in lowered):
            return kind
    return None
