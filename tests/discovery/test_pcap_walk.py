"""The compiled pcap and pcapng record indexes give byte-identical blocks and identical damage to the
Python ones."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from plantarch.discovery.pcap import reader
from plantarch.discovery.pcap.compiled import native
from plantarch.discovery.pcap.reader import CaptureReader, index_pcap_records_python

pytestmark = pytest.mark.skipif(
    native is None, reason="the optional C extension plantarch.discovery.pcap._packets is not built"
)


def _read(path: Path, index: object, monkeypatch: pytest.MonkeyPatch, chunk: int) -> tuple[list[bytes], str]:
    """Every block's arrays and packet bytes, plus the damage, read with the given walk."""
    monkeypatch.setattr(reader, "index_pcap_records", index)
    compiled = index is reader.index_pcap_records_compiled
    monkeypatch.setattr(reader, "index_pcapng_run", native.index_pcapng if compiled and native else None)
    rd = CaptureReader(path, chunk_bytes=chunk)
    out: list[bytes] = []
    for b in rd.blocks():
        out += [b.offsets.tobytes(), b.caplen.tobytes(), b.wirelen.tobytes(), b.ts.tobytes()]
        out += [b.linktype.tobytes(), str(b.file_offset).encode()]
        out += [bytes(b.data[o : o + c]) for o, c in zip(b.offsets.tolist(), b.caplen.tolist(), strict=True)]
    return out, str(rd.damage)


def _captures(shared_data: Path) -> list[Path]:
    found = sorted(p for p in (shared_data / "captures").iterdir() if p.suffix in (".pcap", ".pcapng"))
    if not found:
        pytest.skip("no captures in shared data")
    return found


def _same(path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int = 1 << 20) -> str:
    fast = _read(path, reader.index_pcap_records_compiled, monkeypatch, chunk)
    slow = _read(path, index_pcap_records_python, monkeypatch, chunk)
    assert fast == slow, path.name
    return fast[1]


@pytest.mark.parametrize("chunk", [1 << 20, 4096])
def test_every_shared_capture_reads_identically(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    pcap = 0
    for path in _captures(shared_data):
        assert _same(path, monkeypatch, chunk) == "None", path.name
        pcap += path.read_bytes()[:4] in reader.PCAP_MAGICS
    assert pcap >= 5  # both formats are among the shared captures
    assert len(_captures(shared_data)) - pcap >= 2


def test_damaged_captures_stop_at_the_same_offset_with_the_same_error(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reasons: set[str] = set()
    for path in _captures(shared_data):
        raw = path.read_bytes()
        if raw[:4] not in reader.PCAP_MAGICS:  # pcapng (whatever the file name says) has its own walk
            continue
        endian = reader.PCAP_MAGICS[raw[:4]][0]
        first_len = struct.unpack_from(endian + "I", raw, 24 + 8)[0]
        second = 24 + 16 + first_len
        huge = bytearray(raw)
        struct.pack_into(endian + "I", huge, second + 8, 0x7FFFFFF0)  # runs past the end of the file
        over = bytearray(raw)
        struct.pack_into(endian + "I", over, second + 8, 300_000)  # longer than any record may be
        for name, data in (
            ("cut", raw[: len(raw) * 2 // 3]),
            ("cut-in-header", raw[: second + 7]),
            ("huge", bytes(huge)),
            ("over", bytes(over)),
        ):
            damaged = tmp_path / f"{name}-{path.name}"
            damaged.write_bytes(data)
            for chunk in (1 << 20, 4096):
                reasons.add(_same(damaged, monkeypatch, chunk).split(": ", 1)[-1].split(" ", 3)[0])
    assert {"capture", "record"} <= reasons  # truncation and corrupt-length damage were both exercised


def _pcapng_blocks(raw: bytes) -> list[tuple[int, int, int]]:
    """(offset, type, length) of every block of a little- or big-endian pcapng file."""
    endian = "<" if raw[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    out, off = [], 0
    while off + 12 <= len(raw):
        btype, blen = struct.unpack_from(endian + "II", raw, off)
        out.append((off, btype, blen))
        off += blen
    return out


def _spb(frame: bytes) -> bytes:
    """A pcapng simple packet block (little-endian) holding `frame`."""
    body = struct.pack("<I", len(frame)) + frame + bytes((4 - len(frame) % 4) % 4)
    return struct.pack("<II", 3, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))


def test_damaged_and_unusual_pcapng_files_read_identically(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reasons: set[str] = set()
    pcapngs = [p for p in _captures(shared_data) if p.read_bytes()[:4] == reader.PCAPNG_MAGIC]
    for path in pcapngs:
        raw = path.read_bytes()
        endian = "<" if raw[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        packets = [b for b in _pcapng_blocks(raw) if b[1] == 6]
        third = packets[2][0]
        variants = {"cut": raw[: len(raw) * 2 // 3], "twice": raw + raw}  # two sections
        for name, at, value in (
            ("huge", third + 4, 0x7FFFFFF0),
            ("odd", third + 4, 30),
            ("interface", third + 8, 7),
            ("caplen", third + 20, 0xFFFF),
            ("tiny", third + 4, 12),
        ):
            data = bytearray(raw)
            struct.pack_into(endian + "I", data, at, value)
            variants[name] = bytes(data)
        idb_end = next(off + blen for off, btype, blen in _pcapng_blocks(raw) if btype == 1)
        frame = raw[packets[0][0] + 28 : packets[0][0] + 28 + 60]
        if endian == "<":
            variants["simple"] = raw[:idb_end] + _spb(frame) + raw[idb_end:] + _spb(frame[:14])
        for name, data in variants.items():
            damaged = tmp_path / f"{name}-{path.name}"
            damaged.write_bytes(data)
            for chunk in (1 << 20, 4096):
                reasons.add(_same(damaged, monkeypatch, chunk).split(": ", 1)[-1].split(" ", 3)[0])
    assert {"None", "capture", "block", "packet"} <= reasons


def test_index_functions_agree_on_random_bytes() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        data = rng.integers(0, 256, size=int(rng.integers(16, 400)), dtype=np.uint8)
        data[8::24] = rng.integers(0, 40, size=data[8::24].shape[0], dtype=np.uint8)
        for endian in "<>":
            n = int(rng.integers(0, len(data) + 1))
            for scale in (1e-6, 1e-9):
                fast = reader.index_pcap_records_compiled(data, n, endian, scale)
                slow = index_pcap_records_python(data, n, endian, scale)
                assert [a.tobytes() for a in fast[:4]] == [a.tobytes() for a in slow[:4]]
                assert fast[4] == slow[4]
