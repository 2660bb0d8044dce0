"""Streamed capture reading: pcap and pcapng (optionally gzip-compressed) in large chunks.

Each chunk becomes a `PacketBlock`: the raw bytes plus numpy arrays of per-packet offsets, lengths,
timestamps and link types. The pcap record walk runs in an optional C extension (`_packets`, built by
`pip install` when a compiler is present) with a pure-Python fallback giving identical results; every
other field is gathered with vectorised numpy indexing.
"""

from __future__ import annotations

import gzip
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from plantarch.discovery.pcap.compiled import native as _packets
from plantarch.errors import InputError

CHUNK_BYTES = 32 * 1024 * 1024
"""How much of the capture is held in memory at once (plus at most one partial record)."""
MAX_RECORD = 256 * 1024
"""A record longer than this is treated as corruption (largest jumbo frames plus headers)."""
PAD = 128
"""Zero bytes appended to each chunk so header gathers never index past the buffer."""

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6),
    b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9),
    b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
GZIP_MAGIC = b"\x1f\x8b"

LINK_NULL = 0
LINK_ETHERNET = 1
LINK_RAW = 101
LINK_SLL = 113
LINK_SLL2 = 276
SUPPORTED_LINKS = frozenset({LINK_NULL, LINK_ETHERNET, 12, 14, LINK_RAW, 228, 229, LINK_SLL, LINK_SLL2, 108})

IntArray = npt.NDArray[np.int64]


def walk_pcap_records_python(raw: memoryview, n: int, endian: str) -> tuple[IntArray, int]:
    """Offsets of the whole pcap records in raw[:n] and where the walk stopped (pure Python)."""
    offs: list[int] = []
    append = offs.append
    unpack = struct.Struct(endian + "I").unpack_from
    off = 0
    while off + 16 <= n:
        end = off + 16 + unpack(raw, off + 8)[0]
        if end > n:
            break
        append(off)
        off = end
    return np.asarray(offs, dtype=np.int64), off


RecordIndex = tuple[IntArray, IntArray, IntArray, npt.NDArray[np.float64], int]
"""Per record: data offset, captured length, original length, timestamp; then where the walk stopped."""


def index_pcap_records_python(data: npt.NDArray[np.uint8], n: int, endian: str, scale: float) -> RecordIndex:
    """The records of a pcap chunk (pure-Python walk, numpy header gather)."""
    start, stop = walk_pcap_records_python(memoryview(data), n, endian)  # type: ignore[arg-type]
    rows = np.lib.stride_tricks.as_strided(data, shape=(data.shape[0] - 15, 16), strides=(1, 1))
    head = rows[start].view(np.dtype(endian + "u4")).astype(np.int64)  # (n, 4): sec, frac, incl, orig
    ts = head[:, 0].astype(np.float64) + head[:, 1].astype(np.float64) * scale
    return start + 16, head[:, 2].copy(), head[:, 3].copy(), ts, stop


def index_pcap_records_compiled(
    data: npt.NDArray[np.uint8], n: int, endian: str, scale: float
) -> RecordIndex:
    """Same as `index_pcap_records_python`, in one pass of the optional C extension."""
    if _packets is None:
        raise RuntimeError("the compiled hot path (plantarch.discovery.pcap._packets) is not built")
    offsets, caplen, wirelen, ts, stop = _packets.index_pcap(data, n, endian == ">", scale)
    i64 = np.int64
    return (
        np.frombuffer(offsets, dtype=i64),
        np.frombuffer(caplen, dtype=i64),
        np.frombuffer(wirelen, dtype=i64),
        np.frombuffer(ts, dtype=np.float64),
        int(stop),
    )


index_pcap_records = index_pcap_records_compiled if _packets is not None else index_pcap_records_python
"""The record index in use: compiled when the optional extension was built, Python/numpy otherwise."""

index_pcapng_run: Callable[..., tuple[bytes, bytes, bytes, bytes, bytes, int]] | None = (
    _packets.index_pcapng if _packets is not None else None
)
"""Indexes runs of pcapng packet blocks in C (None: every block is read in Python)."""


@dataclass
class CaptureDamage:
    """Where a capture stopped being readable and why."""

    offset: int
    reason: str

    def __str__(self) -> str:
        return f"byte offset {self.offset}: {self.reason}"


