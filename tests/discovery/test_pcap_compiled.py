"""The compiled hot path (header decode, flow aggregation) gives exactly what its numpy twin gives.

Users get the compiled path when a C compiler was present at install time and the numpy one
otherwise; both must produce the same observations. Compared on every shared capture (real traffic)
and on generated frames mutated at random (every link type, VLAN/QinQ, IPv6 extension headers,
fragments, cut headers).
"""

from __future__ import annotations

import dataclasses
import functools
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pcap_packets import MAC_A, MAC_B, arp, ethernet, ipv4, ipv6, modbus_request, tcp, udp

from plantarch.discovery.pcap import decoder, flows, source
from plantarch.discovery.pcap.compiled import native
from plantarch.discovery.pcap.decoder import DecodedBlock, decode_compiled, decode_numpy
from plantarch.discovery.pcap.flows import FlowColumns, FlowTable
from plantarch.discovery.pcap.reader import PAD, CaptureReader, PacketBlock

pytestmark = pytest.mark.skipif(
    native is None, reason="the optional C extension plantarch.discovery.pcap._packets is not built"
)
FIELDS = [f.name for f in dataclasses.fields(DecodedBlock) if f.name != "block"]


def _captures(shared_data: Path) -> list[Path]:
    kinds = (".pcap", ".pcapng")
    found = sorted(
        p for p in shared_data.rglob("*") if p.suffix in kinds and {"captures", "zeek"} & set(p.parts)
    )
    if len(found) < 10:
        pytest.skip("the shared captures are missing")
    return found


def _assert_same_decode(block: PacketBlock) -> None:
    fast, slow = decode_compiled(block), decode_numpy(block)
    for name in FIELDS:
        a, b = getattr(fast, name), getattr(slow, name)
        assert a.dtype == b.dtype, name
        assert np.array_equal(a, b), (name, np.flatnonzero(a != b)[:5])


def _table_content(table: FlowTable) -> tuple[dict[tuple[int, int, int], Any], tuple[Any, ...]]:
    """Flows keyed by their addresses and key (numbering differs between the two), plus totals."""
    n = len(table)
    cols = [getattr(table.columns, name)[:n].tolist() for name in (*FlowColumns.NAMES, *FlowColumns.INTERNAL)]
    rows = {(r[2], r[3], r[-1]): (r, table.samples[i]) for i, r in enumerate(zip(*cols, strict=True))}
    totals = (
        table.packets, table.bytes, table.fragments, table.cut_packets, table.first_cut_offset,
        table.other_packets, table.first_ts, table.last_ts, sorted(table.arp.items()), table.v6_list,
    )  # fmt: skip
    return rows, totals


def _tables(blocks: list[PacketBlock]) -> tuple[FlowTable, FlowTable]:
    fast, slow = FlowTable(compiled=True), FlowTable(compiled=False)
    for block in blocks:
        fast.add(decode_compiled(block))
        slow.add(decode_numpy(block))
    return fast, slow


@pytest.mark.parametrize("chunk", [1 << 20, 4096])
def test_every_shared_capture_decodes_and_aggregates_identically(shared_data: Path, chunk: int) -> None:
    packets = 0
    for path in _captures(shared_data):
        fast, slow = FlowTable(compiled=True), FlowTable(compiled=False)
        for block in CaptureReader(path, chunk_bytes=chunk).blocks():
            _assert_same_decode(block)
            fast.add(decode_compiled(block))
            slow.add(decode_numpy(block))
            packets += block.count
        assert _table_content(fast) == _table_content(slow), path.name
        assert len(fast) > 0, path.name
    assert packets > 50_000


