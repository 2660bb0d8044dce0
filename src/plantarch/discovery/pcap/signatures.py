"""The protocol signatures of `protocols` evaluated column-wise over many payloads at once.

Each function here gives, for every payload of a `Payloads`, exactly what the same-named function of
`protocols` gives for that payload alone (tests/discovery/test_pcap_signatures.py asserts it on every
shared capture's samples and on random payloads). Change both together."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from plantarch.discovery.pcap.payloads import Bools, Ints, Payloads
from plantarch.discovery.pcap.protocols import ENIP_COMMANDS, ENIP_STATUS, OPCUA_TYPES, PNIO_UUIDS

_OPCUA_TYPES = [int.from_bytes(t, "big") for t in OPCUA_TYPES]
_ENIP_COMMANDS = sorted(ENIP_COMMANDS)
_ENIP_STATUS = sorted(ENIP_STATUS)


def modbus(p: Payloads) -> Bools:
    """protocols._modbus for every payload."""
    length, fc = p.be16(4), p.u8(7) & 0x7F
    return np.asarray(
        (
            (p.length >= 8)
            & (p.be16(2) == 0)
            & (length >= 2)
            & (length <= 254)
            & (length + 6 <= p.length)
            & (fc >= 1)
            & (fc <= 0x2B)
        ),
        dtype=bool,
    )


def tpkt_cotp(p: Payloads) -> Ints:
    """protocols._tpkt_cotp for every payload: offset after TPKT+COTP DT, -1 when it does not hold."""
    li = p.u8(4)
    ok = (p.length >= 7) & (p.u8(0) == 3) & (p.u8(1) == 0) & (p.be16(2) <= p.length)
    ok &= (li >= 2) & (5 + li <= p.length) & (p.u8(5) == 0xF0)
    return np.where(ok, 5 + li, -1)


def tpkt_connect(p: Payloads) -> Bools:
    """protocols._tpkt_connect for every payload."""
    return np.asarray(
        (
            (p.length >= 11)
            & (p.u8(0) == 3)
            & (p.u8(1) == 0)
            & np.isin(p.u8(5), (0xE0, 0xD0))
            & (p.u8(4) + 5 <= p.length)
        ),
        dtype=bool,
    )


def s7comm(p: Payloads) -> Bools:
    """protocols._s7comm for every payload."""
    at = tpkt_cotp(p)
    return np.asarray((at > 0) & (at < p.length) & np.isin(p.u8(at), (0x32, 0x72)), dtype=bool)


def mms(p: Payloads) -> Bools:
    """protocols._mms for every payload."""
    at = tpkt_cotp(p)
    ok = (at >= 0) & (at + 2 <= p.length)
    return np.asarray(
        ok & (np.isin(p.u8(at), (0x0D, 0x0E)) | p.starts_with(b"\x01\x00\x01\x00", at)), dtype=bool
    )


def cip_io(p: Payloads) -> Bools:
    """protocols._cip_io for every payload."""
    return np.asarray(
        (
            (p.length >= 22)
            & (p.le16(0) == 2)
            & (p.le16(2) == 0x8002)
            & (p.le16(4) == 8)
            & (p.le16(14) == 0x00B1)
        ),
        dtype=bool,
    )


def enip(p: Payloads) -> Bools:
    """protocols._enip for every payload."""
    size = p.length
    length = p.le16(2)
    framed = (length + 24 == size) | ((length + 24 < size) & (size >= 48))
    encapsulated = (
        np.isin(p.le16(0), _ENIP_COMMANDS) & framed & (p.le32(20) == 0) & np.isin(p.le32(8), _ENIP_STATUS)
    )
    return np.asarray(((size >= 24) & encapsulated) | cip_io(p), dtype=bool)


def opcua(p: Payloads) -> Bools:
    """protocols._opcua for every payload."""
    kind = (p.u8(0) << 16) | (p.u8(1) << 8) | p.u8(2)
    size = p.le32(4)
    return np.asarray(
        (
            (p.length >= 8)
            & np.isin(kind, _OPCUA_TYPES)
            & np.isin(p.u8(3), (0x46, 0x43, 0x41))
            & (size >= 8)
            & (size <= 16 * 1024 * 1024)
        ),
        dtype=bool,
    )


def bacnet(p: Payloads) -> Bools:
    """protocols._bacnet for every payload."""
    function, length = p.u8(1), p.be16(2)
    ok = (p.length >= 6) & (p.u8(0) == 0x81) & (function <= 0x0C)
    npdu = np.where(function == 0x04, 10, 4)
    loose = (length >= 4) & (length <= p.length) & np.isin(function, (0x04, 0x09, 0x0A, 0x0B))
    loose &= (npdu < p.length) & (p.u8(npdu) == 0x01)
    return np.asarray(ok & ((length == p.length) | loose), dtype=bool)


def iec104(p: Payloads) -> Bools:
    """protocols._iec104 for every payload: a chain of APDUs (0x68, length >= 4) filling the payload."""
    out: Bools = (p.length >= 6) & (p.u8(0) == 0x68)
    live = np.flatnonzero(out)
    pos = np.zeros(live.shape[0], dtype=np.int64)
    sub = p.take(live)
    while live.shape[0]:
        ended = pos >= sub.length
        out[live[ended]] = pos[ended] == sub.length[ended]
        size = sub.u8(pos + 1)
        bad = ~ended & ((sub.u8(pos) != 0x68) | (pos + 1 >= sub.length) | (size < 4))
        out[live[bad]] = False
        keep = np.flatnonzero(~ended & ~bad)
        live, pos, sub = live[keep], pos[keep] + 2 + size[keep], sub.take(keep)
    return out


def dnp3(p: Payloads) -> Bools:
    """protocols._dnp3 for every payload."""
    return np.asarray((p.length >= 10) & (p.u8(0) == 0x05) & (p.u8(1) == 0x64) & (p.u8(2) >= 5), dtype=bool)


def mqtt(p: Payloads) -> Bools:
    """protocols._mqtt for every payload: fixed header, remaining length, then a whole packet."""
    ptype = p.u8(0) >> 4
    ok = (p.length >= 2) & (ptype >= 1) & (ptype <= 14)
    rem = np.zeros(len(p), dtype=np.int64)
    pos = np.ones(len(p), dtype=np.int64)
    done = np.zeros(len(p), dtype=bool)
    for j in range(1, 5):  # at most four remaining-length bytes
        active = ok & ~done & (j < p.length)
        byte = p.u8(j)
        rem = np.where(active, rem + (byte & 0x7F) * 128 ** (j - 1), rem)
        pos = np.where(active, j + 1, pos)
        done |= active & ((byte & 0x80) == 0)
    ok &= done
    connect = p.starts_with(b"\x00\x04MQTT", pos) | p.starts_with(b"\x00\x06MQIsd", pos)
    end = pos + rem
    follows = (end < p.length) & np.isin(p.u8(np.minimum(end, p.length)) >> 4, np.arange(1, 15))
    return np.asarray(ok & np.where(ptype == 1, connect, (end == p.length) | follows), dtype=bool)


def hart_ip(p: Payloads) -> Bools:
    """protocols._hart_ip for every payload."""
    mid = p.u8(2)
    return np.asarray(
        (
            (p.length >= 8)
            & np.isin(p.u8(0), (1, 2))
            & ((p.u8(1) & 0x0F) <= 3)
            & ((mid <= 4) | (mid == 128))
            & (p.be16(6) == p.length)
        ),
        dtype=bool,
    )


def ads(p: Payloads) -> Bools:
    """protocols._ads for every payload."""
    length = p.le32(2)
    tcp = (p.length >= 38) & (p.u8(0) == 0) & (p.u8(1) == 0) & (length + 6 == p.length) & (length >= 32)
    return np.asarray(p.starts_with(b"\x03\x66\x14\x71") | (tcp & (p.le16(22) <= 9)), dtype=bool)


def fins(p: Payloads) -> Bools:
    """protocols._fins for every payload."""
    udp = (p.length >= 12) & np.isin(p.u8(0), (0x80, 0x81, 0xC0, 0xC1)) & (p.u8(1) == 0)
    return np.asarray(
        ((p.length >= 16) & p.starts_with(b"FINS")) | (udp & np.isin(p.u8(2), (2, 7))), dtype=bool
    )


_SWAPPED = (3, 2, 1, 0, 5, 4, 7, 6, *range(8, 16))


def profinet(p: Payloads) -> Bools:
    """protocols._profinet_udp for every payload: DCE/RPC v4 with a PROFINET IO interface UUID."""
    ok = (p.length >= 80) & (p.u8(0) == 4)
    iface = np.stack([p.u8(24 + k) for k in range(16)], axis=1)
    found = np.zeros(len(p), dtype=bool)
    for uuid in PNIO_UUIDS:
        want = np.frombuffer(uuid, dtype=np.uint8).astype(np.int64)
        found |= (iface == want).all(axis=1) | (iface[:, _SWAPPED] == want).all(axis=1)
    return np.asarray(ok & found, dtype=bool)


def ethercat(p: Payloads) -> Bools:
    """protocols._ethercat_udp for every payload."""
    return np.asarray((p.length >= 2) & ((p.u8(1) >> 4) == 1), dtype=bool)


SIGNATURES: dict[str, Callable[[Payloads], Bools]] = {
    "modbus": modbus, "s7comm": s7comm, "mms": mms, "enip": enip, "opcua": opcua, "bacnet": bacnet,
    "iec104": iec104, "dnp3": dnp3, "mqtt": mqtt, "hart-ip": hart_ip, "ads": ads, "fins": fins,
    "profinet": profinet, "ethercat": ethercat,
}  # fmt: skip
"""Column-wise twin of protocols.SIGNATURES."""


def candidates(p: Payloads) -> dict[str, Bools]:
    """protocols._candidates column-wise: per protocol, the payloads whose first bytes allow it."""
    b0, b1, b2, b3 = p.u8(0), p.u8(1), p.u8(2), p.u8(3)
    four = p.length >= 4
    kind = (b0 << 16) | (b1 << 8) | b2
    tpkt = four & (b0 == 3) & (b1 == 0)
    enip_start = (b1 == 0) & np.isin(b0, (0x01, 0x04, 0x63, 0x64, 0x65, 0x66, 0x6F, 0x70))
    return {
        "modbus": four & (b2 == 0) & (b3 == 0),
        "s7comm": tpkt,
        "mms": tpkt,
        "enip": four & (enip_start | ((b0 == 2) & (b1 == 0))),
        "opcua": four & np.isin(kind, _OPCUA_TYPES),
        "bacnet": four & (b0 == 0x81),
        "iec104": four & (b0 == 0x68),
        "dnp3": four & (b0 == 0x05) & (b1 == 0x64),
        "hart-ip": four & np.isin(b0, (1, 2)),
        "ads": four & (b0 == 0) & (b1 == 0),
    }
