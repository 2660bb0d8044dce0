"""Header decoding for a whole block: link layer, VLAN tags, IPv4/IPv6, TCP/UDP.

Two implementations with identical results: one loop in the optional C extension (`_packets.decode`)
and vectorised numpy gathers (`decode_numpy`), used when the extension is not built and as the
reference the tests compare the compiled one with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from plantarch.discovery.pcap.compiled import native as _packets
from plantarch.discovery.pcap.reader import (
    LINK_ETHERNET,
    LINK_NULL,
    LINK_SLL,
    LINK_SLL2,
    PacketBlock,
)

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
Bool = npt.NDArray[np.bool_]

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
ETH_IPV6 = 0x86DD
ETH_VLAN = frozenset({0x8100, 0x88A8, 0x9100})
ETH_LLC = 0x0001
"""Pseudo ethertype for 802.3 frames with an LLC header (CDP, STP, ...)."""
ETH_NONE = 0
PROTO_TCP = 6
PROTO_UDP = 17

TCP_SYN = 0x02
TCP_ACK = 0x10


@dataclass
class DecodedBlock:
    """Header fields of every packet of a block (arrays of equal length)."""

    block: PacketBlock
    src_mac: U64
    dst_mac: U64
    has_mac: Bool
    ethertype: I64
    vlan: I64
    l3: I64
    ip_version: I64
    src_ip4: I64
    dst_ip4: I64
    proto: I64
    fragment: Bool
    """Non-first IPv4 fragments: no transport header."""
    sport: I64
    dport: I64
    tcp_flags: I64
    payload_off: I64
    payload_len: I64
    cut: Bool
    """Packets whose headers were cut by the snapshot length."""


def _rows(data: npt.NDArray[np.uint8], width: int) -> npt.NDArray[np.uint8]:
    """Overlapping `width`-byte rows starting at every offset (a view, no copy)."""
    return np.lib.stride_tricks.as_strided(data, shape=(data.shape[0] - width + 1, width), strides=(1, 1))


def _u8(data: npt.NDArray[np.uint8], pos: I64) -> I64:
    return data[pos].astype(np.int64)


def _u16(data: npt.NDArray[np.uint8], pos: I64) -> I64:
    """Big-endian 16-bit values at `pos` with one gather of 2-byte rows."""
    return _rows(data, 2)[pos].view(">u2")[:, 0].astype(np.int64)


def _words(data: npt.NDArray[np.uint8], pos: I64, width: int) -> npt.NDArray[np.int64]:
    """`width` bytes at `pos` as big-endian 16-bit words, (n, width // 2), with one gather."""
    return _rows(data, width)[pos].view(">u2").astype(np.int64)


def _mac(data: npt.NDArray[np.uint8], pos: I64) -> U64:
    """48-bit MAC addresses at `pos` (8-byte rows, the 2 bytes after the MAC shifted out)."""
    return _rows(data, 8)[pos].view(">u8")[:, 0] >> np.uint64(16)


WINDOW = 96
"""Header bytes copied per packet before decoding: Ethernet + 2 VLAN tags + IPv4 with options + TCP
flags fit; only IPv6 extension headers can reach past it, and those packets are decoded in place."""


WORDS = (
    "src_mac", "dst_mac", "ethertype", "vlan", "l3", "ip_version", "src_ip4", "dst_ip4", "proto", "sport",
    "dport", "tcp_flags", "payload_off", "payload_len",
)  # fmt: skip
"""The 64-bit fields the compiled decoder writes, in its row order."""
FLAGS = ("has_mac", "fragment", "cut")
"""The boolean fields the compiled decoder writes, in its row order."""


def decode_compiled(block: PacketBlock) -> DecodedBlock:
    """Decode the headers of every packet in `block` in the C extension (one pass, no gathers)."""
    if _packets is None:
        raise RuntimeError("the compiled hot path (plantarch.discovery.pcap._packets) is not built")
    n = block.count
    words = np.empty((len(WORDS), n), dtype=np.int64)
    flags = np.empty((len(FLAGS), n), dtype=np.uint8)
    contiguous = np.ascontiguousarray
    offsets, caplen, linktype = (
        contiguous(block.offsets),
        contiguous(block.caplen),
        contiguous(block.linktype),
    )
    _packets.decode(block.data, offsets, caplen, linktype, words, flags)
    fields: dict[str, Any] = dict(zip(WORDS, words, strict=True))
    fields["src_mac"] = fields["src_mac"].view(np.uint64)
    fields["dst_mac"] = fields["dst_mac"].view(np.uint64)
    fields.update(zip(FLAGS, flags.view(np.bool_), strict=True))
    return DecodedBlock(block=block, **fields)


def decode_numpy(block: PacketBlock) -> DecodedBlock:
    """Decode the headers of every packet in `block` with numpy gathers (no per-packet Python).

    Each packet's first WINDOW bytes are first copied into one compact matrix, so the dozens of field
    gathers that follow hit a small, cache-friendly array instead of the whole chunk.
    """
    n = block.count
    rows = _rows(block.data, WINDOW)
    compact = rows[block.offsets].reshape(-1)
    base = np.arange(n, dtype=np.int64) * WINDOW
    out = _decode(compact, base, block.caplen, block.linktype)
    over = np.flatnonzero((out["ip_version"] == 6) & (out["l4"] + 14 - base > WINDOW))
    if over.shape[0]:
        redo = _decode(block.data, block.offsets[over], block.caplen[over], block.linktype[over])
        shift = block.offsets[over] - base[over]
        for name, values in redo.items():
            out[name][over] = values - shift if name in POSITIONS else values
    delta = block.offsets - base
    for name in POSITIONS:
        out[name] += delta
    del out["l4"]
    return DecodedBlock(block=block, **out)


decode = decode_compiled if _packets is not None else decode_numpy
"""The decoder in use: compiled when the optional extension was built, numpy otherwise."""

POSITIONS = ("l3", "l4", "payload_off")
"""Fields that are byte positions (moved from compact to chunk coordinates)."""


def _decode(data: npt.NDArray[np.uint8], off: I64, cap: I64, link: I64) -> dict[str, Any]:
    """Header fields of the packets starting at `off` in `data` (positions in `data` coordinates)."""
    n = off.shape[0]
    end = off + cap
    zeros = np.zeros(n, dtype=np.int64)

    ethertype = zeros.copy()
    l3 = off.copy()
    vlan = np.full(n, -1, dtype=np.int64)
    src_mac = np.zeros(n, dtype=np.uint64)
    dst_mac = np.zeros(n, dtype=np.uint64)
    has_mac = np.zeros(n, dtype=bool)

    eth = link == LINK_ETHERNET
    if eth.any():
        e = np.flatnonzero(eth & (cap >= 14))
        eo = off[e]
        w = _words(data, eo, 14)  # destination MAC, source MAC, ethertype in one gather
        dst_mac[e] = ((w[:, 0] << 32) | (w[:, 1] << 16) | w[:, 2]).astype(np.uint64)
        src_mac[e] = ((w[:, 3] << 32) | (w[:, 4] << 16) | w[:, 5]).astype(np.uint64)
        has_mac[e] = True
        et = w[:, 6].copy()
        pos = eo + 14
        first_vlan = np.full(e.shape[0], -1, dtype=np.int64)
        for _ in range(2):  # 802.1Q, then QinQ inner tag: only the tagged frames are read again
            tagged = np.flatnonzero(((et == 0x8100) | (et == 0x88A8) | (et == 0x9100)) & (pos + 4 <= end[e]))
            if not tagged.shape[0]:
                break
            tag = _words(data, pos[tagged], 4)
            first_vlan[tagged] = np.where(first_vlan[tagged] < 0, tag[:, 0] & 0x0FFF, first_vlan[tagged])
            et[tagged] = tag[:, 1]
            pos[tagged] += 4
        llc = et < 0x0600
        et = np.where(llc, ETH_LLC, et)
        ethertype[e] = et
        l3[e] = pos
        vlan[e] = first_vlan
    sll = link == LINK_SLL
    if sll.any():
        s = np.flatnonzero(sll & (cap >= 16))
        ethertype[s] = _u16(data, off[s] + 14)
        src_mac[s] = _mac(data, off[s] + 6)
        has_mac[s] = _u16(data, off[s] + 4) == 6
        l3[s] = off[s] + 16
    sll2 = link == LINK_SLL2
    if sll2.any():
        s = np.flatnonzero(sll2 & (cap >= 20))
        ethertype[s] = _u16(data, off[s])
        src_mac[s] = _mac(data, off[s] + 12)
        has_mac[s] = data[off[s] + 11] == 6
        l3[s] = off[s] + 20
    null = link == LINK_NULL
    if null.any():
        s = np.flatnonzero(null & (cap >= 5))
        fam_le = data[off[s]].astype(np.int64) | (data[off[s] + 3].astype(np.int64))
        ethertype[s] = np.where(fam_le == 2, ETH_IPV4, np.where(np.isin(fam_le, (24, 28, 30)), ETH_IPV6, 0))
        l3[s] = off[s] + 4
    raw = ~(eth | sll | sll2 | null)
    if raw.any():
        s = np.flatnonzero(raw & (cap >= 1))
        ver = data[off[s]] >> 4
        ethertype[s] = np.where(ver == 4, ETH_IPV4, np.where(ver == 6, ETH_IPV6, 0))
        l3[s] = off[s]

    ip_version = zeros.copy()
    src_ip4 = zeros.copy()
    dst_ip4 = zeros.copy()
    proto = np.full(n, -1, dtype=np.int64)
    fragment = np.zeros(n, dtype=bool)
    l4 = zeros.copy()
    ip_end = end.copy()
    cut = np.zeros(n, dtype=bool)

    v4 = ethertype == ETH_IPV4
    if v4.any():
        ok = v4 & (l3 + 20 <= end)
        cut |= v4 & ~ok
        i = np.flatnonzero(ok)
        p = l3[i]
        w = _words(data, p, 20)  # the whole fixed IPv4 header in one gather
        good = (w[:, 0] >> 12) == 4
        if not good.all():
            i, p, w = i[good], p[good], w[good]
        ip_version[i] = 4
        proto[i] = w[:, 4] & 0xFF
        src_ip4[i] = (w[:, 6] << 16) | w[:, 7]
        dst_ip4[i] = (w[:, 8] << 16) | w[:, 9]
        fragment[i] = (w[:, 3] & 0x1FFF) != 0
        l4[i] = p + ((w[:, 0] >> 8) & 0x0F) * 4
        tot = w[:, 1]
        ip_end[i] = np.minimum(end[i], np.where(tot >= 20, p + tot, end[i]))
    v6 = ethertype == ETH_IPV6
    if v6.any():
        ok = v6 & (l3 + 40 <= end)
        cut |= v6 & ~ok
        i = np.flatnonzero(ok)
        p = l3[i]
        good = (_u8(data, p) >> 4) == 6
        i, p = i[good], p[good]
        ip_version[i] = 6
        nh = _u8(data, p + 6)
        pos = p + 40
        for _ in range(3):  # hop-by-hop, routing, destination options, fragment
            e = np.flatnonzero(np.isin(nh, (0, 43, 60, 44)) & (pos + 8 <= end[i]))
            if not e.shape[0]:
                break
            # Read only the lanes with an extension header. In the compact copy a long header can run
            # past the buffer: clip the read (the value is unused, such packets are decoded again).
            at = np.minimum(pos[e], data.shape[0] - 4)
            is_frag = nh[e] == 44
            fragment[i[e[is_frag]]] = (_u16(data, at[is_frag] + 2) & 0xFFF8) != 0
            step = np.where(is_frag, 8, (_u8(data, at + 1) + 1) * 8)
            nh[e] = _u8(data, at)
            pos[e] = pos[e] + step
        proto[i] = nh
        l4[i] = pos
        plen = _u16(data, p + 4)
        ip_end[i] = np.minimum(end[i], p + 40 + plen)

    sport = zeros.copy()
    dport = zeros.copy()
    tcp_flags = zeros.copy()
    payload_off = l3.copy()
    payload_off[ip_version > 0] = ip_end[ip_version > 0]
    tcp = (proto == PROTO_TCP) & ~fragment
    udp = (proto == PROTO_UDP) & ~fragment
    tcp_ok = tcp & (l4 + 20 <= end)
    udp_ok = udp & (l4 + 8 <= end)
    cut |= (tcp & ~tcp_ok) | (udp & ~udp_ok)
    for mask, hdr in ((tcp_ok, 0), (udp_ok, 8)):
        i = np.flatnonzero(mask)
        if not i.shape[0]:
            continue
        p = l4[i]
        w = _words(data, p, 14 if hdr == 0 else 4)  # ports (and TCP offset + flags) in one gather
        sport[i] = w[:, 0]
        dport[i] = w[:, 1]
        if hdr == 0:
            tcp_flags[i] = w[:, 6] & 0xFF
            payload_off[i] = np.minimum(p + (w[:, 6] >> 12) * 4, ip_end[i])
        else:
            payload_off[i] = p + 8
    payload_len = np.where(ip_version > 0, ip_end - payload_off, end - l3)
    payload_len[(ip_version > 0) & ~(tcp_ok | udp_ok)] = 0
    payload_len = np.maximum(payload_len, 0)
    return {
        "src_mac": src_mac,
        "dst_mac": dst_mac,
        "has_mac": has_mac,
        "ethertype": ethertype,
        "vlan": vlan,
        "l3": l3,
        "l4": l4,
        "ip_version": ip_version,
        "src_ip4": src_ip4,
        "dst_ip4": dst_ip4,
        "proto": proto,
        "fragment": fragment,
        "sport": sport,
        "dport": dport,
        "tcp_flags": tcp_flags,
        "payload_off": payload_off,
        "payload_len": payload_len,
        "cut": cut,
    }