def test_every_shared_capture_gives_the_same_observations(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def observe(path: Path, compiled: bool) -> dict[str, Any]:
        monkeypatch.setattr(source, "FlowTable", functools.partial(FlowTable, compiled=compiled))
        monkeypatch.setattr(source, "decode", decode_compiled if compiled else decode_numpy)
        batch = source.discover_pcap([path]).model_dump(mode="json")
        for timing in ("seconds", "packets_per_second"):
            batch["summary"].pop(timing)
        return batch

    for path in _captures(shared_data):
        assert observe(path, True) == observe(path, False), path.name


def test_the_demo_capture_gives_the_same_observations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo plant's capture gives one device conflicting CIP identities in different
    conversations: which one wins must not depend on how the flow table numbered its flows."""
    from plantarch.demo.capture import write_demo_capture

    path = tmp_path / "riverside-demo.pcap"
    write_demo_capture(path)
    batches = []
    for compiled in (True, False):
        monkeypatch.setattr(source, "FlowTable", functools.partial(FlowTable, compiled=compiled))
        monkeypatch.setattr(source, "decode", decode_compiled if compiled else decode_numpy)
        batch = source.discover_pcap([path]).model_dump(mode="json")
        for timing in ("seconds", "packets_per_second"):
            batch["summary"].pop(timing)
        batches.append(batch)
    assert batches[0] == batches[1]
    assert any(h["identity"].get("serial") for h in batches[0]["hosts"])


def test_the_compiled_path_is_the_default_when_built() -> None:
    assert decoder.decode is decode_compiled
    assert FlowTable().compiled is True
    assert flows._packets is native


# ------------------------------------------------------------------ generated and mutated frames

V6_A = bytes.fromhex("fe800000000000000000000000000001")
V6_B = bytes.fromhex("20010db8000000000000000000000002")


def _ipv6_ext(nh: int, inner_nh: int, body: bytes) -> bytes:
    """One IPv6 extension header (hop-by-hop, routing, destination options or fragment) + body."""
    if nh == 44:
        return struct.pack(">BBHI", inner_nh, 0, 0x0010, 7) + body  # a non-first fragment
    return struct.pack(">BB", inner_nh, 0) + bytes(6) + body


SAMPLE_FRAMES: list[tuple[int, bytes]] = [
    (1, ethernet(ipv4("10.0.0.5", "10.0.0.10", 6, tcp(50000, 502, modbus_request(1), flags=0x02)), 0x0800)),
    (1, ethernet(ipv4("10.0.0.10", "10.0.0.5", 6, tcp(502, 50000, b"", flags=0x12)), 0x0800, MAC_B, MAC_A)),
    (1, ethernet(ipv4("10.0.0.5", "10.0.0.10", 6, tcp(50000, 502, modbus_request(2))), 0x0800, vlans=[7])),
    (1, ethernet(ipv4("10.0.0.5", "10.0.0.9", 17, udp(5000, 47808, b"\x81\x0b\x00")), 0x0800, vlans=[3, 9])),
    (1, ethernet(ipv4("10.0.0.5", "10.0.0.9", 17, b"frag", frag_offset=8), 0x0800)),
    (1, ethernet(arp(MAC_A, "10.0.0.5", "10.0.0.10"), 0x0806)),
    (1, ethernet(ipv6(V6_A, V6_B, 17, udp(546, 547, b"dhcp6")), 0x86DD)),
    (1, ethernet(ipv6(V6_A, V6_B, 0, _ipv6_ext(0, 60, _ipv6_ext(60, 6, tcp(1, 4840, b"HEL")))), 0x86DD)),
    (1, ethernet(ipv6(V6_B, V6_A, 44, _ipv6_ext(44, 17, udp(53, 53, b"q"))), 0x86DD)),
    (1, ethernet(b"\xfe\xfe\x03" + b"\x00" * 40, 0x0030)),  # 802.3 length field: LLC
    (1, ethernet(b"\x00" * 40, 0x8892)),  # PROFINET RT
    (113, struct.pack(">HHH6sxxH", 0, 1, 6, MAC_A, 0x0800) + ipv4("1.2.3.4", "5.6.7.8", 6, tcp(1, 2, b"x"))),
    (
        276,
        struct.pack(">HHIHBB6sxx", 0x0800, 0, 2, 1, 0, 6, MAC_B)
        + ipv4("1.2.3.4", "5.6.7.8", 17, udp(1, 2, b"u")),
    ),
    (0, struct.pack("<I", 2) + ipv4("9.9.9.9", "8.8.8.8", 6, tcp(443, 1025, b"tls"))),
    (0, struct.pack("<I", 30) + ipv6(V6_A, V6_B, 17, udp(1, 2, b"v6"))),
    (101, ipv4("9.9.9.9", "8.8.8.8", 17, udp(123, 123, b"ntp"))),
    (101, ipv6(V6_B, V6_A, 6, tcp(102, 3000, b"\x03\x00\x00\x16"))),
]


def _block(frames: list[tuple[int, bytes, int]]) -> PacketBlock:
    """A block as the reader builds it: packets back to back, then PAD zero bytes."""
    data = b"".join(frame for _, frame, _ in frames) + bytes(PAD)
    lengths = [len(frame) for _, frame, _ in frames]
    offsets = np.cumsum([0, *lengths[:-1]]).astype(np.int64) if frames else np.zeros(0, dtype=np.int64)
    return PacketBlock(
        data=np.frombuffer(data, dtype=np.uint8),
        offsets=offsets,
        caplen=np.asarray(lengths, dtype=np.int64),
        wirelen=np.asarray([wire for _, _, wire in frames], dtype=np.int64),
        ts=1_700_000_000.0 + np.arange(len(frames), dtype=np.float64) / 7,
        linktype=np.asarray([link for link, _, _ in frames], dtype=np.int64),
        file_offset=24,
    )


@st.composite
def mutated_frames(draw: st.DrawFn) -> list[tuple[int, bytes, int]]:
    """A few sample frames, each possibly mutated at random bytes and cut short."""
    out = []
    for _ in range(draw(st.integers(1, 12))):
        link, frame = draw(st.sampled_from(SAMPLE_FRAMES))
        data = bytearray(frame)
        for _ in range(draw(st.integers(0, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        if draw(st.booleans()):
            data = data[: draw(st.integers(0, len(data)))]
        link = draw(st.sampled_from([link, link, link, 1, 0, 101, 113, 276, 12]))
        out.append((link, bytes(data), len(frame)))
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated_frames(), min_size=1, max_size=3))
def test_mutated_frames_decode_and_aggregate_identically(blocks: list[list[tuple[int, bytes, int]]]) -> None:
    built = [_block(frames) for frames in blocks]
    for block in built:
        _assert_same_decode(block)
    fast, slow = _tables(built)
    assert _table_content(fast) == _table_content(slow)


def test_long_ipv6_extension_chains_decode_identically() -> None:
    """A hop-by-hop header of 2 KiB followed by more extension headers: the numpy decoder's compact
    copy holds 96 bytes a packet, so its reads there must not run past the copy (found by hypothesis)."""
    inner = _ipv6_ext(60, 17, udp(1, 2, b"x"))
    hop = struct.pack(">BB", 60, 255) + bytes(255 * 8 + 6)  # next: destination options, 2,048 bytes
    frame = ethernet(ipv6(V6_A, V6_B, 0, hop + inner), 0x86DD)
    short = ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, b"y")), 0x0800)
    for frames in ([frame], [short, frame], [frame, short]):
        block = _block([(1, f, len(f)) for f in frames])
        _assert_same_decode(block)
        dec = decode_numpy(block)
        assert dec.dport[frames.index(frame)] == 2 and dec.proto[frames.index(frame)] == 17


def test_every_sample_frame_is_decoded_as_built() -> None:
    block = _block([(link, frame, len(frame)) for link, frame in SAMPLE_FRAMES])
    dec = decode_compiled(block)
    assert dec.vlan[2:4].tolist() == [7, 3]
    assert dec.ip_version.tolist() == [4, 4, 4, 4, 4, 0, 6, 6, 6, 0, 0, 4, 4, 4, 6, 4, 6]
    assert dec.fragment[4] and dec.fragment[8] and not dec.fragment[7]
    assert dec.dport[7] == 4840 and dec.dport[0] == 502 and dec.sport[13] == 443
    assert dec.ethertype[9] == decoder.ETH_LLC and dec.ethertype[10] == 0x8892
    assert not dec.cut.any()
    table = FlowTable()
    table.add(dec)
    assert table.arp == {0x0A000005: (int.from_bytes(MAC_A, "big"), *(float(block.ts[5]),) * 2)}
    modbus = [s for s in table.flows if s.port_b == 502 or s.port_a == 502]
    assert len(modbus) == 1 and modbus[0].packets_ab + modbus[0].packets_ba == 3
    assert modbus[0].syn_from == 0 and modbus[0].synack_from == 1 and modbus[0].vlan == -1
