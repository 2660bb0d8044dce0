"""The column-wise inventory gives exactly the batch the per-flow reference gives (#3: output must not
change), on every shared capture, on the demo plant's capture and on random captures."""

from __future__ import annotations

import os
import random
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import pcap_inventory_reference as reference
from pcap_packets import arp, ethernet, ipv4, ipv6, pcap_bytes, tcp, udp

from plantarch.discovery.pcap import source
from plantarch.discovery.pcap.inventory import build_inventory
from plantarch.discovery.pcap.source import discover_pcap, read_captures

REPO = Path(__file__).resolve().parents[2]
TIMING = ("seconds", "packets_per_second")


def _batch(path: Path) -> dict[str, Any]:
    batch = discover_pcap([path]).model_dump(mode="json")
    for key in TIMING:
        batch["summary"].pop(key)
    return batch


def _inventory(inventory: Any) -> dict[str, Any]:
    return {
        "hosts": [h.model_dump(mode="json") for h in inventory.hosts],
        "flows": [f.model_dump(mode="json") for f in inventory.flows],
        "protocols": inventory.protocols,
    }


def _shared_captures() -> list[Path]:
    root = Path(os.environ.get("PLANTARCH_SHARED", REPO / ".." / "shared")) / "data"
    return sorted(p for p in root.rglob("*") if p.suffix in (".pcap", ".pcapng"))


@pytest.fixture(scope="module")
def demo_capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plant's capture (ten minutes, ~200 hosts, every planted flow)."""
    from plantarch.demo.capture import write_demo_capture

    path = tmp_path_factory.mktemp("demo") / "riverside-demo.pcap"
    write_demo_capture(path)
    return path


def _assert_same_batch(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    shipped = _batch(path)
    with monkeypatch.context() as m:
        m.setattr(source, "build_inventory", reference.build_inventory)
        expected = _batch(path)
    assert shipped["hosts"] == expected["hosts"]
    assert shipped["flows"] == expected["flows"]
    assert shipped == expected
    return shipped


@pytest.mark.parametrize("name", [str(p) for p in _shared_captures()] or ["(no shared data)"])
def test_every_shared_capture_gives_the_reference_batch(
    name: str, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(name)
    if not path.exists():
        pytest.skip("shared captures not found (set PLANTARCH_SHARED)")
    batch = _assert_same_batch(path, monkeypatch)
    assert batch["hosts"] and batch["flows"]  # a comparison of two empty batches would prove nothing


def test_the_demo_capture_gives_the_reference_batch(
    demo_capture: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _assert_same_batch(demo_capture, monkeypatch)
    assert len(batch["hosts"]) > 100 and len(batch["flows"]) > 100


# Random captures: a few addresses, industrial and IT ports, payloads that start like the protocols'
# framing (or not), layer-2 protocols, ARP, IPv6, odd IP protocols, broadcasts and multicasts.
IPS = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.255", "224.0.0.5", "255.255.255.255", "0.0.0.0",
       "8.8.8.8", "192.168.1.10"]  # fmt: skip
MACS = [bytes.fromhex(m) for m in ("000e8c000001", "000e8c000002", "001b1b000003", "0080f4000004",
        "ffffffffffff", "01000c000000", "020000000005", "000000000000")]  # fmt: skip
PORTS = [502, 102, 44818, 2222, 4840, 47808, 2404, 20000, 1883, 5094, 48898, 48899, 9600, 34964, 34980,
         53, 67, 68, 137, 138, 5353, 80, 443, 1433, 123, 5020, 50000, 50001, 1024, 0]  # fmt: skip
PREFIXES = [b"", b"\x00\x01\x00\x00\x00\x06\x01\x03", b"\x03\x00\x00\x1f\x02\xf0\x80\x32\x01",
            b"\x03\x00\x00\x16\x11\xe0", b"\x65\x00\x04\x00", b"\x63\x00", b"\x02\x00\x02\x80\x08\x00",
            b"HELF", b"MSGF\x20\x00\x00\x00", b"\x81\x0a\x00\x0c\x01\x20", b"\x81\x0b", b"\x68\x04\x07\x00",
            b"\x05\x64\x05\xc0", b"\x10\x0c\x00\x04MQTT", b"\x30\x05", b"\x01\x00\x00\x00", b"\x00\x00\x2c",
            b"\x03\x66\x14\x71", b"FINS", b"\x80\x00\x02", b"\x04\x00", b"\x00\x10",
            b"\xfe\xfd\x05\x01", b"\x01\x02\x01\x00"]  # fmt: skip


@st.composite
def frames(draw: st.DrawFn) -> list[bytes]:
    rnd = random.Random(draw(st.integers(0, 2**32)))
    out: list[bytes] = []
    for _ in range(draw(st.integers(1, 60))):
        payload = rnd.choice(PREFIXES) + rnd.randbytes(rnd.choice((0, 2, 8, 30, 120)))
        if rnd.random() < 0.2:  # a payload whose length field matches: framings that add up
            payload = payload[:2] + struct.pack(">H", len(payload)) + payload[4:]
        smac, dmac = rnd.choice(MACS), rnd.choice(MACS)
        kind = rnd.random()
        if kind < 0.1:
            ethertype = rnd.choice((0x8892, 0x88B8, 0x88A4, 0x88CC, 0x9000))
            out.append(ethernet(payload, ethertype, smac, dmac))
        elif kind < 0.15:
            out.append(ethernet(arp(smac, rnd.choice(IPS), rnd.choice(IPS)), 0x0806, smac, dmac))
        elif kind < 0.2:
            src, dst = rnd.randbytes(16), bytes(15) + b"\x01"
            out.append(ethernet(ipv6(src, dst, 17, udp(rnd.choice(PORTS), 53, payload)), 0x86DD, smac, dmac))
        else:
            src, dst = rnd.choice(IPS), rnd.choice(IPS)
            sport, dport = rnd.choice(PORTS), rnd.choice(PORTS)
            proto = rnd.choice((6, 6, 17, 17, 1))
            if proto == 6:
                flags = rnd.choice((0x02, 0x12, 0x10, 0x18, 0x18))
                l4 = tcp(sport, dport, payload if flags == 0x18 else b"", flags)
            elif proto == 17:
                l4 = udp(sport, dport, payload)
            else:
                l4 = payload
            out.append(ethernet(ipv4(src, dst, proto, l4), 0x0800, smac, dmac))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_random_captures_give_the_reference_inventory(capture: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.pcap"
        path.write_bytes(pcap_bytes(capture))
        table, _ = read_captures([path])
    assert _outcome(build_inventory, table) == _outcome(reference.build_inventory, table)


def _outcome(build: Any, table: Any) -> object:
    """The inventory as JSON-able data, or the name of the exception building it raised."""
    try:
        return _inventory(build(table))
    except Exception as exc:  # a payload parser's bug must stay the same bug, not become another
        return type(exc).__name__
