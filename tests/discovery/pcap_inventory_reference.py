"""The per-flow build_inventory as it was before the column-wise rewrite (#3), frozen as a reference.

tests/discovery/test_pcap_inventory_equivalence.py runs discovery with this and with the shipped
`plantarch.discovery.pcap.inventory.build_inventory` and asserts identical batches. It reads the flow
table only through its public interface (`columns`, `samples`, `arp`, `address()`), and looks vendors
up through netaddr itself. Do not "fix" it: it is the definition of the output that must not change;
when a behaviour change is wanted, change both and say so in the CHANGELOG."""

from __future__ import annotations

import ipaddress
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from netaddr import EUI, NotRegisteredError

from plantarch.discovery.observation import FlowObservation, HostObservation
from plantarch.discovery.pcap import names as name_parsers
from plantarch.discovery.pcap.decoder import ETH_LLC
from plantarch.discovery.pcap.flows import FlowTable
from plantarch.discovery.pcap.identity import IDENTITY_PROTOCOLS, identify_device
from plantarch.discovery.pcap.levels import peer_context_level, suggest_level
from plantarch.discovery.pcap.oui import tidy_org
from plantarch.discovery.pcap.protocols import (
    ETHERTYPE_PROTOCOLS,
    IT_TCP,
    IT_UDP,
    ROLES,
    TCP_PORTS,
    UDP_PORTS,
    identify,
)

KIND_L2 = 1
LLDP = 0x88CC
KNOWN_PORTS = (
    frozenset(p for ports in (*TCP_PORTS.values(), *UDP_PORTS.values()) for p in ports)
    | frozenset(IT_TCP)
    | frozenset(IT_UDP)
)
ROUTER_MAC_IPS = 3
"""A MAC seen with more IP sources than this is a router or firewall: it names no single IP host."""


@lru_cache(maxsize=65536)
def mac_text(mac: int) -> str:
    """Render a 48-bit MAC as lower-case colon notation."""
    return ":".join(f"{(mac >> s) & 0xFF:02x}" for s in range(40, -8, -8))


@lru_cache(maxsize=4096)
def oui_vendor(mac: str) -> str | None:
    """Organisation registered for the MAC's OUI in the IEEE registry (netaddr ships it)."""
    try:
        return tidy_org(str(EUI(mac).oui.registration().org))
    except (NotRegisteredError, ValueError, IndexError):
        return None


