"""A tiny packet builder: classic libpcap files with Ethernet, IPv4, TCP and UDP, checksums included.

Reusable for any synthetic capture (the demo capture, benchmarks): build frames with `ethernet`,
`ipv4`, `tcp` and `udp`, play whole TCP conversations (handshake, request/response, close) with
`TcpConversation`, and write them with `PcapWriter`. Everything is deterministic: the same calls give
the same bytes.
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass, field
from typing import BinaryIO

PCAP_MAGIC = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_VLAN = 0x8100
IPPROTO_TCP = 6
IPPROTO_UDP = 17

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class PcapWriter:
    """Writes frames to a classic libpcap file (microsecond timestamps, Ethernet link type)."""

    def __init__(self, stream: BinaryIO, *, snaplen: int = 65535, linktype: int = LINKTYPE_ETHERNET) -> None:
        self.stream = stream
        self.packets = 0
        self.bytes = 0
        stream.write(struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0, snaplen, linktype))

    def write(self, timestamp: float, frame: bytes) -> None:
        """Append one frame captured at `timestamp` (seconds since the epoch)."""
        seconds = int(timestamp)
        micros = round((timestamp - seconds) * 1_000_000)
        if micros >= 1_000_000:
            seconds, micros = seconds + 1, micros - 1_000_000
        self.stream.write(struct.pack("<IIII", seconds, micros, len(frame), len(frame)))
        self.stream.write(frame)
        self.packets += 1
        self.bytes += len(frame)


def mac_bytes(mac: str) -> bytes:
    """'00:1b:1b:00:00:01' as 6 bytes."""
    return bytes(int(part, 16) for part in mac.replace("-", ":").split(":"))


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of `data`."""
    if len(data) % 2:
        data += b"\x00"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ethernet(dst: str, src: str, ethertype: int, payload: bytes, *, vlan: int | None = None) -> bytes:
    """An Ethernet II frame (optionally 802.1Q tagged), padded to the 60-byte minimum."""
    header = mac_bytes(dst) + mac_bytes(src)
    if vlan is not None:
        header += struct.pack("!HH", ETHERTYPE_VLAN, vlan & 0x0FFF)
    frame = header + struct.pack("!H", ethertype) + payload
    return frame + b"\x00" * max(0, 60 - len(frame))


def ipv4(src: str, dst: str, protocol: int, payload: bytes, *, ident: int = 0, ttl: int = 64) -> bytes:
    """An IPv4 packet (no options, don't-fragment set) with a correct header checksum."""
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(payload),
        ident & 0xFFFF,
        0x4000,
        ttl,
        protocol,
        0,
        ipaddress.IPv4Address(src).packed,
        ipaddress.IPv4Address(dst).packed,
    )
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def _pseudo_header(src: str, dst: str, protocol: int, length: int) -> bytes:
    return (
        ipaddress.IPv4Address(src).packed
        + ipaddress.IPv4Address(dst).packed
        + struct.pack("!BBH", 0, protocol, length)
    )


def tcp(
    src: str,
    dst: str,
    sport: int,
    dport: int,
    *,
    seq: int,
    ack: int,
    flags: int,
    payload: bytes = b"",
    window: int = 64240,
) -> bytes:
    """A TCP segment (20-byte header, or 24 with an MSS option on SYN) with a correct checksum."""
    options = struct.pack("!BBH", 2, 4, 1460) if flags & SYN else b""
    offset = (20 + len(options)) // 4
    header = struct.pack(
        "!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, offset << 4, flags, window, 0, 0
    )
    segment = header + options + payload
    value = checksum(_pseudo_header(src, dst, IPPROTO_TCP, len(segment)) + segment)
    return segment[:16] + struct.pack("!H", value) + segment[18:]


