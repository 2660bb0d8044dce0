"""Flow aggregation: per block, group packets into bidirectional flows and merge them into a flow
table whose size depends on the number of flows, never on the number of packets.

Two implementations with the same result: one pass over the packets with an open-addressing hash
table in the optional C extension (`_packets.aggregate`), and vectorised numpy grouping (one sort per
block), used when the extension is not built and as the reference the tests compare with. Only the
order in which flows are numbered differs: first appearance (compiled) or key-hash order (numpy).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from plantarch.discovery.pcap.compiled import native as _packets
from plantarch.discovery.pcap.decoder import (
    ETH_ARP,
    ETH_IPV4,
    ETH_IPV6,
    TCP_ACK,
    TCP_SYN,
    DecodedBlock,
)

SAMPLES_PER_FLOW = 8
"""Payload-bearing packets kept per flow for protocol identification, identity and names."""
SAMPLE_BYTES = 512
"""Bytes kept of each sampled payload."""
KIND_IP = 0
KIND_L2 = 1
V6_BASE = 1 << 32


@dataclass(slots=True)
class FlowState:
    """Everything kept about one bidirectional flow between chunks."""

    kind: int
    proto: int
    """IP protocol number, or the ethertype for layer-2 flows."""
    addr_a: int
    addr_b: int
    port_a: int
    port_b: int
    packets_ab: int = 0
    packets_ba: int = 0
    bytes_ab: int = 0
    bytes_ba: int = 0
    first: float = 0.0
    last: float = 0.0
    first_dir: int = 0
    syn_from: int = -1
    """Side (0 = a, 1 = b) that sent a SYN without ACK; -1 if none was seen."""
    synack_from: int = -1
    mac_a: int = -1
    mac_b: int = -1
    vlan: int = -1
    samples: list[tuple[int, bytes]] = field(default_factory=list)
    """(direction, payload) of the first payload-bearing packets; direction 0 means a -> b."""


class FlowColumns:
    """Per-flow counters as growable numpy columns (one row per flow)."""

    NAMES = (
        "kind", "proto", "addr_a", "addr_b", "port_a", "port_b", "packets_ab", "packets_ba", "bytes_ab",
        "bytes_ba", "first", "last", "first_dir", "syn_from", "synack_from", "mac_a", "mac_b", "vlan",
    )  # fmt: skip
    FLOATS = frozenset({"first", "last"})
    DEFAULTS: ClassVar[dict[str, int]] = {"syn_from": -1, "synack_from": -1, "mac_a": -1, "mac_b": -1}
    kind: npt.NDArray[np.int64]
    proto: npt.NDArray[np.int64]
    addr_a: npt.NDArray[np.int64]
    addr_b: npt.NDArray[np.int64]
    port_a: npt.NDArray[np.int64]
    port_b: npt.NDArray[np.int64]
    packets_ab: npt.NDArray[np.int64]
    packets_ba: npt.NDArray[np.int64]
    bytes_ab: npt.NDArray[np.int64]
    bytes_ba: npt.NDArray[np.int64]
    first: npt.NDArray[np.float64]
    last: npt.NDArray[np.float64]
    first_dir: npt.NDArray[np.int64]
    syn_from: npt.NDArray[np.int64]
    synack_from: npt.NDArray[np.int64]
    mac_a: npt.NDArray[np.int64]
    mac_b: npt.NDArray[np.int64]
    vlan: npt.NDArray[np.int64]
    sampled: npt.NDArray[np.int64]
    """Payload samples kept so far."""
    key: npt.NDArray[np.int64]
    """kind, protocol and both ports packed in 64 bits (the compiled hash table's third key part)."""
    INTERNAL = ("sampled", "key")

    def __init__(self) -> None:
        self.size = 0
        self.capacity = 1024
        for name in (*self.NAMES, *self.INTERNAL):
            dtype = np.float64 if name in self.FLOATS else np.int64
            setattr(self, name, np.full(self.capacity, self.DEFAULTS.get(name, 0), dtype=dtype))

    def append(self, **values: npt.NDArray[np.int64] | npt.NDArray[np.float64]) -> None:
        """Add rows: the given columns take the values, the others their defaults."""
        count = len(next(iter(values.values())))
        self.reserve(count)
        for name, value in values.items():
            getattr(self, name)[self.size : self.size + count] = value
        self.size += count

    def reserve(self, count: int) -> None:
        """Make room for `count` more rows without moving `size`."""
        if self.size + count <= self.capacity:
            return
        while self.size + count > self.capacity:
            self.capacity *= 2
        for name in (*self.NAMES, *self.INTERNAL):
            old = getattr(self, name)
            grown = np.full(self.capacity, self.DEFAULTS.get(name, 0), dtype=old.dtype)
            grown[: self.size] = old[: self.size]
            setattr(self, name, grown)

    def as_tuple(self) -> tuple[npt.NDArray[np.int64] | npt.NDArray[np.float64], ...]:
        """Every column in the compiled aggregation's order (NAMES, then the internal ones)."""
        return tuple(getattr(self, name) for name in (*self.NAMES, *self.INTERNAL))


@dataclass
class FlowTable:
    """Flows, ARP bindings and counters accumulated over a whole capture."""

    columns: FlowColumns = field(default_factory=lambda: FlowColumns())
    index: dict[tuple[int, int, int], int] = field(default_factory=dict)
    """(address a, address b, kind|proto|ports) -> flow number in `columns` (numpy aggregation)."""
    slots: npt.NDArray[np.int64] = field(default_factory=lambda: np.full(1024, -1, dtype=np.int64))
    """Open-addressing hash slots holding flow numbers (compiled aggregation; -1 = empty)."""
    compiled: bool = _packets is not None
    """Aggregate in the C extension (when built); False selects the numpy implementation."""
    samples: list[list[tuple[int, bytes]]] = field(default_factory=list)
    arp: dict[int, tuple[int, float, float]] = field(default_factory=dict)
    """IPv4 address -> (MAC, first seen, last seen) announced by ARP (sender fields)."""
    v6_ids: dict[bytes, int] = field(default_factory=dict)
    v6_list: list[bytes] = field(default_factory=list)
    packets: int = 0
    bytes: int = 0
    fragments: int = 0
    cut_packets: int = 0
    first_cut_offset: int = -1
    other_packets: int = 0
    first_ts: float | None = None
    last_ts: float | None = None

    def __len__(self) -> int:
        """Number of flows."""
        return len(self.samples)

    @property
    def flows(self) -> list[FlowState]:
        """Every flow as a FlowState (built on demand; the table itself is columnar)."""
        c = self.columns
        n = len(self)
        cols = [getattr(c, name)[:n].tolist() for name in FlowColumns.NAMES]
        states = [FlowState(*row) for row in zip(*cols, strict=True)]
        for state, samples in zip(states, self.samples, strict=True):
            state.samples = samples
        return states

    def sort_flows(self) -> None:
        """Renumber the flows in capture order (first seen, then addresses and key), so what is derived
        from the table in flow order (e.g. which of two conflicting identities is the later) does not
        depend on the aggregation that built it: the compiled one numbers flows by first packet in a
        block, the numpy one by key hash."""
        n = len(self)
        c = self.columns
        order = np.lexsort((c.key[:n], c.addr_b[:n], c.addr_a[:n], c.first[:n]))
        if np.array_equal(order, np.arange(n)):
            return
        for name in (*FlowColumns.NAMES, *FlowColumns.INTERNAL):
            column = getattr(c, name)
            column[:n] = column[:n][order]
        self.samples = [self.samples[i] for i in order.tolist()]
        if self.compiled:
            assert _packets is not None
            _packets.index_flows(self.slots, c.addr_a, c.addr_b, c.key, n)
        else:
            keys = zip(c.addr_a[:n].tolist(), c.addr_b[:n].tolist(), c.key[:n].tolist(), strict=True)
            self.index = {k: i for i, k in enumerate(keys)}

    def address(self, addr: int) -> str:
        """Render an address id as text (IPv4 dotted quad or IPv6)."""
        if addr < V6_BASE:
            return f"{addr >> 24}.{(addr >> 16) & 255}.{(addr >> 8) & 255}.{addr & 255}"
        return str(ipaddress.IPv6Address(self.v6_list[addr - V6_BASE]))

    def add(self, dec: DecodedBlock) -> None:
        """Aggregate one decoded block into the table."""
        blk = dec.block
        n = blk.count
        if n == 0:
            return
        self.packets += n
        self.bytes += int(blk.wirelen.sum())
        self.fragments += int(dec.fragment.sum())
        cut = int(dec.cut.sum())
        if cut:
            if self.first_cut_offset < 0:
                self.first_cut_offset = blk.file_offset + int(blk.offsets[np.argmax(dec.cut)])
            self.cut_packets += cut
        ts_min, ts_max = float(blk.ts.min()), float(blk.ts.max())
        self.first_ts = ts_min if self.first_ts is None else min(self.first_ts, ts_min)
        self.last_ts = ts_max if self.last_ts is None else max(self.last_ts, ts_max)
        self._arp(dec)
        if self.compiled:
            self._aggregate_compiled(dec)
        else:
            self._aggregate_numpy(dec)

    def _v6_addresses(self, dec: DecodedBlock, idx: npt.NDArray[np.int64], at: int) -> npt.NDArray[np.int64]:
        rows = dec.block.data[(dec.l3[idx] + at)[:, None] + np.arange(16)]
        uniq, inverse = np.unique(rows, axis=0, return_inverse=True)
        ids = np.empty(uniq.shape[0], dtype=np.int64)
        for j, row in enumerate(uniq):
            key = row.tobytes()
            known = self.v6_ids.get(key)
            if known is None:
                known = self.v6_ids[key] = len(self.v6_list)
                self.v6_list.append(key)
            ids[j] = V6_BASE + known
        return ids[inverse.reshape(-1)]

    def _arp(self, dec: DecodedBlock) -> None:
        arp = np.flatnonzero(
            (dec.ethertype == ETH_ARP) & (dec.l3 + 28 <= dec.block.offsets + dec.block.caplen)
        )
        if not arp.shape[0]:
            return
        data = dec.block.data
        p = dec.l3[arp]
        mac = np.zeros(arp.shape[0], dtype=np.uint64)
        for k in range(6):
            mac = (mac << np.uint64(8)) | data[p + 8 + k].astype(np.uint64)
        ip = np.zeros(arp.shape[0], dtype=np.int64)
        for k in range(4):
            ip = (ip << 8) | data[p + 14 + k]
        ts = dec.block.ts[arp]
        uniq, first_idx, inverse = np.unique(ip, return_index=True, return_inverse=True)
        t_first = np.full(uniq.shape[0], np.inf)
        t_last = np.full(uniq.shape[0], -np.inf)
        np.minimum.at(t_first, inverse, ts)
        np.maximum.at(t_last, inverse, ts)
        rows = zip(uniq.tolist(), mac[first_idx].tolist(), t_first.tolist(), t_last.tolist(), strict=True)
        for ip_v, mac_v, tf, tl in rows:
            if not ip_v:  # 0.0.0.0 is an ARP probe
                continue
            known = self.arp.get(ip_v)
            if known is None:
                self.arp[ip_v] = (int(mac_v), tf, tl)
            else:
                self.arp[ip_v] = (known[0], min(known[1], tf), max(known[2], tl))

    def _aggregate_compiled(self, dec: DecodedBlock) -> None:
        assert _packets is not None
        blk = dec.block
        n = blk.count
        size = len(self.samples)
        self.columns.reserve(n)
        if self.slots.shape[0] < 2 * (size + n):
            slots = 1 << int(2 * (size + n) - 1).bit_length()
            self.slots = np.empty(slots, dtype=np.int64)
            c = self.columns
            _packets.index_flows(self.slots, c.addr_a, c.addr_b, c.key, size)
        src_v6: npt.NDArray[np.int64] | None = None
        dst_v6: npt.NDArray[np.int64] | None = None
        v6 = np.flatnonzero(dec.ip_version == 6)
        if v6.shape[0]:
            src_v6 = np.zeros(n, dtype=np.int64)
            dst_v6 = np.zeros(n, dtype=np.int64)
            src_v6[v6] = self._v6_addresses(dec, v6, 8)
            dst_v6[v6] = self._v6_addresses(dec, v6, 24)
        contiguous = np.ascontiguousarray
        packets = (
            dec.ip_version, dec.has_mac, dec.ethertype, dec.src_ip4, dec.dst_ip4, dec.src_mac, dec.dst_mac,
            dec.proto, dec.sport, dec.dport, dec.tcp_flags, dec.vlan, dec.payload_off, dec.payload_len,
            blk.wirelen, blk.ts, src_v6, dst_v6,
        )  # fmt: skip
        size, other = _packets.aggregate(
            tuple(None if p is None else contiguous(p) for p in packets),
            self.columns.as_tuple(),
            self.slots,
            size,
            self.samples,
            blk.data,
            SAMPLES_PER_FLOW,
            SAMPLE_BYTES,
        )
        self.columns.size = size
        self.other_packets += other

    def _aggregate_numpy(self, dec: DecodedBlock) -> None:
        blk = dec.block
        is_ip = dec.ip_version > 0
        is_l2 = (~is_ip) & dec.has_mac & ~np.isin(dec.ethertype, (ETH_ARP, ETH_IPV4, ETH_IPV6))
        sel = np.flatnonzero(is_ip | is_l2)
        self.other_packets += blk.count - sel.shape[0]
        if not sel.shape[0]:
            return
        ip = is_ip[sel]
        src = np.where(ip, dec.src_ip4[sel], dec.src_mac[sel].astype(np.int64))
        dst = np.where(ip, dec.dst_ip4[sel], dec.dst_mac[sel].astype(np.int64))
        v6 = np.flatnonzero(dec.ip_version[sel] == 6)
        if v6.shape[0]:
            src[v6] = self._v6_addresses(dec, sel[v6], 8)
            dst[v6] = self._v6_addresses(dec, sel[v6], 24)
        sport, dport = dec.sport[sel], dec.dport[sel]
        kind = np.where(ip, KIND_IP, KIND_L2)
        proto = np.where(ip, dec.proto[sel], dec.ethertype[sel])
        swap = (src > dst) | ((src == dst) & (sport > dport))
        a = np.where(swap, dst, src)
        b = np.where(swap, src, dst)
        pa = np.where(swap, dport, sport)
        pb = np.where(swap, sport, dport)
        k3 = (kind << 56) | (proto << 32) | (pa << 16) | pb
        # Group by a 64-bit mix of the key (one stable sort instead of a 3-key lexsort), then check
        # that every group holds one key; a hash collision falls back to the exact lexsort.
        mixed = _mix(a, b, k3)
        order = np.argsort(mixed, kind="stable")
        mixed = mixed[order]
        a, b, k3 = a[order], b[order], k3[order]
        change = np.empty(order.shape[0], dtype=bool)
        change[0] = True
        change[1:] = mixed[1:] != mixed[:-1]
        starts = np.flatnonzero(change)
        group = np.cumsum(change) - 1
        head = starts[group]
        if ((a != a[head]) | (b != b[head]) | (k3 != k3[head])).any():
            exact = np.lexsort((k3, b, a))
            order = order[exact]
            a, b, k3 = a[exact], b[exact], k3[exact]
            change[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1]) | (k3[1:] != k3[:-1])
            starts = np.flatnonzero(change)
            group = np.cumsum(change) - 1
        g = starts.shape[0]
        pidx = sel[order]
        direction = swap[order].astype(np.int64)
        wl = blk.wirelen[pidx]
        ts = blk.ts[pidx]
        pk_ba = np.bincount(group, weights=direction, minlength=g).astype(np.int64)
        pk_all = np.diff(np.append(starts, order.shape[0]))
        by_ba = np.bincount(group, weights=wl * direction, minlength=g).astype(np.int64)
        by_all = np.bincount(group, weights=wl, minlength=g).astype(np.int64)
        t_first = np.minimum.reduceat(ts, starts)
        t_last = np.maximum.reduceat(ts, starts)
        flags = dec.tcp_flags[pidx]
        syn = (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN
        synack = (flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)
        syn_from = _first_side(group, syn, direction, g)
        synack_from = _first_side(group, synack, direction, g)
        macs = dec.src_mac[pidx].astype(np.int64)
        has_mac = dec.has_mac[pidx]
        mac_a = _first_value(group, has_mac & (direction == 0), macs, g)
        mac_b = _first_value(group, has_mac & (direction == 1), macs, g)
        vlan = dec.vlan[pidx][starts]
        # Find or create each group's flow number: one dict lookup per group, the rest is vectorised.
        keys = list(zip(a[starts].tolist(), b[starts].tolist(), k3[starts].tolist(), strict=True))
        index = self.index
        ids = np.fromiter((index.get(k, -1) for k in keys), dtype=np.int64, count=g)
        new = np.flatnonzero(ids < 0)
        if new.shape[0]:
            first_id = len(self.samples)
            for n_, j in enumerate(new.tolist()):
                index[keys[j]] = first_id + n_
            ids[new] = np.arange(first_id, first_id + new.shape[0])
            self.samples.extend([] for _ in range(new.shape[0]))
            k3n = k3[starts[new]]
            self.columns.append(
                kind=k3n >> 56,
                proto=(k3n >> 32) & 0xFFFFFF,
                addr_a=a[starts[new]],
                addr_b=b[starts[new]],
                port_a=(k3n >> 16) & 0xFFFF,
                port_b=k3n & 0xFFFF,
                first=t_first[new],
                last=t_last[new],
                first_dir=direction[starts[new]],
                vlan=vlan[new],
                key=k3n,
            )
        c = self.columns
        c.packets_ab[ids] += pk_all - pk_ba
        c.packets_ba[ids] += pk_ba
        c.bytes_ab[ids] += by_all - by_ba
        c.bytes_ba[ids] += by_ba
        c.first[ids] = np.minimum(c.first[ids], t_first)
        c.last[ids] = np.maximum(c.last[ids], t_last)
        for name, value in (
            ("syn_from", syn_from),
            ("synack_from", synack_from),
            ("mac_a", mac_a),
            ("mac_b", mac_b),
        ):
            col = getattr(c, name)
            col[ids] = np.where(col[ids] < 0, value, col[ids])
        # Sample the first payload-bearing packets of each flow that still needs samples.
        plen = dec.payload_len[pidx]
        bearing = plen > 0
        rank = np.cumsum(bearing) - 1
        rank = rank - np.concatenate(([0], np.cumsum(bearing)))[starts][group]
        need = SAMPLES_PER_FLOW - c.sampled[ids]
        take = np.flatnonzero(bearing & (rank < need[group]))
        if take.shape[0]:
            np.add.at(c.sampled, ids[group[take]], 1)
            # Slicing a memoryview of the chunk costs a fraction of a numpy slice + tobytes per sample.
            raw = blk.data.data
            p_off = dec.payload_off[pidx[take]].tolist()
            p_end = (dec.payload_off[pidx[take]] + np.minimum(plen[take], SAMPLE_BYTES)).tolist()
            owner = ids[group[take]].tolist()
            dirs = direction[take].tolist()
            samples = self.samples
            for fid, d, lo, hi in zip(owner, dirs, p_off, p_end, strict=True):
                samples[fid].append((d, bytes(raw[lo:hi])))


def _mix(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], k3: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint64]:
    """A 64-bit mix of a flow key (multiplicative hashing); equal keys give equal values."""
    with np.errstate(over="ignore"):
        h = a.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        h ^= b.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
        h ^= k3.astype(np.uint64) * np.uint64(0x165667B19E3779F9)
        h ^= h >> np.uint64(29)
    return h


def _first_side(
    group: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_], direction: npt.NDArray[np.int64], g: int
) -> npt.NDArray[np.int64]:
    """Per group, the direction of the first packet matching `mask` (-1 when none)."""
    return _first_value(group, mask, direction, g)


def _first_value(
    group: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_], values: npt.NDArray[np.int64], g: int
) -> npt.NDArray[np.int64]:
    """Per group, the value at the first packet matching `mask` (-1 when none); `group` is sorted."""
    out = np.full(g, -1, dtype=np.int64)
    idx = np.flatnonzero(mask)
    if idx.shape[0]:
        grp = group[idx]
        first = np.flatnonzero(np.diff(grp, prepend=-1) != 0)  # sorted groups: no second sort needed
        out[grp[first]] = values[idx[first]]
    return out
