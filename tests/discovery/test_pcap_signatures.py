"""The column-wise signatures and parser guards agree with the per-payload Python ones, payload by
payload: on every sample of every shared capture and on random payloads shaped like the protocols."""

from __future__ import annotations

import os
import random
import struct
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantarch.discovery.pcap import identity, names, protocols, signatures
from plantarch.discovery.pcap.flow_protocols import OTHER, PROTOCOLS, TCP, TRANSPORTS, UDP, identify_flows
from plantarch.discovery.pcap.payloads import Payloads, identity_guard, name_guard
from plantarch.discovery.pcap.source import read_captures

REPO = Path(__file__).resolve().parents[2]
NAME_PARSERS = {
    "dhcp": names.dhcp, "dns": names.dns, "netbios_ns": names.netbios_ns, "netbios_dgm": names.netbios_dgm,
}  # fmt: skip


def _finds(parse: Callable[[bytes], object], payload: bytes) -> bool:
    """The parser finds something, or raises (a guard must not hide either)."""
    try:
        return bool(parse(payload))
    except ValueError:
        return True


def _check(payloads: list[bytes]) -> None:
    """Every column-wise function equals its Python twin on each payload (guards: never hide a hit)."""
    cols = Payloads.of([[(k % 2, p) for k, p in enumerate(payloads)], []])
    for name, signature in signatures.SIGNATURES.items():
        got = signature(cols).tolist()
        want = [protocols.SIGNATURES[name](p) for p in payloads]
        assert got == want, (
            name,
            [p.hex() for p, g, w in zip(payloads, got, want, strict=True) if g != w][:3],
        )
    assert signatures.tpkt_connect(cols).tolist() == [protocols._tpkt_connect(p) for p in payloads]
    assert signatures.tpkt_cotp(cols).tolist() == [protocols._tpkt_cotp(p) for p in payloads]
    found = signatures.candidates(cols)
    for i, p in enumerate(payloads):
        assert {c for c, mask in found.items() if mask[i]} == set(protocols._candidates_of(p[:4]))
    for parser, parse in NAME_PARSERS.items():
        guard = name_guard(cols, parser)
        assert all(guard[i] for i, p in enumerate(payloads) if _finds(parse, p)), parser
    for protocol in identity.IDENTITY_PROTOCOLS:
        guard = identity_guard(cols, protocol)
        device = partial(identity.identify_device, protocol)
        assert all(guard[i] for i, p in enumerate(payloads) if _finds(device, p)), protocol


def _shared_samples() -> list[bytes]:
    root = Path(os.environ.get("PLANTARCH_SHARED", REPO / ".." / "shared")) / "data"
    paths = sorted(p for p in root.rglob("*") if p.suffix in (".pcap", ".pcapng"))
    if not paths:
        pytest.skip("shared captures not found (set PLANTARCH_SHARED)")
    out: list[bytes] = []
    for path in paths:
        table, _ = read_captures([path])
        out += [p for flow in table.samples for _, p in flow]
    return out


def test_signatures_agree_on_every_shared_sample() -> None:
    samples = _shared_samples()
    assert len(samples) > 1000
    _check(samples)


def test_payload_columns_keep_flow_direction_and_rank() -> None:
    cols = Payloads.of([[(0, b"ab"), (1, b"")], [], [(1, b"xyz")]])
    assert cols.flow.tolist() == [0, 0, 2] and cols.rank.tolist() == [0, 1, 0]
    assert [cols.direction(s) for s in range(3)] == [0, 1, 1] and cols.length.tolist() == [2, 0, 3]
    assert cols.u8(0).tolist()[::2] == [ord("a"), ord("x")] and cols.payload(2) == b"xyz"
    empty = Payloads.of([])
    assert len(empty) == 0 and signatures.mqtt(empty).tolist() == []


SHAPES = [
    b"\x00\x01\x00\x00\x00\x06\x01\x03",
    b"\x00\x01\x00\x00\x00\x0b\x01\x2b\x0e\x01\x01\x00\x00\x01",
    b"\x03\x00\x00\x1f\x02\xf0\x80\x32\x07",
    b"\x03\x00\x00\x16\x11\xe0\x00\x00",
    b"\x03\x00\x00\x10\x02\xf0\x80\x0d",
    b"\x03\x00\x00\x10\x02\xf0\x80\x01\x00\x01\x00",
    b"\x65\x00\x04\x00",
    b"\x63\x00",
    b"\x02\x00\x02\x80\x08\x00",
    b"HELF",
    b"MSGF\x20\x00\x00\x00",
    b"ACKC",
    b"\x81\x0a\x00\x0c\x01\x20",
    b"\x81\x04\x00",
    b"\x81\x0b\x00\x08\x01",
    b"\x68\x04\x07\x00\x00\x00",
    b"\x68\x04\x43\x00\x00\x00\x68",
    b"\x05\x64\x05\xc0",
    b"\x10\x0c\x00\x04MQTT",
    b"\x10\x80\x01\x00\x04MQTT",
    b"\x30\x05",
    b"\x30\xff\xff\xff\xff",
    b"\x01\x00\x00\x00",
    b"\x02\x03\x80",
    b"\x00\x00\x2c",
    b"\x03\x66\x14\x71",
    b"FINS",
    b"\x80\x00\x02",
    b"\xc1\x00\x07",
    b"\x04\x00",
    b"\x00\x10",
    b"\xfe\xfd\x05\x01",
    b"\x12\x34\x81\x80\x00\x01\x00\x01",
    b"\x10\x02",
    b"",
    b"\x65\x00\x04\x00" + bytes(20),
    b"\x63\x00\x00\x00" + bytes(20) + b"\x01\x00\x0c\x00",
    b"\x02\x00\x02\x80\x08\x00" + bytes(8) + b"\xb1\x00",
    b"\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x01a\x00\x00\x01\x00\x01"
    b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x10\x00\x04\x0a\x00\x00\x01",
    b"\x81\x0b\x00\x18\x01\x20\xff\xff\x00\xff\x10\x00\xc4\x02\x00\x00\x01\x22\x05\xc4\x91\x00\x21\x0f",
]


