"""Generate a reproducible synthetic industrial capture (default 1,000,000 packets, ~200 MB).

~300 hosts: PLCs answering Modbus/TCP, S7comm, EtherNet/IP and DNP3, SCADA/HMI clients polling them,
OPC UA servers and clients, MQTT brokers and edge publishers, plus IT noise (DNS, HTTP, SMB, NTP),
802.1Q and QinQ tags, TCP handshakes, and ~15,000 flows. Same seed, same bytes.

    python benchmarks/pcap/generate.py [--packets N] [--out benchmarks/pcap/data/industrial.pcap]
"""

from __future__ import annotations

import argparse
import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEED = 20261124
START = 1_764_000_000.0


def _mac(i: int) -> bytes:
    return bytes([0x00, 0x1B, 0x1B, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])


def _ip(i: int) -> bytes:
    return bytes([10, 20, (i >> 8) & 0xFF, i & 0xFF])


def _ethernet(src: int, dst: int, ethertype: int, payload: bytes, vlans: tuple[int, ...]) -> bytes:
    tags = b""
    for k, vid in enumerate(vlans):
        tags += struct.pack(">HH", 0x88A8 if k == 0 and len(vlans) > 1 else 0x8100, vid)
    return _mac(dst) + _mac(src) + tags + struct.pack(">H", ethertype) + payload


def _ipv4(src: int, dst: int, proto: int, payload: bytes) -> bytes:
    return (
        struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0, _ip(src), _ip(dst))
        + payload
    )


def _tcp(sport: int, dport: int, flags: int, payload: bytes) -> bytes:
    return struct.pack(">HHIIBBHHH", sport, dport, 1000, 2000, 0x50, flags, 64240, 0, 0) + payload


def _udp(sport: int, dport: int, payload: bytes) -> bytes:
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def modbus(tid: int, response: bool, rng: np.random.Generator) -> bytes:
    """Modbus/TCP read holding registers request or response."""
    if response:
        count = int(rng.integers(4, 60))
        pdu = bytes([3, 2 * count]) + rng.bytes(2 * count)
    else:
        pdu = struct.pack(">BHH", 3, int(rng.integers(0, 1000)), int(rng.integers(2, 60)))
    return struct.pack(">HHHB", tid & 0xFFFF, 0, len(pdu) + 1, 1) + pdu


def s7comm(response: bool, rng: np.random.Generator) -> bytes:
    """S7comm read var job / ack-data inside TPKT + COTP."""
    data = rng.bytes(int(rng.integers(20, 160))) if response else bytes(12)
    s7 = bytes([0x32, 3 if response else 1, 0, 0, 0, 1, 0, 14, 0, len(data) & 0xFF]) + bytes(
        2 if response else 0
    )
    body = b"\x02\xf0\x80" + s7 + data
    return struct.pack(">BBH", 3, 0, 4 + len(body)) + body


def enip(response: bool, rng: np.random.Generator) -> bytes:
    """EtherNet/IP SendUnitData carrying a CIP message."""
    cip = rng.bytes(int(rng.integers(30, 260))) if response else rng.bytes(24)
    return struct.pack("<HHIIQI", 0x70, len(cip), 0x11020100, 0, 0, 0) + cip


def dnp3(rng: np.random.Generator) -> bytes:
    """A DNP3 link-layer frame."""
    body = rng.bytes(int(rng.integers(10, 120)))
    return b"\x05\x64" + bytes([min(255, 5 + len(body)), 0xC4, 1, 0, 10, 0, 0, 0]) + body


def opcua(response: bool, rng: np.random.Generator) -> bytes:
    """OPC UA binary MSG chunk."""
    body = rng.bytes(int(rng.integers(150, 800)) if response else int(rng.integers(60, 200)))
    return b"MSGF" + struct.pack("<I", 8 + len(body)) + body


def mqtt(rng: np.random.Generator) -> bytes:
    """MQTT PUBLISH with a short topic."""
    topic = b"plant/line1/cell3/temp"
    body = struct.pack(">H", len(topic)) + topic + rng.bytes(int(rng.integers(8, 100)))
    return bytes([0x30, len(body)]) + body


@dataclass
class Session:
    """One conversation: endpoints, ports, protocol and its frame templates."""

    client: int
    server: int
    cport: int
    sport: int
    transport: str
    proto: str
    vlans: tuple[int, ...]
    packets: int
    start: float
    interval: float