def udp(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    """A UDP datagram with a correct checksum."""
    header = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    value = checksum(_pseudo_header(src, dst, IPPROTO_UDP, 8 + len(payload)) + header + payload) or 0xFFFF
    return header[:6] + struct.pack("!H", value) + payload


@dataclass
class Host:
    """One end of a conversation: its IP, its MAC and the MAC its frames are sent to off-subnet."""

    ip: str
    mac: str
    gateway_mac: str | None = None

    def next_hop(self, peer: Host) -> str:
        """The destination MAC of a frame from this host to `peer` (the peer, or the gateway)."""
        same_subnet = ipaddress.ip_network(f"{self.ip}/24", strict=False) == ipaddress.ip_network(
            f"{peer.ip}/24", strict=False
        )
        return peer.mac if same_subnet or self.gateway_mac is None else self.gateway_mac


@dataclass
class Frames:
    """Timestamped frames collected from several conversations; `sorted()` interleaves them by time."""

    items: list[tuple[float, int, bytes]] = field(default_factory=list)

    def add(self, timestamp: float, frame: bytes) -> None:
        """Collect one frame (ties keep insertion order)."""
        self.items.append((timestamp, len(self.items), frame))

    def write(self, writer: PcapWriter) -> None:
        """Write every collected frame in time order."""
        for timestamp, _, frame in sorted(self.items):
            writer.write(timestamp, frame)


class TcpConversation:
    """One TCP connection between a client and a server, with correct sequence numbers."""

    def __init__(
        self,
        frames: Frames,
        client: Host,
        server: Host,
        sport: int,
        dport: int,
        *,
        isn_client: int = 0x1000,
        isn_server: int = 0x8000,
        rtt: float = 0.0004,
    ) -> None:
        self.frames, self.client, self.server = frames, client, server
        self.sport, self.dport, self.rtt = sport, dport, rtt
        self.client_seq, self.server_seq = isn_client, isn_server
        self.ident = (isn_client ^ isn_server) & 0xFFFF

    def _send(self, at: float, from_client: bool, flags: int, payload: bytes = b"") -> None:
        src, dst = (self.client, self.server) if from_client else (self.server, self.client)
        sport, dport = (self.sport, self.dport) if from_client else (self.dport, self.sport)
        seq, ack = (self.client_seq, self.server_seq) if from_client else (self.server_seq, self.client_seq)
        ack = ack if flags & ACK else 0
        segment = tcp(src.ip, dst.ip, sport, dport, seq=seq, ack=ack, flags=flags, payload=payload)
        self.ident += 1
        packet = ipv4(src.ip, dst.ip, IPPROTO_TCP, segment, ident=self.ident, ttl=128 if from_client else 64)
        self.frames.add(at, ethernet(src.next_hop(dst), src.mac, ETHERTYPE_IPV4, packet))
        advance = len(payload) + (1 if flags & (SYN | FIN) else 0)
        if from_client:
            self.client_seq += advance
        else:
            self.server_seq += advance

    def open(self, at: float) -> float:
        """Three-way handshake starting at `at`; returns the time after it."""
        self._send(at, True, SYN)
        self._send(at + self.rtt, False, SYN | ACK)
        self._send(at + 2 * self.rtt, True, ACK)
        return at + 2 * self.rtt

    def exchange(self, at: float, request: bytes, response: bytes | None = None) -> float:
        """Client sends `request`, server answers `response` (or only ACKs); returns the time after it."""
        self._send(at, True, PSH | ACK, request)
        if response is None:
            self._send(at + self.rtt, False, ACK)
            return at + self.rtt
        self._send(at + self.rtt, False, PSH | ACK, response)
        self._send(at + 2 * self.rtt, True, ACK)
        return at + 2 * self.rtt

    def push(self, at: float, payload: bytes, *, from_client: bool = False) -> float:
        """One side sends `payload` unasked (a publish, a notification); the other ACKs."""
        self._send(at, from_client, PSH | ACK, payload)
        self._send(at + self.rtt, not from_client, ACK)
        return at + self.rtt

    def close(self, at: float) -> float:
        """Orderly close initiated by the client; returns the time after it."""
        self._send(at, True, FIN | ACK)
        self._send(at + self.rtt, False, FIN | ACK)
        self._send(at + 2 * self.rtt, True, ACK)
        return at + 2 * self.rtt


def udp_frame(src: Host, dst: Host, sport: int, dport: int, payload: bytes, *, ident: int = 0) -> bytes:
    """One complete Ethernet/IPv4/UDP frame from `src` to `dst`."""
    packet = ipv4(src.ip, dst.ip, IPPROTO_UDP, udp(src.ip, dst.ip, sport, dport, payload), ident=ident)
    return ethernet(src.next_hop(dst), src.mac, ETHERTYPE_IPV4, packet)
