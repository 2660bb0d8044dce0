"""Every sampled payload of a flow table as numpy columns, so signatures and parser guards run once for
all samples instead of once per payload in Python."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
PAD = 1024
"""Zero bytes after the last payload: fixed-offset reads past a short payload stay inside the buffer."""
_PAD = bytes(PAD)


def distinct(values: Ints) -> Ints:
    """The sorted distinct values (np.unique without its index outputs imports numpy.ma on first use:
    ~40 ms of start-up inside discovery)."""
    ordered = np.sort(values)
    keep = np.ones(ordered.shape[0], dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


@dataclass(frozen=True)
class Payloads:
    """Payloads as one byte buffer with per-sample start, length and flow number."""

    data: npt.NDArray[np.uint8]
    start: Ints
    length: Ints
    flow: Ints
    rank: Ints
    """Position of the sample among its flow's samples (0 = first)."""
    samples: list[tuple[int, bytes]]
    """The (direction, payload) samples themselves, indexed like the columns, for the Python parsers."""

    @classmethod
    def of(cls, samples: list[list[tuple[int, bytes]]], counts: Ints | None = None) -> Payloads:
        """Flatten a flow table's samples (a list per flow of (direction, payload)); `counts`, the number
        of samples per flow when the caller knows it, saves a pass over the lists.

        Memory bound: each pass over ~100,000 scattered `bytes` objects costs ~3-10 ms, so there are
        three (flatten, join, lengths), and directions are read only for the samples a parser takes."""
        flat = list(chain.from_iterable(samples))
        total = len(flat)
        if counts is None or int(counts.sum()) != total:
            counts = np.fromiter(map(len, samples), dtype=np.int64, count=len(samples))
        items = list(map(itemgetter(1), flat))
        items.append(_PAD)  # joined with the payloads: one copy of the bytes, not two
        data = np.frombuffer(b"".join(items), dtype=np.uint8)
        items.pop()
        length = np.fromiter(map(len, items), dtype=np.int64, count=total)
        start = np.zeros(total, dtype=np.int64)
        if total:
            np.cumsum(length[:-1], out=start[1:])
        flow = np.repeat(np.arange(len(samples), dtype=np.int64), counts)
        first = np.zeros(len(samples), dtype=np.int64)
        if len(samples):
            np.cumsum(counts[:-1], out=first[1:])
        rank = np.arange(total, dtype=np.int64) - first[flow]
        return cls(data, start, length, flow, rank, flat)

    def payload(self, sample: int) -> bytes:
        """The payload of one sample."""
        return self.samples[sample][1]

    def direction(self, sample: int) -> int:
        """0 when the sample went from side a to side b of its flow, 1 the other way."""
        return self.samples[sample][0]

    def __len__(self) -> int:
        """Number of samples."""
        return int(self.start.shape[0])

    def take(self, idx: Ints) -> Payloads:
        """The samples at `idx` (the byte buffer is shared)."""
        return Payloads(
            self.data, self.start[idx], self.length[idx], self.flow[idx], self.rank[idx], self.samples
        )

    def u8(self, at: int | Ints) -> Ints:
        """Byte `at` of every sample; past a sample's end the value is meaningless (guard with `length`)."""
        if isinstance(at, int):
            return self.data[self.start + at].astype(np.int64)
        return self.data[self.start + np.clip(at, 0, self.length)].astype(np.int64)

    def be16(self, at: int | Ints) -> Ints:
        """Big-endian 16-bit value at `at`."""
        return (self.u8(at) << 8) | self.u8(at + 1)

    def le16(self, at: int) -> Ints:
        """Little-endian 16-bit value at `at`."""
        return self.u8(at) | (self.u8(at + 1) << 8)

    def le32(self, at: int) -> Ints:
        """Little-endian 32-bit value at `at`."""
        return self.le16(at) | (self.le16(at + 2) << 16)

    def starts_with(self, prefix: bytes, at: int | Ints = 0) -> Bools:
        """Samples whose bytes at `at` are `prefix` (`p[at:at + len(prefix)] == prefix`)."""
        ok = self.length >= np.asarray(at) + len(prefix)
        for k, byte in enumerate(prefix):
            ok &= self.u8(at + k) == byte
        return ok


def name_guard(p: Payloads, parser: str) -> Bools:
    """Samples a name parser of `names` can get a name from: False only where it surely finds none."""
    L = p.length
    if parser == "dhcp":
        return np.asarray((L >= 240) & p.starts_with(b"\x63\x82\x53\x63", 236) & (p.u8(2) == 6), dtype=bool)
    if parser == "dns":
        # An A/AAAA answer needs the header, every question (>= 1 name byte + 4) and >= 15 answer bytes.
        records = p.be16(6) + p.be16(8) + p.be16(10)
        return np.asarray(
            (L >= 12) & ((p.u8(2) & 0x80) != 0) & (records > 0) & (27 + 5 * p.be16(4) <= L), dtype=bool
        )
    if parser == "netbios_ns":
        return np.asarray((L >= 50) & (p.u8(12) == 0x20), dtype=bool)
    if parser == "netbios_dgm":
        return np.asarray((L >= 48) & np.isin(p.u8(0), (0x10, 0x11, 0x12)) & (p.u8(14) == 0x20), dtype=bool)
    return np.ones(len(p), dtype=bool)


def identity_guard(p: Payloads, protocol: str) -> Bools:
    """Samples `identity.identify_device(protocol, ...)` can get identity from (False: surely none)."""
    L = p.length
    if protocol == "enip":
        return np.asarray((L >= 64) & (p.le16(0) == 0x0063), dtype=bool)
    if protocol == "modbus":
        return np.asarray((L >= 14) & (p.u8(7) == 0x2B) & (p.u8(8) == 0x0E), dtype=bool)
    if protocol == "s7comm":
        at = 5 + p.u8(4)
        return np.asarray(
            (L >= 7) & (p.u8(0) == 3) & (at + 10 <= L) & (p.u8(at) == 0x32) & (p.u8(at + 1) == 7), dtype=bool
        )
    if protocol == "profinet":
        return np.asarray(
            (L >= 12) & (p.u8(0) == 0xFE) & np.isin(p.u8(1), (0xFD, 0xFF)) & (p.u8(3) == 1), dtype=bool
        )
    if protocol == "bacnet":
        return np.asarray((L >= 4) & (p.u8(0) == 0x81), dtype=bool)
    return np.zeros(len(p), dtype=bool)