@st.composite
def payload_batches(draw: st.DrawFn) -> list[bytes]:
    rnd = random.Random(draw(st.integers(0, 2**32)))
    out = []
    for _ in range(200):
        p = bytearray(rnd.choice(SHAPES) + rnd.randbytes(rnd.choice((0, 1, 3, 8, 20, 40, 90, 300))))
        if len(p) >= 4 and rnd.random() < 0.3:  # a length field that adds up, as each framing reads it
            at, fmt, extra = rnd.choice(
                ((2, ">H", 0), (4, ">H", -6), (2, "<H", -24), (6, ">H", 0), (2, "<I", -6))
            )
            if at + struct.calcsize(fmt) <= len(p):
                struct.pack_into(fmt, p, at, max(0, len(p) + extra) & (0xFFFF if "H" in fmt else 0xFFFFFFFF))
        if rnd.random() < 0.1 and len(p) >= 80:  # a PROFINET IO interface UUID, as sent or byte-swapped
            uuid = protocols.PNIO_UUIDS[rnd.randrange(2)]
            p[0], p[24:40] = (
                4,
                uuid if rnd.random() < 0.5 else uuid[3::-1] + uuid[5:3:-1] + uuid[7:5:-1] + uuid[8:],
            )
        out.append(bytes(p))
    return out


@settings(max_examples=200, deadline=None)
@given(payload_batches())
def test_signatures_agree_on_random_payloads(payloads: list[bytes]) -> None:
    _check(payloads)


def test_iec104_chains_and_mqtt_lengths_agree() -> None:
    chained = b"\x68\x04\x43\x00\x00\x00" * 3
    cases = [chained, chained + b"\x68", chained[:-1], b"\x68\x04\x43\x00\x00\x00\x68\x03\x00\x00\x00",
             b"\x30\x03\x00\x01\x41", b"\x30\x03\x00\x01\x41\x30", b"\x30\x03\x00\x01\x41\xf0",
             b"\x30\x80\x80\x80\x80\x01", b"\x30\x80\x01" + bytes(128)]  # fmt: skip
    got = np.array([signatures.iec104(Payloads.of([[(0, c)]]))[0] for c in cases])
    assert got.tolist() == [protocols._iec104(c) for c in cases]
    _check(cases)


PORTS = [502, 102, 44818, 2222, 4840, 47808, 47809, 2404, 20000, 1883, 8883, 5094, 48898, 48899, 9600, 34964,
         34980, 53, 80, 123, 137, 443, 1433, 5020, 40000, 50001, 0]  # fmt: skip
# Modbus and HART-IP framing at once: two strong signatures qualify and identify's own order decides.
TWO_WAY = b"\x01\x00\x00\x00\x00\x06\x00\x10" + bytes(8)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32))
def test_flow_identification_agrees_with_identify(seed: int) -> None:
    rnd = random.Random(seed)
    shapes = [*SHAPES, TWO_WAY]
    flows = []
    for _ in range(60):
        transport = rnd.choice((TCP, UDP, OTHER))
        samples = [
            (rnd.randrange(2), rnd.choice(shapes) + rnd.randbytes(rnd.choice((0, 4, 30))))
            for _ in range(rnd.choice((0, 1, 2, 3, 8)))
        ]
        if rnd.random() < 0.3:  # the same framing in every sample
            samples = [(d, samples[0][1]) for d, _ in samples]
        flows.append((transport, rnd.choice(PORTS), rnd.choice(PORTS), samples))
    samples = [f[3] for f in flows]
    got = identify_flows(
        np.array([f[0] for f in flows]), np.array([f[1] for f in flows]), np.array([f[2] for f in flows]),
        Payloads.of(samples), samples,
    )  # fmt: skip
    for i, (transport, port_a, port_b, flow_samples) in enumerate(flows):
        if transport == OTHER:
            assert (got.protocol[i], got.server[i]) == (0, -1)
            continue
        want = protocols.identify(TRANSPORTS[transport], port_a, port_b, flow_samples)
        assert (PROTOCOLS[got.protocol[i]], float(got.confidence[i]), int(got.server[i])) == (
            want.protocol,
            want.confidence,
            want.server,
        ), (TRANSPORTS[transport], port_a, port_b, flow_samples)


def test_two_qualifying_strong_signatures_are_decided_by_identify() -> None:
    samples = [[(0, TWO_WAY), (1, TWO_WAY)]]
    got = identify_flows(np.array([TCP]), np.array([40000]), np.array([40001]), Payloads.of(samples), samples)
    assert protocols.SIGNATURES["modbus"](TWO_WAY) and protocols.SIGNATURES["hart-ip"](TWO_WAY)
    want = protocols.identify("tcp", 40000, 40001, samples[0])
    assert want.protocol in ("modbus", "hart-ip") and PROTOCOLS[got.protocol[0]] == want.protocol


def test_two_qualifying_strong_signatures_give_the_same_answer_in_every_process() -> None:
    """identify used to pick by set order, which follows the per-process string hash seed."""
    code = (
        "from plantarch.discovery.pcap.protocols import identify\n"
        f"p = {TWO_WAY!r}\n"
        "print(identify('tcp', 40000, 40001, [(0, p), (1, p)]).protocol)"
    )
    answers = {
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for seed in range(6)
    }  # fmt: skip
    assert answers == {"modbus"}