@dataclass
class PacketBlock:
    """A chunk of packets: bytes plus per-packet arrays (offsets index into `data`)."""

    data: npt.NDArray[np.uint8]
    offsets: IntArray
    caplen: IntArray
    wirelen: IntArray
    ts: npt.NDArray[np.float64]
    linktype: IntArray
    file_offset: int
    """Absolute file offset of data[0] (for damage reports); meaningless for gzip beyond being monotonic."""

    @property
    def count(self) -> int:
        """Number of packets in the block."""
        return int(self.offsets.shape[0])

    def head(self, count: int) -> PacketBlock:
        """The first `count` packets of the block."""
        return PacketBlock(
            data=self.data,
            offsets=self.offsets[:count],
            caplen=self.caplen[:count],
            wirelen=self.wirelen[:count],
            ts=self.ts[:count],
            linktype=self.linktype[:count],
            file_offset=self.file_offset,
        )


@dataclass
class _Interface:
    linktype: int
    tsresol: float


@dataclass
class CaptureReader:
    """Iterate over a capture file as `PacketBlock`s; damage is recorded, not raised."""

    path: Path
    chunk_bytes: int = CHUNK_BYTES
    damage: CaptureDamage | None = None
    format: str = ""
    compressed: bool = False
    bytes_read: int = 0
    size: int = 0
    _interfaces: list[_Interface] = field(default_factory=list)
    _buffer: npt.NDArray[np.uint8] | None = None

    def _open(self) -> BinaryIO:
        raw = self.path.open("rb")
        head = raw.read(2)
        raw.seek(0)
        if head == GZIP_MAGIC:
            self.compressed = True
            return gzip.open(raw, "rb")  # type: ignore[return-value]
        return raw

    def blocks(self) -> Iterator[PacketBlock]:
        """Yield packet blocks until the end of the file or the first damage.

        A pcap block's `data` is the reader's chunk buffer, reused for the next block: use (or copy)
        each block before asking for the next one.
        """
        try:
            self.size = self.path.stat().st_size
        except OSError as exc:
            raise InputError(f"cannot read capture: {exc.strerror}", file=str(self.path)) from exc
        with self._open() as stream:
            try:
                head = stream.read(4)
            except (OSError, EOFError) as exc:
                raise InputError(f"cannot read capture: {exc}", file=str(self.path), offset=0) from exc
            if head in PCAP_MAGICS:
                self.format = "pcap"
                yield from self._pcap(stream, head)
            elif head == PCAPNG_MAGIC:
                self.format = "pcapng"
                yield from self._pcapng(stream, head)
            else:
                raise InputError(
                    "not a pcap or pcapng capture (unknown magic number); expected a file written by "
                    "tcpdump, Wireshark or dumpcap",
                    file=str(self.path),
                    offset=0,
                    field="magic",
                )

    def _read(self, stream: BinaryIO, n: int) -> bytes:
        try:
            data = stream.read(n)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            self.damage = self.damage or CaptureDamage(
                self.bytes_read, f"compressed stream is corrupt: {exc}"
            )
            return b""
        self.bytes_read += len(data)
        return data

    # ---------------------------------------------------------------- pcap
    def _pcap(self, stream: BinaryIO, magic: bytes) -> Iterator[PacketBlock]:
        endian, scale = PCAP_MAGICS[magic]
        rest = self._read(stream, 20)
        self.bytes_read += 4
        if len(rest) < 20:
            self.damage = CaptureDamage(4 + len(rest), "file ends inside the pcap global header")
            return
        _major, _minor, _zone, _sig, snaplen, network = struct.unpack(endian + "HHiIII", rest)
        linktype = network & 0x0FFFFFFF
        if linktype not in SUPPORTED_LINKS:
            self.damage = CaptureDamage(20, f"unknown or unsupported link type {linktype}")
            return
        max_record = max(MAX_RECORD, snaplen if snaplen < 0x4000000 else 0)
        hdr = struct.Struct(endian + "I")
        base = 24
        leftover = b""
        while True:
            arr, n, at_eof = self._fill(stream, leftover)
            unpack = hdr.unpack_from
            raw = arr.data
            # The hot loop; the length sanity check runs once, after it.
            offsets, caplen, wirelen, ts, off = index_pcap_records(arr, n, endian, scale)
            bad: str | None = None
            if offsets.shape[0]:
                block = PacketBlock(
                    data=arr,
                    offsets=offsets,
                    caplen=caplen,
                    wirelen=wirelen,
                    ts=ts,
                    linktype=np.full(offsets.shape[0], linktype, dtype=np.int64),
                    file_offset=base,
                )
                too_long = np.flatnonzero(block.caplen > max_record)
                if too_long.shape[0]:
                    first = int(too_long[0])
                    off = int(offsets[first]) - 16
                    bad = f"record length {int(block.caplen[first])} exceeds the maximum {max_record}"
                    block = block.head(first)
                if block.count:
                    yield block
            if bad is None and off + 16 <= n:
                incl = unpack(raw, off + 8)[0]
                if incl > max_record:
                    bad = f"record length {incl} exceeds the maximum {max_record}"
            if bad is not None:
                self.damage = CaptureDamage(base + off, bad + " (corrupt record header)")
                return
            if self.damage is not None:
                return
            leftover = arr[off:n].tobytes()
            base += off
            if at_eof:
                if leftover:
                    self.damage = CaptureDamage(
                        base, f"capture is truncated: last record is cut after {len(leftover)} bytes"
                    )
                return

    def _fill(self, stream: BinaryIO, leftover: bytes) -> tuple[npt.NDArray[np.uint8], int, bool]:
        """The chunk buffer holding the leftover bytes, the next chunk and zero padding: (buffer, size, eof).

        One buffer is reused for the whole file (a fresh 32 MiB buffer per chunk costs the kernel a
        page fault and a page clear per 4 KiB), so a block's data is only valid until the next block.
        """
        need = len(leftover) + self.chunk_bytes + PAD
        if self._buffer is None or self._buffer.shape[0] < need:
            self._buffer = np.empty(need, dtype=np.uint8)
        arr = self._buffer
        arr[: len(leftover)] = np.frombuffer(leftover, dtype=np.uint8)
        view = memoryview(arr)[len(leftover) : len(leftover) + self.chunk_bytes]  # type: ignore[arg-type]
        got = 0
        try:
            while got < self.chunk_bytes:
                count = stream.readinto(view[got:])  # type: ignore[attr-defined]
                if not count:
                    break
                got += count
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            self.damage = self.damage or CaptureDamage(
                self.bytes_read + got, f"compressed stream is corrupt: {exc}"
            )
        self.bytes_read += got
        n = len(leftover) + got
        arr[n : n + PAD] = 0
        return arr, n, got < self.chunk_bytes

    # ---------------------------------------------------------------- pcapng
    def _pcapng(self, stream: BinaryIO, magic: bytes) -> Iterator[PacketBlock]:
        leftover = magic
        self.bytes_read = 4
        base = 0
        endian = "<"
        while True:
            arr, n, at_eof = self._fill(stream, leftover)
            buf = arr.data
            off = 0
            records = _PcapngRecords(arr)
            bad: str | None = None
            while off + 12 <= n:
                if (
                    index_pcapng_run is not None
                ):  # runs of packet blocks in C; it stops where Python must look
                    found = index_pcapng_run(
                        buf, n, off, endian == ">", len(self._interfaces), MAX_RECORD + 64
                    )
                    off = records.add_index(found, endian, self._interfaces)
                    if off + 12 > n:
                        break
                step, bad, endian = self._pcapng_step(buf, n, off, endian, records)
                if bad is not None or not step:
                    break
                off += step
            if records.count:
                yield records.block(endian, self._interfaces, base)
            if bad is not None:
                self.damage = CaptureDamage(base + off, bad)
                return
            if self.damage is not None:
                return
            leftover = arr[off:n].tobytes()
            base += off
            if at_eof:
                if leftover:
                    self.damage = CaptureDamage(
                        base, f"capture is truncated: last block is cut after {len(leftover)} bytes"
                    )
                return

    def _pcapng_step(
        self, buf: memoryview, n: int, off: int, endian: str, records: _PcapngRecords
    ) -> tuple[int, str | None, str]:
        """Read the block at `off`: (bytes to advance, 0 if it is cut by the chunk end; damage; endian)."""
        if bytes(buf[off : off + 4]) == PCAPNG_MAGIC:
            records.flush(endian, self._interfaces)  # the new section may change both
            bom = bytes(buf[off + 8 : off + 12])
            if bom == b"\x4d\x3c\x2b\x1a":
                endian = "<"
            elif bom == b"\x1a\x2b\x3c\x4d":
                endian = ">"
            else:
                return 0, "section header block has an unknown byte-order magic", endian
            self._interfaces = []
        btype, blen = struct.unpack_from(endian + "II", buf, off)
        if blen < 12 or blen % 4 or blen > MAX_RECORD + 64:
            return 0, f"block length {blen} is invalid (corrupt block header)", endian
        if off + blen > n:
            return 0, None, endian
        if btype == 6:
            if_id = struct.unpack_from(endian + "I", buf, off + 8)[0]
            if if_id >= len(self._interfaces):
                return 0, f"packet refers to undeclared interface {if_id}", endian
            records.add(off, if_id, simple=False)
        elif btype == 1:
            bad = self._interface(buf, off, blen, endian)
            if bad:
                return 0, bad, endian
        elif btype == 3:
            if not self._interfaces:
                return 0, "simple packet block before any interface description", endian
            records.add(off, 0, simple=True)
        return blen, None, endian

    def _interface(self, buf: memoryview, off: int, blen: int, endian: str) -> str | None:
        linktype = struct.unpack_from(endian + "H", buf, off + 8)[0]
        if linktype not in SUPPORTED_LINKS:
            return f"interface {len(self._interfaces)} has unknown or unsupported link type {linktype}"
        tsresol = 1e-6
        pos, end = off + 16, off + blen - 4
        while pos + 4 <= end:
            code, olen = struct.unpack_from(endian + "HH", buf, pos)
            if code == 0:
                break
            if code == 9 and olen >= 1:
                v = buf[pos + 4]
                tsresol = 2.0 ** -(v & 0x7F) if v & 0x80 else 10.0 ** -(v & 0x7F)
            pos += 4 + ((olen + 3) & ~3)
        self._interfaces.append(_Interface(linktype, tsresol))
        return None


