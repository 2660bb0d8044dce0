"""Turn a capture's flow table into hosts and flows: client/server, protocols, roles, names,
identity, OUI vendor and a suggested Purdue level per host.

Column-wise: direction, service port, protocol identification and the merge into one flow per
(src, dst, transport, port, protocol) run in numpy over all flows at once; Python runs per host, per
merged flow, and per sampled payload that a parser's guard says may name a host or reveal identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from plantarch.discovery.observation import FlowObservation, HostObservation
from plantarch.discovery.pcap import hosts as host_facts
from plantarch.discovery.pcap import names as name_parsers
from plantarch.discovery.pcap.decoder import ETH_LLC
from plantarch.discovery.pcap.flow_protocols import (
    CODE,
    ETHERNET,
    OTHER,
    PROTOCOLS,
    TCP,
    TRANSPORTS,
    UDP,
    identify_flows,
)
from plantarch.discovery.pcap.flows import KIND_L2, FlowTable
from plantarch.discovery.pcap.hosts import (
    Host,
    IdentityHit,
    NameHit,
    is_host_address,
    mac_text,
    timestamp,
)
from plantarch.discovery.pcap.identity import IDENTITY_PROTOCOLS, identify_device
from plantarch.discovery.pcap.payloads import Ints, Payloads, distinct, identity_guard, name_guard
from plantarch.discovery.pcap.protocols import (
    ETHERTYPE_PROTOCOLS,
    IT_TCP,
    IT_UDP,
    ROLES,
    TCP_PORTS,
    UDP_PORTS,
)

__all__ = ["Inventory", "build_inventory", "is_host_address", "mac_text", "merge_flows", "timestamp"]

LLDP = 0x88CC
KNOWN_PORTS = (
    frozenset(p for ports in (*TCP_PORTS.values(), *UDP_PORTS.values()) for p in ports)
    | frozenset(IT_TCP)
    | frozenset(IT_UDP)
)
_KNOWN = np.zeros(65536, dtype=bool)
_KNOWN[list(KNOWN_PORTS)] = True
_NAME_PORTS = (("dhcp", (67, 68)), ("dns", (53, 5353, 5355)), ("netbios_ns", (137,)), ("netbios_dgm", (138,)))
"""names.names_from_udp's choice of parser by the flow's ports, in its order."""
_FIELDS = frozenset(FlowObservation.model_fields)


@dataclass
class Inventory:
    """Hosts and flows derived from one flow table."""

    hosts: list[HostObservation]
    flows: list[FlowObservation]
    protocols: dict[str, int]


@dataclass
class _Flows:
    """The flow table's columns, decided: who is client, which port and protocol, the endpoints."""

    n: int
    l2: npt.NDArray[np.bool_]
    transport: Ints
    protocol: Ints
    confidence: npt.NDArray[np.float64]
    port: Ints
    """Server port; 0 when none (layer 2, other IP protocols, port 0)."""
    ep_a: Ints
    ep_b: Ints
    src: Ints
    dst: Ints
    texts: list[str]
    """Address text of each endpoint number."""


def _column(table: FlowTable, name: str, n: int) -> Any:
    return getattr(table.columns, name)[:n]


