"""`protocols.identify` for every TCP/UDP flow of a table at once.

The decision is the same as `identify`'s, step by step: protocols registered on the flow's ports
first (in the same order), then strong signatures on a non-standard port, then TPKT connection setup,
then well-known IT ports. Signatures run column-wise over all sampled payloads (`signatures`); a flow
on which two strong signatures qualify is handed to `identify` itself, whose answer then depends on set
iteration order and must stay the same."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from plantarch.discovery.pcap import signatures
from plantarch.discovery.pcap.payloads import Ints, Payloads, distinct
from plantarch.discovery.pcap.protocols import (
    _TCP_BY_PORT,
    _UDP_BY_PORT,
    ETHERTYPE_PROTOCOLS,
    IT_TCP,
    IT_UDP,
    SIGNATURES,
    STRONG,
    identify,
)

TRANSPORTS = ("ethernet", "other", "tcp", "udp")
"""Transport names; a transport's code is its index, which is also its rank in sorted order."""
ETHERNET, OTHER, TCP, UDP = range(4)
PROTOCOLS: tuple[str | None, ...] = (
    None,
    *sorted({*SIGNATURES, *IT_TCP.values(), *IT_UDP.values(), *ETHERTYPE_PROTOCOLS.values()}),
)
"""Protocol names by code; code 0 is no protocol, and codes sort like `protocol or ""`."""
CODE = {name: code for code, name in enumerate(PROTOCOLS)}
_ONE_HIT_IS_ENOUGH = frozenset({"s7comm", "mms", "mqtt", "ads"})


def _port_codes(names: dict[int, str]) -> Ints:
    table = np.zeros(65536, dtype=np.int64)
    for port, name in names.items():
        table[port] = CODE[name]
    return table


_IT = {TCP: _port_codes(IT_TCP), UDP: _port_codes(IT_UDP)}
_BY_PORT = {TCP: _TCP_BY_PORT, UDP: _UDP_BY_PORT}


def _port_classes() -> tuple[list[tuple[str, ...]], dict[int, Ints]]:
    """The distinct tuples of protocols registered on one port (class 0: none), and per transport the
    class of every port."""
    classes: list[tuple[str, ...]] = [()]
    for by_port in _BY_PORT.values():
        classes += sorted(set(by_port.values()) - set(classes))
    tables = {}
    for transport, by_port in _BY_PORT.items():
        tables[transport] = np.zeros(65536, dtype=np.int64)
        for port, names in by_port.items():
            tables[transport][port] = classes.index(names)
    return classes, tables


_CLASSES, _PORT_CLASS = _port_classes()


@dataclass
class FlowProtocols:
    """Per flow: protocol code (index into PROTOCOLS), identification confidence and server side."""

    protocol: Ints
    confidence: npt.NDArray[np.float64]
    server: Ints
    """0 = side a, 1 = side b, -1 = the payloads do not say."""


def _on_port(transport: int, cls_b: int, cls_a: int) -> list[tuple[str, int]]:
    """identify's list of (protocol, server side) registered on the ports, in its order."""
    on_port = [(proto, 1) for proto in _CLASSES[cls_b]]
    return on_port + [(proto, 0) for proto in _CLASSES[cls_a] if (proto, 1) not in on_port]


