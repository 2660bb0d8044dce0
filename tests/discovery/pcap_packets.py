"""A tiny packet and capture-file builder for tests (pcap and pcapng, any endianness)."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

MAC_A = bytes.fromhex("00000c010101")
MAC_B = bytes.fromhex("000e8c020202")


def ipv4_addr(text: str) -> bytes:
    """Dotted quad -> 4 bytes."""
    return bytes(int(p) for p in text.split("."))


def ethernet(
    payload: bytes, ethertype: int, src: bytes = MAC_A, dst: bytes = MAC_B, vlans: Sequence[int] = ()
) -> bytes:
    """An Ethernet II frame, optionally with 802.1Q/QinQ tags (outer first)."""
    tags = b""
    for i, vid in enumerate(vlans):
        tpid = 0x88A8 if i == 0 and len(vlans) > 1 else 0x8100
        tags += struct.pack(">HH", tpid, vid)
    return dst + src + tags + struct.pack(">H", ethertype) + payload


def ipv4(src: str, dst: str, proto: int, payload: bytes, frag_offset: int = 0, more: bool = False) -> bytes:
    """An IPv4 header (no options) followed by `payload`."""
    flags = (0x2000 if more else 0) | (frag_offset // 8)
    head = struct.pack(
        ">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, flags, 64, proto, 0, ipv4_addr(src), ipv4_addr(dst)
    )
    return head + payload


def ipv6(src: bytes, dst: bytes, nh: int, payload: bytes) -> bytes:
    """An IPv6 header followed by `payload`."""
    return struct.pack(">IHBB", 0x60000000, len(payload), nh, 64) + src + dst + payload


def tcp(sport: int, dport: int, payload: bytes = b"", flags: int = 0x18) -> bytes:
    """A TCP header (20 bytes) followed by `payload`."""
    return struct.pack(">HHIIBBHHH", sport, dport, 1, 1, 0x50, flags, 8192, 0, 0) + payload


def udp(sport: int, dport: int, payload: bytes) -> bytes:
    """A UDP header followed by `payload`."""
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def arp(sender_mac: bytes, sender_ip: str, target_ip: str) -> bytes:
    """An ARP request body."""
    return (
        struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1)
        + sender_mac
        + ipv4_addr(sender_ip)
        + bytes(6)
        + ipv4_addr(target_ip)
    )


def modbus_request(tid: int = 1, fc: int = 3) -> bytes:
    """A Modbus/TCP read holding registers request."""
    pdu = struct.pack(">BHH", fc, 0, 10)
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1, 1) + pdu


def modbus_response(tid: int = 1) -> bytes:
    """A Modbus/TCP read holding registers response with 2 registers."""
    pdu = struct.pack(">BB", 3, 4) + b"\x00\x01\x00\x02"
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1, 1) + pdu


def tcp_session(
    client: str, server: str, cport: int, sport: int, requests: Sequence[bytes], responses: Sequence[bytes]
) -> list[bytes]:
    """Ethernet frames of a TCP handshake followed by request/response payloads."""
    frames = [
        ethernet(ipv4(client, server, 6, tcp(cport, sport, flags=0x02)), 0x0800, MAC_A, MAC_B),
        ethernet(ipv4(server, client, 6, tcp(sport, cport, flags=0x12)), 0x0800, MAC_B, MAC_A),
        ethernet(ipv4(client, server, 6, tcp(cport, sport, flags=0x10)), 0x0800, MAC_A, MAC_B),
    ]
    for req, resp in zip(requests, responses, strict=True):
        frames.append(ethernet(ipv4(client, server, 6, tcp(cport, sport, req)), 0x0800, MAC_A, MAC_B))
        frames.append(ethernet(ipv4(server, client, 6, tcp(sport, cport, resp)), 0x0800, MAC_B, MAC_A))
    return frames


def pcap_bytes(
    frames: Sequence[bytes],
    *,
    linktype: int = 1,
    endian: str = "<",
    nanos: bool = False,
    snaplen: int = 65535,
    start: float = 1_700_000_000.0,
) -> bytes:
    """A classic pcap file holding `frames`, one per 1 ms."""
    magic = 0xA1B23C4D if nanos else 0xA1B2C3D4
    out = [struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)]
    for i, frame in enumerate(frames):
        t = start + i / 1000
        frac = round((t % 1) * (1e9 if nanos else 1e6))
        data = frame[:snaplen]
        out.append(struct.pack(endian + "IIII", int(t), frac, len(data), len(frame)) + data)
    return b"".join(out)


def pcapng_bytes(frames: Sequence[bytes], *, linktype: int = 1, start: float = 1_700_000_000.0) -> bytes:
    """A pcapng file (little-endian, microsecond resolution) with one interface and `frames`."""
    shb_body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    out = [
        struct.pack("<II", 0x0A0D0D0A, 12 + len(shb_body)) + shb_body + struct.pack("<I", 12 + len(shb_body))
    ]
    idb_body = struct.pack("<HHI", linktype, 0, 65535)
    out.append(struct.pack("<II", 1, 12 + len(idb_body)) + idb_body + struct.pack("<I", 12 + len(idb_body)))
    for i, frame in enumerate(frames):
        ts = int((start + i / 1000) * 1e6)
        pad = bytes((4 - len(frame) % 4) % 4)
        body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(frame), len(frame)) + frame + pad
        out.append(struct.pack("<II", 6, 12 + len(body)) + body + struct.pack("<I", 12 + len(body)))
    return b"".join(out)


def write(path: Path, data: bytes) -> Path:
    """Write bytes to path and return it."""
    path.write_bytes(data)
    return path