@lru_cache(maxsize=65536)
def is_host_address(address: str) -> bool:
    """Unicast addresses that can belong to a device (no multicast, broadcast or unspecified)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.is_multicast or ip.is_unspecified:
        return False
    return not (ip.version == 4 and int(ip) == 0xFFFFFFFF)


MAX_TIMESTAMP = 253402300799.0
"""9999-12-31T23:59:59Z: later capture timestamps are corrupt and reported as unknown."""


def timestamp(value: float) -> datetime | None:
    """A capture timestamp as an aware datetime; None when it cannot be a real time."""
    if not 0.0 <= value <= MAX_TIMESTAMP:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


_ts = timestamp


@dataclass
class _Host:
    ip: str | None
    mac: str | None = None
    names: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    it_services: set[str] = field(default_factory=set)
    identity: dict[str, str] = field(default_factory=dict)
    peers: set[str] = field(default_factory=set)
    first: float = float("inf")
    last: float = float("-inf")
    sent: int = 0


@dataclass
class FlowState:
    """One flow of the table as the reference reads it."""

    kind: int
    proto: int
    addr_a: int
    addr_b: int
    port_a: int
    port_b: int
    packets_ab: int
    packets_ba: int
    bytes_ab: int
    bytes_ba: int
    first: float
    last: float
    first_dir: int
    syn_from: int
    synack_from: int
    mac_a: int
    mac_b: int
    samples: list[tuple[int, bytes]]


FIELDS = (
    "kind", "proto", "addr_a", "addr_b", "port_a", "port_b", "packets_ab", "packets_ba", "bytes_ab",
    "bytes_ba", "first", "last", "first_dir", "syn_from", "synack_from", "mac_a", "mac_b",
)  # fmt: skip


def flow_states(table: FlowTable) -> list[FlowState]:
    """Every flow of the table, one object each."""
    n = len(table.samples)
    cols = [getattr(table.columns, name)[:n].tolist() for name in FIELDS]
    return [FlowState(*row, samples) for *row, samples in zip(*cols, table.samples, strict=True)]


@dataclass
class Inventory:
    """Hosts and flows derived from one flow table."""

    hosts: list[HostObservation]
    flows: list[FlowObservation]
    protocols: dict[str, int]


def _server_side(st: FlowState, ident_server: int) -> int:
    if st.proto == 6 and st.syn_from >= 0:
        return 1 - st.syn_from
    if st.proto == 6 and st.synack_from >= 0:
        return st.synack_from
    if ident_server >= 0:
        return ident_server
    a_known, b_known = st.port_a in KNOWN_PORTS, st.port_b in KNOWN_PORTS
    if a_known != b_known:
        return 0 if a_known else 1
    if (st.port_a < 1024) != (st.port_b < 1024):
        return 0 if st.port_a < 1024 else 1
    return 1 - st.first_dir


def build_inventory(table: FlowTable) -> Inventory:
    """Decide direction, protocol and roles of every flow, then assemble hosts with names and levels."""
    hosts: dict[str, _Host] = {}
    ip_macs: dict[str, Counter[str]] = defaultdict(Counter)
    mac_ips: dict[str, set[str]] = defaultdict(set)
    merged: dict[tuple[str, str, str, int | None, str | None], list[Any]] = {}
    protocols: Counter[str] = Counter()
    name_hits: list[tuple[str, str, str]] = []
    identities: list[tuple[str, str, dict[str, str]]] = []  # (kind, address, identity)
    sources: set[str] = set()
    addr_text: dict[int, str] = {}  # ~hundreds of hosts behind tens of thousands of flows

    def host(address: str, kind: str) -> _Host:
        h = hosts.get(address)
        if h is None:
            h = hosts[address] = _Host(
                ip=address if kind == "ip" else None, mac=address if kind == "mac" else None
            )
        return h

    for st in flow_states(table):
        if st.kind == KIND_L2:
            a, b = mac_text(st.addr_a), mac_text(st.addr_b)
            client = st.first_dir
            protocol = ETHERTYPE_PROTOCOLS.get(st.proto)
            transport, port, confidence = "ethernet", None, 1.0 if protocol else 0.5
            for direction, payload in st.samples:
                sender = a if direction == 0 else b
                if st.proto == LLDP:
                    name_hits += name_parsers.lldp(payload, sender)
                elif st.proto == ETH_LLC:
                    name_hits += name_parsers.cdp(payload, sender)
                elif protocol:
                    found = identify_device(protocol, payload)
                    if found:
                        identities.append(("mac", sender, found))
            kinds = ("mac", "mac")
        else:
            a = addr_text.get(st.addr_a) or addr_text.setdefault(st.addr_a, table.address(st.addr_a))
            b = addr_text.get(st.addr_b) or addr_text.setdefault(st.addr_b, table.address(st.addr_b))
            transport = {6: "tcp", 17: "udp"}.get(st.proto, "other")
            ident = identify(transport, st.port_a, st.port_b, st.samples) if transport != "other" else None
            server = _server_side(st, ident.server if ident else -1)
            client = 1 - server
            protocol = ident.protocol if ident else None
            confidence = ident.confidence if ident and ident.protocol else 0.5
            port = (st.port_b if server == 1 else st.port_a) or None
            if transport == "other":
                port = None
            for direction, payload in st.samples:
                sender = a if direction == 0 else b
                if transport == "udp":
                    name_hits += name_parsers.names_from_udp(st.port_a, st.port_b, payload)
                if protocol in IDENTITY_PROTOCOLS:
                    found = identify_device(protocol, payload)
                    if found:
                        identities.append(("ip", sender, found))
            kinds = ("ip", "ip")
            for addr, mac in ((a, st.mac_a), (b, st.mac_b)):
                if mac > 0 and not (mac >> 40) & 1:  # no all-zero (loopback) or group MACs
                    ip_macs[addr][mac_text(mac)] += 1
                    mac_ips[mac_text(mac)].add(addr)
        src, dst = (a, b) if client == 0 else (b, a)
        if protocol:
            protocols[protocol] += 1
        key = (src, dst, transport, port, protocol)
        acc = merged.get(key)
        if acc is None:
            merged[key] = [
                st.packets_ab + st.packets_ba,
                st.bytes_ab + st.bytes_ba,
                st.first,
                st.last,
                confidence,
            ]
        else:
            acc[0] += st.packets_ab + st.packets_ba
            acc[1] += st.bytes_ab + st.bytes_ba
            acc[2], acc[3], acc[4] = min(acc[2], st.first), max(acc[3], st.last), max(acc[4], confidence)
        sent = {a: st.packets_ab, b: st.packets_ba}
        for addr, kind in zip((a, b), kinds, strict=True):
            if (kind == "ip" and not is_host_address(addr)) or (kind == "mac" and int(addr[:2], 16) & 1):
                continue
            if sent[addr]:
                sources.add(addr)
            h = host(addr, kind)
            h.first, h.last = min(h.first, st.first), max(h.last, st.last)
            h.sent += sent[addr]
            h.peers.add(b if addr == a else a)
        client_role, server_role = ROLES.get(protocol or "", ("", ""))
        if protocol and src in hosts:
            hosts[src].roles.add(client_role)
        if protocol and dst in hosts and transport != "ethernet":
            hosts[dst].roles.add(server_role)
            hosts[dst].services.add(f"{transport}/{port}/{protocol}" if port else f"{transport}/{protocol}")
        if protocol and confidence <= 0.5:  # named by port only: an IT service
            if dst in hosts:
                hosts[dst].it_services.add(protocol)
                hosts[dst].services.add(f"{transport}/{port}/{protocol}")
            if src in hosts:
                hosts[src].it_services.add(protocol)
    _drop_silent_broadcasts(hosts, sources)
    _bind_macs(table, hosts, ip_macs, mac_ips)
    _apply_l2_facts(hosts, identities, name_hits)
    flows = [
        FlowObservation.model_construct(
            src=src, dst=dst, transport=transport, port=port, protocol=protocol, packets=packets, bytes=size,
            first_seen=_ts(first), last_seen=_ts(last), confidence=confidence,
        )
        for (src, dst, transport, port, protocol), (packets, size, first, last, confidence) in sorted(
            merged.items(), key=_flow_order
        )
    ]  # fmt: skip
    return Inventory(_finish(hosts), flows, dict(sorted(protocols.items())))


def _flow_order(
    item: tuple[tuple[str, str, str, int | None, str | None], Any],
) -> tuple[str, str, str, int, str]:
    src, dst, transport, port, protocol = item[0]
    return (src, dst, transport, port or 0, protocol or "")


def _drop_silent_broadcasts(hosts: dict[str, _Host], sources: set[str]) -> None:
    for address in [a for a, h in hosts.items() if h.ip and h.ip.endswith(".255") and a not in sources]:
        del hosts[address]


def _bind_macs(
    table: FlowTable, hosts: dict[str, _Host], ip_macs: dict[str, Counter[str]], mac_ips: dict[str, set[str]]
) -> None:
    for ip_int, (mac, first, last) in table.arp.items():
        address = str(ipaddress.IPv4Address(ip_int))
        if not is_host_address(address):
            continue
        h = hosts.get(address)
        if h is None:  # a device that only spoke ARP is still on the network
            h = hosts[address] = _Host(ip=address)
        h.mac = mac_text(mac)
        h.first, h.last = min(h.first, first), max(h.last, last)
    for address, macs in ip_macs.items():
        h = hosts.get(address)
        if h is None or h.mac:
            continue
        best, _ = macs.most_common(1)[0]
        if len(mac_ips[best]) <= ROUTER_MAC_IPS:
            h.mac = best


def _apply_l2_facts(
    hosts: dict[str, _Host],
    identities: list[tuple[str, str, dict[str, str]]],
    name_hits: list[tuple[str, str, str]],
) -> None:
    by_mac = {h.mac: h for h in hosts.values() if h.ip and h.mac}
    # A MAC-only host whose MAC belongs to an IP host is the same device: fold it in.
    for address in [a for a, h in hosts.items() if h.ip is None and a in by_mac]:
        l2 = hosts.pop(address)
        target = by_mac[address]
        target.roles |= l2.roles
        target.first, target.last = min(target.first, l2.first), max(target.last, l2.last)

    def find(kind: str, address: str) -> _Host | None:
        return (by_mac.get(address) or hosts.get(address)) if kind == "mac" else hosts.get(address)

    for kind, address, ident in identities:
        h = find(kind, address)
        if h is not None:
            h.identity.update(ident)
            if "bacnet_instance" in ident:  # I-Am: the sender is a BACnet device, whatever the port order
                h.roles.add("bacnet-device")
                h.roles.discard("bacnet-client")
            if "station" in ident and "device_id" in ident:
                h.roles.add("profinet-device")
            if ident.get("station"):
                h.names.add(ident["station"])
            if ident.get("ip") and h.ip is None:
                h.identity.setdefault("configured_ip", ident["ip"])
    for kind, address, name in name_hits:
        h = find(kind, address)
        if h is not None:
            h.names.add(name)


def _finish(hosts: dict[str, _Host]) -> list[HostObservation]:
    context = {a: peer_context_level(h.roles) for a, h in hosts.items()}
    out: list[HostObservation] = []
    for address, h in sorted(hosts.items()):
        peer_levels = {lv for p in h.peers if (lv := context.get(p)) is not None}
        level, reasons = suggest_level(h.ip, h.roles, peer_levels, h.it_services)
        vendor = h.identity.get("vendor") or (oui_vendor(h.mac) if h.mac else None)
        identity = {k: v for k, v in h.identity.items() if k != "vendor"}
        if h.identity.get("vendor"):
            identity["vendor"] = h.identity["vendor"]
        out.append(
            HostObservation(
                ip=h.ip,
                mac=h.mac if h.mac else (address if h.ip is None else None),
                vendor=vendor,
                names=sorted(h.names),
                roles=sorted(r for r in h.roles if r),
                services=sorted(h.services),
                identity=identity,
                suggested_level=level,
                level_reasons=reasons,
                first_seen=_ts(h.first),
                last_seen=_ts(h.last),
            )
        )
    return out