def _decide(table: FlowTable, payloads: Payloads) -> _Flows:
    n = len(table.samples)

    def col(name: str) -> Ints:
        return _column(table, name, n)  # type: ignore[no-any-return]

    kind, proto, port_a, port_b = col("kind"), col("proto"), col("port_a"), col("port_b")
    l2 = kind == KIND_L2
    transport = np.where(l2, ETHERNET, np.where(proto == 6, TCP, np.where(proto == 17, UDP, OTHER)))
    ident = identify_flows(transport, port_a, port_b, payloads, table.samples)
    protocol = ident.protocol.copy()
    protocol[l2] = 0
    for ethertype, name in ETHERTYPE_PROTOCOLS.items():
        protocol[l2 & (proto == ethertype)] = CODE[name]
    confidence = np.where(protocol > 0, np.where(l2, 1.0, ident.confidence), 0.5)
    # The server: the handshake, else the payloads, else the better-known port, else the first sender's peer.
    syn, synack, first_dir = col("syn_from"), col("synack_from"), col("first_dir")
    tcp = proto == 6
    known_a, known_b = _KNOWN[port_a], _KNOWN[port_b]
    low_a, low_b = port_a < 1024, port_b < 1024
    server = np.select(
        [tcp & (syn >= 0), tcp & (synack >= 0), ident.server >= 0, known_a != known_b, low_a != low_b],
        [1 - syn, synack, ident.server, np.where(known_a, 0, 1), np.where(low_a, 0, 1)],
        1 - first_dir,
    )
    client = np.where(l2, first_dir, 1 - server)
    port = np.where((transport == TCP) | (transport == UDP), np.where(server == 1, port_b, port_a), 0)
    # Endpoint numbers: IP addresses and MACs of both ends, one number per distinct address.
    ends: Ints = np.concatenate((col("addr_a"), col("addr_b"))) * 2 + np.tile(l2, 2)
    keys, inverse = np.unique(ends, return_inverse=True)
    texts = [mac_text(k >> 1) if k & 1 else table.address(k >> 1) for k in keys.tolist()]
    ep_a, ep_b = inverse[:n], inverse[n:]
    src, dst = np.where(client == 0, ep_a, ep_b), np.where(client == 0, ep_b, ep_a)
    return _Flows(n, l2, transport, protocol, confidence, port, ep_a, ep_b, src, dst, texts)


_new = FlowObservation.__new__
_set = object.__setattr__


def _construct(values: dict[str, Any]) -> FlowObservation:
    """FlowObservation.model_construct(**values) for a complete set of valid fields, as pydantic's
    model_construct builds it (its per-field default and alias handling costs ~4 µs per flow)."""
    flow = _new(FlowObservation)
    _set(flow, "__dict__", values)
    _set(flow, "__pydantic_fields_set__", set(_FIELDS))
    _set(flow, "__pydantic_extra__", None)
    _set(flow, "__pydantic_private__", None)
    return flow