class _PcapngRecords:
    """The packet records of one pcapng chunk, in file order: runs indexed by the C extension and
    single blocks read in Python (gathered from the chunk with numpy). Timestamps and link types are
    resolved with the interfaces of the section each record belongs to."""

    def __init__(self, data: npt.NDArray[np.uint8]) -> None:
        self.data = data
        self.count = 0
        self._runs: list[tuple[IntArray, IntArray, IntArray, npt.NDArray[np.float64], IntArray]] = []
        self._pending: list[tuple[int, int, bool]] = []  # (block offset, interface, simple block)

    def add(self, off: int, iface: int, *, simple: bool) -> None:
        """One packet block read in Python."""
        self._pending.append((off, iface, simple))
        self.count += 1

    def add_index(
        self, found: tuple[bytes, bytes, bytes, bytes, bytes, int], endian: str, interfaces: list[_Interface]
    ) -> int:
        """A run indexed by the C extension; returns where it stopped."""
        offsets, caplen, wirelen, ts_raw, iface, stop = found
        if offsets:
            self.flush(endian, interfaces)
            i64 = np.int64
            self._add_run(
                np.frombuffer(offsets, dtype=i64),
                np.frombuffer(caplen, dtype=i64),
                np.frombuffer(wirelen, dtype=i64),
                np.frombuffer(ts_raw, dtype=np.uint64),
                np.frombuffer(iface, dtype=i64),
                interfaces,
            )
            self.count += len(offsets) // 8
        return int(stop)

    def _add_run(
        self,
        offsets: IntArray,
        caplen: IntArray,
        wirelen: IntArray,
        ts_raw: npt.NDArray[np.uint64],
        iface: IntArray,
        interfaces: list[_Interface],
    ) -> None:
        links = np.asarray([i.linktype for i in interfaces], dtype=np.int64)
        resol = np.asarray([i.tsresol for i in interfaces], dtype=np.float64)
        self._runs.append((offsets, caplen, wirelen, ts_raw.astype(np.float64) * resol[iface], links[iface]))

    def flush(self, endian: str, interfaces: list[_Interface]) -> None:
        """Gather the blocks read in Python so far (before a new section changes byte order or interfaces)."""
        if not self._pending:
            return
        start = np.asarray([p[0] for p in self._pending], dtype=np.int64)
        iface = np.asarray([p[1] for p in self._pending], dtype=np.int64)
        simple = np.asarray([p[2] for p in self._pending], dtype=bool)
        self._pending = []
        rows = np.lib.stride_tricks.as_strided(self.data, shape=(self.data.shape[0] - 27, 28), strides=(1, 1))
        head = (
            rows[start].view(np.dtype(endian + "u4")).astype(np.int64)
        )  # type, len, if, tsh, tsl, cap, orig
        ts_raw = (head[:, 3].astype(np.uint64) << np.uint64(32)) | head[:, 4].astype(np.uint64)
        # A caplen running past its block is corruption inside the block: clamp, the walk stays valid.
        caplen = np.minimum(head[:, 5], np.maximum(head[:, 1] - 32, 0))
        wirelen = head[:, 6].copy()
        offsets = start + 28
        # Simple packet blocks: original length at +8, data at +12, no timestamp.
        offsets[simple] = start[simple] + 12
        caplen[simple] = np.maximum(np.minimum(head[simple, 2], head[simple, 1] - 16), 0)
        wirelen[simple] = head[simple, 2]
        ts_raw[simple] = 0
        self._add_run(offsets, caplen, wirelen, ts_raw, iface, interfaces)

    def block(self, endian: str, interfaces: list[_Interface], base: int) -> PacketBlock:
        """The chunk's packets as one block."""
        self.flush(endian, interfaces)
        offsets, caplen, wirelen, ts, linktype = (
            np.concatenate(col) for col in zip(*self._runs, strict=True)
        )
        return PacketBlock(
            data=self.data,
            offsets=offsets,
            caplen=caplen,
            wirelen=wirelen,
            ts=ts,
            linktype=linktype,
            file_offset=base,
        )