def _payload(proto: str, k: int, response: bool, rng: np.random.Generator) -> bytes:
    if proto == "modbus":
        return modbus(k // 2, response, rng)
    if proto == "s7comm":
        return s7comm(response, rng)
    if proto == "enip":
        return enip(response, rng)
    if proto == "dnp3":
        return dnp3(rng)
    if proto == "opcua":
        return opcua(response, rng)
    if proto == "mqtt":
        return mqtt(rng)
    if proto == "http":
        return rng.bytes(1000) if response else b"GET /index.html HTTP/1.1\r\nHost: intranet\r\n\r\n"
    if proto == "smb":
        return rng.bytes(int(rng.integers(100, 1000)))
    return rng.bytes(int(rng.integers(30, 90)))  # dns, ntp


PORTS = {"modbus": 502, "s7comm": 102, "enip": 44818, "dnp3": 20000, "opcua": 4840, "mqtt": 1883,
         "http": 80, "smb": 445, "dns": 53, "ntp": 123}  # fmt: skip


def plan(total: int, rng: np.random.Generator) -> list[Session]:
    """Sessions whose packet counts add up to `total` (~15,000 flows for 1,000,000 packets)."""
    plcs, hmis, opc_servers, brokers = range(0, 60), range(60, 75), range(75, 80), range(80, 82)
    edges, it_hosts = range(82, 120), range(120, 300)
    sessions: list[Session] = []
    industrial = [
        ("modbus", 0.3),
        ("s7comm", 0.25),
        ("enip", 0.2),
        ("dnp3", 0.1),
        ("opcua", 0.1),
        ("mqtt", 0.05),
    ]
    n_long = max(1, total // 1000)
    short = max(1, int(total * 0.12) // 6)
    duration = 3600.0
    for i in range(n_long):
        proto = industrial[int(rng.choice(len(industrial), p=[w for _, w in industrial]))][0]
        if proto == "opcua":
            client, server = int(rng.choice(hmis)), int(rng.choice(opc_servers))
        elif proto == "mqtt":
            client, server = int(rng.choice(edges)), int(rng.choice(brokers))
        else:
            client, server = int(rng.choice(hmis)), int(rng.choice(plcs))
        vlans: tuple[int, ...] = (100 + server % 8,) if i % 3 == 0 else ((200, 10) if i % 17 == 0 else ())
        sessions.append(Session(client, server, 40000 + i, PORTS[proto], "tcp", proto, vlans, 0,
                                float(rng.uniform(0, 60)), 0.0))  # fmt: skip
    for j in range(short):
        proto = ("dns", "dns", "http", "smb", "ntp")[j % 5]
        client, server = int(rng.choice(it_hosts)), int(rng.choice(range(120, 126)))
        transport = "udp" if proto in ("dns", "ntp") else "tcp"
        packets = 2 if transport == "udp" else int(rng.integers(8, 24))
        start = float(rng.uniform(0, duration))
        cport = 50000 + j % 15000
        sessions.append(
            Session(client, server, cport, PORTS[proto], transport, proto, (), packets, start, 0.01)
        )
    remaining = total - sum(s.packets for s in sessions)
    share = remaining // n_long
    for s in sessions[:n_long]:
        s.packets = share
        s.interval = (duration - s.start) / max(share, 1)
    sessions[0].packets += remaining - share * n_long
    return sessions


def generate(path: Path, total: int = 1_000_000, seed: int = SEED) -> str:
    """Write the capture and return its SHA-256."""
    rng = np.random.default_rng(seed)
    sessions = plan(total, rng)
    # Frame templates: handshake + a few distinct request/response frames per session, reused in turn.
    templates: list[list[bytes]] = []
    for s in sessions:
        frames = []
        for k in range(8):
            response = k % 2 == 1
            src, dst = (s.server, s.client) if response else (s.client, s.server)
            sp, dp = (s.sport, s.cport) if response else (s.cport, s.sport)
            body = _payload(s.proto, k, response, rng)
            l4 = _tcp(sp, dp, 0x18, body) if s.transport == "tcp" else _udp(sp, dp, body)
            frames.append(
                _ethernet(src, dst, 0x0800, _ipv4(src, dst, 6 if s.transport == "tcp" else 17, l4), s.vlans)
            )
        if s.transport == "tcp":
            hs = [(s.client, s.server, s.cport, s.sport, 0x02), (s.server, s.client, s.sport, s.cport, 0x12),
                  (s.client, s.server, s.cport, s.sport, 0x10)]  # fmt: skip
            frames = [
                _ethernet(a, b, 0x0800, _ipv4(a, b, 6, _tcp(p, q, f, b"")), s.vlans) for a, b, p, q, f in hs
            ] + frames
        templates.append(frames)
    counts = np.array([s.packets for s in sessions], dtype=np.int64)
    session_of = np.repeat(np.arange(len(sessions)), counts)
    index_in = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    starts = np.array([s.start for s in sessions])
    intervals = np.array([s.interval for s in sessions])
    ts = START + starts[session_of] + index_in * intervals[session_of] + rng.uniform(0, 1e-4, counts.sum())
    order = np.argsort(ts, kind="stable")
    hasher = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        head = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
        out.write(head)
        hasher.update(head)
        chunk: list[bytes] = []
        pack = struct.Struct("<IIII").pack
        for p, sid, k in zip(
            order.tolist(), session_of[order].tolist(), index_in[order].tolist(), strict=True
        ):
            frames = templates[sid]
            hs = 3 if sessions[sid].transport == "tcp" else 0
            frame = frames[k] if k < hs else frames[hs + (k - hs) % 8]
            t = float(ts[p])
            sec = int(t)
            chunk.append(pack(sec, int((t - sec) * 1e6), len(frame), len(frame)) + frame)
            if len(chunk) >= 65536:
                data = b"".join(chunk)
                out.write(data)
                hasher.update(data)
                chunk = []
        data = b"".join(chunk)
        out.write(data)
        hasher.update(data)
    return hasher.hexdigest()


def main() -> None:
    """Command line: write the capture and print its size and SHA-256."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "industrial.pcap")
    args = parser.parse_args()
    digest = generate(args.out, args.packets)
    print(f"{args.out}: {args.out.stat().st_size:,} bytes, {args.packets:,} packets, sha256 {digest}")


if __name__ == "__main__":
    main()
