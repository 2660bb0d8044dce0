"""The compiled pcap record index gives byte-identical blocks and identical damage to the Python one."""

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
    assert pcap >= 5  # most shared captures are classic pcap, the format the compiled walk reads


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
