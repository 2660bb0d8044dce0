"""The part of the inventory a reconcile can touch: every stored object a batch could match.

Reconcile recognises an asset only by an identifier an observation carries (application URI, MAC,
hostname, IP) or by a key a record names, and a system by its key or name. So it needs only the stored
objects that share one of those with the batches: they are found through the indexed `identifiers`
table in a few `IN (...)` queries, instead of reading the whole model. Every object holding a wanted
identifier is read, so matching gives exactly what it gives over the whole inventory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from plantarch.discovery.addresses import (
    is_group_address,
    key_part,
    normalize_hostname,
    normalize_ip,
    normalize_mac,
    short_name,
)
from plantarch.discovery.matching import APPLICATION_URI, Identifiers
from plantarch.discovery.observation import HostObservation, ObservationBatch
from plantarch.store.identifiers import keys_by_identifier
from plantarch.store.repository import existing_keys, fetch_documents


def texts(value: Any) -> list[str]:
    """A list of non-empty strings from a list or a single value."""
    items = value if isinstance(value, list | tuple) else [value]
    return [str(i).strip() for i in items if i is not None and str(i).strip()]


def host_identifiers(host: HostObservation, attributes: dict[str, Any], seen: Any = None) -> Identifiers:
    """The identifiers of a host observation (its own and those its record states), group addresses out."""
    ids = Identifiers.of(
        macs=([host.mac] if host.mac else []) + texts(attributes.get("macs", [])),
        ips=([host.ip] if host.ip else []) + texts(attributes.get("ips", [])),
        names=host.names + texts(attributes.get("hostnames", [])),
        application_uri=host.identity.get(APPLICATION_URI),
        seen=seen,
    )
    ids.macs = [m for m in ids.macs if not is_group_address(m)]
    ids.ips = [i for i in ids.ips if not is_group_address(i)]
    return ids


def display_name(ids: Identifiers, host: HostObservation) -> str:
    """What a new asset is named (and keyed) after: hostname, else IP, else MAC, else its URI."""
    return (ids.hostnames or ids.ips or ids.macs or [host.identity.get(APPLICATION_URI, "asset")])[0]


def endpoint_host(address: str) -> HostObservation:
    """The host a flow endpoint names: an IP, a MAC or a hostname."""
    ip, mac = normalize_ip(address), normalize_mac(address)
    name = None if ip or mac else normalize_hostname(address)
    return HostObservation(ip=ip, mac=mac, names=[name] if name else [])


@dataclass
class Wanted:
    """Everything a set of batches can match stored objects by."""

    identifiers: dict[str, set[str]] = field(
        default_factory=lambda: {kind: set() for kind in ("ip", "mac", "hostname", "short", "uri")}
    )
    keys: set[str] = field(default_factory=set)
    """Keys named outright (record keys, system keys, flow endpoints): asset or system."""
    system_names: set[str] = field(default_factory=set)
    new_keys: set[str] = field(default_factory=set)
    """Keys new objects would get: checked for existence in one go."""

    def add(self, ids: Identifiers) -> None:
        """Want every stored asset that shares one of these identifiers."""
        self.identifiers["ip"].update(ids.ips)
        self.identifiers["mac"].update(ids.macs)
        for name in ids.hostnames:  # plc1 ~ plc1.plant.local, both ways
            self.identifiers["hostname"].update((name, short_name(name)))
            self.identifiers["short"].add(short_name(name))
        if ids.application_uri:
            self.identifiers["uri"].add(ids.application_uri)

    def add_batch(self, batch: ObservationBatch) -> None:
        """Want what one batch names."""
        for system in batch.systems:
            self.keys.add(system.key)
            self.system_names.add(system.name.casefold())
            self.new_keys.add(key_part(system.key)[:180])
        for host in batch.hosts:
            ids = host_identifiers(host, host.attributes)
            self.add(ids)
            if host.attributes.get("key"):
                self.keys.add(str(host.attributes["key"]))
            for named in texts(host.attributes.get("systems", [])):
                self.keys.add(named)
                self.system_names.add(named.casefold())
            self.new_keys.add(key_part(display_name(ids, host))[:180])
        for address in {a for flow in batch.flows for a in (flow.src, flow.dst)}:
            host = endpoint_host(address)
            ids = host_identifiers(host, {})
            self.add(ids)
            self.keys.add(address)
            self.new_keys.add(key_part(display_name(ids, host))[:180])


def wanted_by(batches: Iterable[ObservationBatch]) -> Wanted:
    """What the batches can match, all of them at once (so stored objects load before any is edited)."""
    wanted = Wanted()
    for batch in batches:
        wanted.add_batch(batch)
    return wanted


@dataclass
class Candidates:
    """The stored documents a reconcile can touch, and which of its would-be new keys are taken."""

    assets: dict[str, dict[str, Any]]
    systems: dict[str, dict[str, Any]]
    taken: set[str]
    free: set[str]


def load_candidates(conn: Connection, wanted: Wanted) -> Candidates:
    """Read the stored assets and systems the batches can match (indexed lookups, chunked IN queries)."""
    asset_keys = set(wanted.keys)
    for kind, values in wanted.identifiers.items():
        for keys in keys_by_identifier(conn, kind, values).values():
            asset_keys |= keys
    system_keys = set(wanted.keys)
    for keys in keys_by_identifier(conn, "name", wanted.system_names).values():
        system_keys |= keys
    assets = fetch_documents(conn, "asset", sorted(asset_keys))
    systems = fetch_documents(conn, "system", sorted(system_keys))
    new = sorted(wanted.new_keys)
    taken = existing_keys(conn, "asset", new) | existing_keys(conn, "system", new)
    return Candidates(assets=assets, systems=systems, taken=taken, free=set(new) - taken)