def _merged_flows(table: FlowTable, f: _Flows) -> list[FlowObservation]:
    """One flow per (src, dst, transport, port, protocol), sorted like the text of those keys."""
    if not f.n:
        return []
    rank = np.empty(len(f.texts), dtype=np.int64)
    rank[sorted(range(len(f.texts)), key=f.texts.__getitem__)] = np.arange(len(f.texts))
    order = np.lexsort((f.protocol, f.port, f.transport, rank[f.dst], rank[f.src]))
    cols = [c[order] for c in (f.src, f.dst, f.transport, f.port, f.protocol)]
    change = np.zeros(f.n, dtype=bool)
    change[0] = True
    for c in cols:
        change[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(change)
    packets = _column(table, "packets_ab", f.n) + _column(table, "packets_ba", f.n)
    size = _column(table, "bytes_ab", f.n) + _column(table, "bytes_ba", f.n)
    rows = zip(
        *(c[starts].tolist() for c in cols),
        np.add.reduceat(packets[order], starts).tolist(),
        np.add.reduceat(size[order], starts).tolist(),
        host_facts.timestamps(np.minimum.reduceat(_column(table, "first", f.n)[order], starts)),
        host_facts.timestamps(np.maximum.reduceat(_column(table, "last", f.n)[order], starts)),
        np.maximum.reduceat(f.confidence[order], starts).tolist(),
        strict=True,
    )
    texts = f.texts
    return [
        _construct({
            "src": texts[src], "dst": texts[dst], "transport": TRANSPORTS[transport], "port": port or None,
            "protocol": PROTOCOLS[protocol], "packets": pk, "bytes": by, "first_seen": first,
            "last_seen": last, "confidence": conf,
        })
        for src, dst, transport, port, protocol, pk, by, first, last, conf in rows
    ]  # fmt: skip


def build_inventory(table: FlowTable) -> Inventory:
    """Decide direction, protocol and roles of every flow, then assemble hosts with names and levels."""
    payloads = Payloads.of(table.samples, _column(table, "sampled", len(table.samples)))
    f = _decide(table, payloads)
    hosts, sources, peer_pairs = _hosts(table, f)
    host_facts.drop_silent_broadcasts(hosts, sources)
    host_facts.bind_macs(hosts, table.arp, _best_macs(table, f))
    identities, name_hits = _payload_facts(table, f, payloads)
    host_facts.apply_l2_facts(hosts, identities, name_hits)
    counts = np.bincount(f.protocol[f.protocol > 0], minlength=len(PROTOCOLS))
    protocols = {str(PROTOCOLS[c]): int(counts[c]) for c in np.flatnonzero(counts).tolist()}
    observed = host_facts.finish(hosts, lambda found, context: _peer_levels(f, peer_pairs, found, context))
    return Inventory(observed, _merged_flows(table, f), dict(sorted(protocols.items())))


def _unique_rows(*cols: Ints) -> list[tuple[int, ...]]:
    """The distinct rows of non-negative integer columns, as Python tuples (one mixed-radix key each)."""
    if not cols[0].shape[0]:
        return []
    radix = [int(c.max()) + 1 for c in cols]
    if float(np.prod(np.array(radix, dtype=np.float64))) >= 2.0**62:
        return [tuple(r) for r in np.unique(np.stack(cols, axis=1), axis=0).tolist()]
    key = np.zeros(cols[0].shape[0], dtype=np.int64)
    for c, r in zip(cols, radix, strict=True):
        key = key * r + c
    rest = distinct(key)
    out = []
    for r in reversed(radix):
        out.append(rest % r)
        rest = rest // r
    return list(zip(*(c.tolist() for c in reversed(out)), strict=True))


def _hosts(table: FlowTable, f: _Flows) -> tuple[host_facts.Hosts, set[str], Ints]:
    """Hosts in order of first appearance with first/last seen, roles and services; the addresses
    that sent; and the distinct (host, peer) endpoint pairs."""
    n, texts = f.n, f.texts
    is_mac = np.zeros(len(texts), dtype=bool)
    is_mac[np.concatenate((f.ep_a, f.ep_b))] = np.tile(f.l2, 2)
    kinds = zip(texts, is_mac.tolist(), strict=True)
    # Unicast MACs, and IP addresses a device can have.
    eligible = np.array([not int(t[:2], 16) & 1 if m else is_host_address(t) for t, m in kinds], dtype=bool)
    pk_ab, pk_ba = _column(table, "packets_ab", n), _column(table, "packets_ba", n)
    ep = np.concatenate((f.ep_a, f.ep_b))
    other = np.concatenate((f.ep_b, f.ep_a))
    order = np.concatenate((np.arange(n) * 2, np.arange(n) * 2 + 1))
    sent = np.concatenate((np.where(f.ep_a == f.ep_b, pk_ba, pk_ab), pk_ba))  # {a: ab, b: ba} when a == b
    first = np.tile(_column(table, "first", n), 2)
    last = np.tile(_column(table, "last", n), 2)
    keep = np.flatnonzero(eligible[ep])
    keep = keep[np.argsort(order[keep])]
    ep, other, sent, first, last = ep[keep], other[keep], sent[keep], first[keep], last[keep]
    eps, appears, inverse = np.unique(ep, return_index=True, return_inverse=True)
    h_first = np.full(eps.shape[0], np.inf)
    h_last = np.full(eps.shape[0], -np.inf)
    np.minimum.at(h_first, inverse, first)
    np.maximum.at(h_last, inverse, last)
    talked = np.bincount(inverse, weights=sent > 0, minlength=eps.shape[0]) > 0
    hosts: host_facts.Hosts = {}
    for j in np.argsort(appears).tolist():
        e = int(eps[j])
        text = texts[e]
        hosts[text] = Host(ip=None if is_mac[e] else text, mac=text if is_mac[e] else None, endpoint=e)
        hosts[text].first, hosts[text].last = float(h_first[j]), float(h_last[j])
    sources = {texts[e] for e in eps[talked].tolist()}
    _add_roles(hosts, f, eligible)
    pairs = distinct(ep * len(texts) + other)
    return hosts, sources, pairs


def _add_roles(hosts: host_facts.Hosts, f: _Flows, eligible: npt.NDArray[np.bool_]) -> None:
    named = f.protocol > 0
    it = named & (f.confidence <= 0.5)  # named by port only: an IT service
    src_ok, dst_ok = eligible[f.src], eligible[f.dst]
    texts = f.texts
    for src, protocol in _unique_rows(f.src[named & src_ok], f.protocol[named & src_ok]):
        role = ROLES.get(PROTOCOLS[protocol] or "", ("", ""))[0]
        if role:
            hosts[texts[src]].roles.add(role)
    served = named & dst_ok & (f.transport != ETHERNET)
    for dst, transport, port, protocol in _unique_rows(
        f.dst[served], f.transport[served], f.port[served], f.protocol[served]
    ):
        name, where = PROTOCOLS[protocol], TRANSPORTS[transport]
        h = hosts[texts[dst]]
        role = ROLES.get(name or "", ("", ""))[1]
        if role:
            h.roles.add(role)
        h.services.add(f"{where}/{port}/{name}" if port else f"{where}/{name}")
    it_dst = it & dst_ok
    for dst, transport, port, protocol in _unique_rows(
        f.dst[it_dst], f.transport[it_dst], f.port[it_dst], f.protocol[it_dst]
    ):
        h = hosts[texts[dst]]
        h.it_services.add(str(PROTOCOLS[protocol]))
        h.services.add(f"{TRANSPORTS[transport]}/{port or None}/{PROTOCOLS[protocol]}")
    for src, protocol in _unique_rows(f.src[it & src_ok], f.protocol[it & src_ok]):
        hosts[texts[src]].it_services.add(str(PROTOCOLS[protocol]))


def _best_macs(table: FlowTable, f: _Flows) -> dict[str, tuple[str, int]]:
    """Per IP address, the source MAC of most of its flows (first seen wins a tie: Counter.most_common)
    and how many IP addresses that MAC sent from."""
    n = f.n
    ep = np.concatenate((f.ep_a, f.ep_b))
    mac = np.concatenate((_column(table, "mac_a", n), _column(table, "mac_b", n)))
    order = np.concatenate((np.arange(n) * 2, np.arange(n) * 2 + 1))
    ok = np.flatnonzero(np.tile(~f.l2, 2) & (mac > 0) & ((mac >> 40) & 1 == 0))
    if not ok.shape[0]:
        return {}
    ep, mac, order = ep[ok], mac[ok], order[ok]
    by = np.lexsort((order, mac, ep))
    ep, mac, order = ep[by], mac[by], order[by]
    start = np.ones(ep.shape[0], dtype=bool)
    start[1:] = (ep[1:] != ep[:-1]) | (mac[1:] != mac[:-1])
    starts = np.flatnonzero(start)
    count = np.diff(np.append(starts, ep.shape[0]))
    g_ep, g_mac, g_first = ep[starts], mac[starts], order[starts]
    macs, ips = np.unique(g_mac, return_counts=True)  # each (ep, mac) group is one address of that MAC
    ips_of = dict(zip(macs.tolist(), ips.tolist(), strict=True))
    best = np.lexsort((g_first, -count, g_ep))
    top = np.ones(best.shape[0], dtype=bool)
    top[1:] = g_ep[best][1:] != g_ep[best][:-1]
    return {
        f.texts[e]: (mac_text(m), ips_of[m])
        for e, m in zip(g_ep[best][top].tolist(), g_mac[best][top].tolist(), strict=True)
    }


def _payload_facts(
    table: FlowTable, f: _Flows, payloads: Payloads
) -> tuple[list[IdentityHit], list[NameHit]]:
    """Device identities (in capture order) and names carried by the sampled payloads."""
    flow = payloads.flow
    proto = _column(table, "proto", f.n)
    port_a, port_b = _column(table, "port_a", f.n), _column(table, "port_b", f.n)
    texts, l2 = f.texts, f.l2

    def sender(s: int) -> str:
        return texts[int((f.ep_b if payloads.direction(s) else f.ep_a)[flow[s]])]

    found: list[tuple[int, IdentityHit]] = []
    for protocol in sorted(IDENTITY_PROTOCOLS):
        sub = np.flatnonzero(f.protocol[flow] == CODE[protocol])
        for s in sub[identity_guard(payloads.take(sub), protocol)].tolist():
            ident = identify_device(protocol, payloads.payload(s))
            if ident:
                found.append((s, ("mac" if l2[flow[s]] else "ip", sender(s), ident)))
    name_hits: list[NameHit] = []
    for s in np.flatnonzero(l2[flow] & (proto[flow] == LLDP)).tolist():
        name_hits += name_parsers.lldp(payloads.payload(s), sender(s))
    for s in np.flatnonzero(l2[flow] & (proto[flow] == ETH_LLC)).tolist():
        name_hits += name_parsers.cdp(payloads.payload(s), sender(s))
    chosen = np.zeros(f.n, dtype=bool)
    for parser, ports in _NAME_PORTS:
        flows = (f.transport == UDP) & ~chosen & (np.isin(port_a, ports) | np.isin(port_b, ports))
        chosen |= flows
        sub = np.flatnonzero(flows[flow])
        for s in sub[name_guard(payloads.take(sub), parser)].tolist():
            name_hits += name_parsers.names_from_udp(
                int(port_a[flow[s]]), int(port_b[flow[s]]), payloads.payload(s)
            )
    return [hit for _, hit in sorted(found, key=lambda item: item[0])], name_hits


def _peer_levels(
    f: _Flows, pairs: Ints, hosts: host_facts.Hosts, context: dict[str, float | None]
) -> dict[str, set[float]]:
    """Per host address, the levels its peers' roles imply."""
    level = np.full(len(f.texts), np.nan)
    numbers = {t: i for i, t in enumerate(f.texts)}
    for address, lv in context.items():
        if lv is not None and address in numbers:
            level[numbers[address]] = lv
    host, peer = pairs // len(f.texts), pairs % len(f.texts)
    made = np.zeros(len(f.texts), dtype=bool)
    made[[h.endpoint for h in hosts.values() if h.endpoint >= 0]] = True
    known = made[host] & ~np.isnan(level[peer])
    levels, code = np.unique(level[peer[known]], return_inverse=True)
    out: dict[str, set[float]] = {}
    for key in distinct(host[known] * max(levels.shape[0], 1) + code).tolist():
        h, c = divmod(key, max(levels.shape[0], 1))
        out.setdefault(f.texts[h], set()).add(float(levels[c]))
    return out


def merge_flows(flows: list[FlowObservation]) -> list[FlowObservation]:
    """One flow per (src, dst, transport, port, protocol): connections from many client ports add up."""
    merged: dict[tuple[str, str, str, int | None, str | None], FlowObservation] = {}
    for f in flows:
        key = (f.src, f.dst, f.transport, f.port, f.protocol)
        m = merged.get(key)
        if m is None:
            merged[key] = f.model_copy()
            continue
        m.packets += f.packets
        m.bytes += f.bytes
        if f.first_seen and m.first_seen and f.first_seen < m.first_seen:
            m.first_seen = f.first_seen
        if f.last_seen and m.last_seen and f.last_seen > m.last_seen:
            m.last_seen = f.last_seen
        m.confidence = max(m.confidence, f.confidence)
    return sorted(merged.values(), key=lambda f: (f.src, f.dst, f.transport, f.port or 0, f.protocol or ""))