def identify_flows(
    transport: Ints,
    port_a: Ints,
    port_b: Ints,
    payloads: Payloads,
    samples: list[list[tuple[int, bytes]]],
) -> FlowProtocols:
    """Protocol, confidence and server side of every tcp/udp flow (other flows get none, 0.0, -1)."""
    n = transport.shape[0]
    out = FlowProtocols(np.zeros(n, np.int64), np.zeros(n, np.float64), np.full(n, -1, np.int64))
    count = np.bincount(payloads.flow, minlength=n)
    ip = (transport == TCP) | (transport == UDP)
    ports = {TCP: transport == TCP, UDP: transport == UDP}
    cls_a = np.zeros(n, dtype=np.int64)
    cls_b = np.zeros(n, dtype=np.int64)
    for t, mask in ports.items():
        cls_a[mask] = _PORT_CLASS[t][port_a[mask]]
        cls_b[mask] = _PORT_CLASS[t][port_b[mask]]
    k = len(_CLASSES)
    combo = np.where(ip & (count > 0), (transport * k + cls_b) * k + cls_a, -1)
    combos = {c: _on_port(c // (k * k), (c // k) % k, c % k) for c in distinct(combo[combo >= 0]).tolist()}
    # Which flows need which signature: the protocols on their ports, and strong candidates.
    need = {name: np.zeros(n, dtype=bool) for name in SIGNATURES}
    for c, on_port in combos.items():
        for name, _side in on_port:
            need[name] |= combo == c
    first3 = payloads.take(np.flatnonzero(payloads.rank < 3))
    candidate: dict[str, npt.NDArray[np.bool_]] = {}
    for name, mask in signatures.candidates(first3).items():
        flows = np.zeros(n, dtype=bool)
        flows[first3.flow[mask]] = True
        candidate[name] = flows & (combo >= 0)
        need[name] |= candidate[name]
    hits: dict[str, Ints] = {}
    for name, flows in need.items():
        if flows.any():
            sub = payloads.take(np.flatnonzero(flows[payloads.flow]))
            hits[name] = np.bincount(sub.flow[signatures.SIGNATURES[name](sub)], minlength=n)
    decided = ~ip
    first_side = np.full(n, -2, dtype=np.int64)
    # 1. Protocols registered on the ports, in identify's order.
    for c, on_port in combos.items():
        flows = np.flatnonzero(combo == c)
        if not on_port:
            continue
        first_side[flows] = on_port[0][1]
        for name, side in on_port:
            h, total = hits[name][flows], count[flows]
            for ok, confidence in (
                (h * 2 >= total, 1.0),
                (np.full(flows.shape[0], name in _ONE_HIT_IS_ENOUGH), 0.9),
            ):
                take = flows[ok & (h > 0) & ~decided[flows]]
                out.protocol[take], out.confidence[take], out.server[take] = CODE[name], confidence, side
                decided[take] = True
    # 2. Strong signatures on any port: exactly one qualifying protocol, or identify itself decides.
    qualifying = []
    for name in sorted(STRONG):
        h = hits.get(name, np.zeros(n, dtype=np.int64))
        qualifying.append(candidate[name] & (h > 0) & (h * 2 >= count) & ((h >= 2) | (count == 1)))
    stacked = np.stack(qualifying)
    votes = stacked.sum(axis=0)
    one = np.flatnonzero(~decided & (votes == 1))
    names = np.array([CODE[name] for name in sorted(STRONG)])
    out.protocol[one] = names[np.argmax(stacked[:, one], axis=0)]
    out.confidence[one] = 0.8
    decided[one] = True
    for f in np.flatnonzero(~decided & (votes > 1)).tolist():
        t = int(transport[f])
        ident = identify(TRANSPORTS[t], int(port_a[f]), int(port_b[f]), samples[f])
        out.protocol[f], out.confidence[f] = CODE[ident.protocol], ident.confidence
        out.server[f] = ident.server
        decided[f] = True
    # 3. Registered port but no signature: TPKT connection setup alone still says who is the server.
    onport = np.flatnonzero(~decided & (first_side >= 0))
    if onport.shape[0]:
        sub = payloads.take(np.flatnonzero(np.isin(payloads.flow, onport)))
        setups = np.bincount(sub.flow[signatures.tpkt_connect(sub)], minlength=n)
        out.server[onport] = np.where(setups[onport] == count[onport], first_side[onport], -1)
        decided[onport] = True
    # 4. Well-known IT ports.
    for t, mask in ports.items():
        rest = np.flatnonzero(mask & ~decided)
        pa, pb = port_a[rest], port_b[rest]
        code_a, code_b = _IT[t][pa], _IT[t][pb]
        server_b, server_a = (code_b > 0) & (code_a == 0), (code_a > 0) & (code_b == 0)
        same = (code_a > 0) & (pa == pb)
        out.protocol[rest] = np.where(server_b, code_b, np.where(server_a | same, code_a, 0))
        out.confidence[rest] = np.where(server_b | server_a | same, 0.5, 0.0)
        out.server[rest] = np.where(server_b, 1, np.where(server_a, 0, -1))
    return out
