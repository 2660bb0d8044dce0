"""The pcap discovery source: stream captures, aggregate flows, and return one ObservationBatch."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from plantarch.discovery.observation import ObservationBatch
from plantarch.discovery.pcap.decoder import decode
from plantarch.discovery.pcap.flows import FlowTable
from plantarch.discovery.pcap.inventory import build_inventory, timestamp
from plantarch.discovery.pcap.reader import CHUNK_BYTES, CaptureDamage, CaptureReader
from plantarch.discovery.source import DiscoverySource
from plantarch.errors import PartialResult
from plantarch.model.base import Provenance

Progress = Callable[[int, int, int], None]
"""Called after each chunk with (bytes read, total bytes, packets so far)."""


@dataclass(frozen=True)
class FileDamage:
    """Damage found in one capture file."""

    file: str
    offset: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: byte offset {self.offset}: {self.reason}"


def read_captures(
    paths: Sequence[Path], *, progress: Progress | None = None, chunk_bytes: int = CHUNK_BYTES
) -> tuple[FlowTable, list[FileDamage]]:
    """Stream every capture into one flow table; damage stops a file, never the run."""
    table = FlowTable()
    damage: list[FileDamage] = []
    total = sum(p.stat().st_size for p in paths if p.exists())
    done = 0
    for path in paths:
        reader = CaptureReader(path, chunk_bytes=chunk_bytes)
        for block in reader.blocks():
            table.add(decode(block))
            if progress is not None:
                progress(done + min(reader.bytes_read, reader.size), total, table.packets)
        done += reader.size
        if reader.damage is not None:
            damage.append(_file_damage(path, reader.damage))
    table.sort_flows()
    if progress is not None:
        progress(total, total, table.packets)
    return table, damage


def _file_damage(path: Path, dmg: CaptureDamage) -> FileDamage:
    return FileDamage(str(path), dmg.offset, dmg.reason)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: discovery allocates ~10 tuples per flow and no cycles,
    and the collector's passes over them cost ~15 % of the run (perf, issue #3)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def discover_pcap(
    paths: Sequence[Path], *, progress: Progress | None = None, chunk_bytes: int = CHUNK_BYTES
) -> ObservationBatch:
    """Passive discovery from pcap/pcapng(.gz) files: hosts, flows, protocols, identity, levels."""
    started = time.perf_counter()
    with _no_cyclic_gc():
        table, damage = read_captures(paths, progress=progress, chunk_bytes=chunk_bytes)
        inventory = build_inventory(table)
    elapsed = time.perf_counter() - started
    warnings = [f"damaged capture, kept everything before the damage: {d}" for d in damage]
    if table.cut_packets:
        warnings.append(
            f"{table.cut_packets} packets have headers cut by the snapshot length (first at byte offset "
            f"{table.first_cut_offset}); they are counted but their flows may be incomplete"
        )
    first = timestamp(table.first_ts) if table.first_ts is not None else None
    last = timestamp(table.last_ts) if table.last_ts is not None else None
    summary: dict[str, Any] = {
        "files": [str(p) for p in paths],
        "packets": table.packets,
        "bytes": table.bytes,
        "first_seen": first.isoformat() if first else None,
        "last_seen": last.isoformat() if last else None,
        "hosts": len(inventory.hosts),
        "flows": len(inventory.flows),
        "protocols": inventory.protocols,
        "ipv4_fragments": table.fragments,
        "cut_packets": table.cut_packets,
        "non_ip_packets": table.other_packets,
        "seconds": round(elapsed, 3),
        "packets_per_second": round(table.packets / elapsed) if elapsed > 0 else None,
        "damage": [{"file": d.file, "offset": d.offset, "reason": d.reason} for d in damage],
    }
    return ObservationBatch(
        provenance=Provenance(
            source="pcap",
            reference=", ".join(str(p) for p in paths),
            observed_at=last,
            confidence=0.9,
        ),
        hosts=inventory.hosts,
        flows=inventory.flows,
        summary=summary,
        warnings=warnings,
    )


def raise_if_partial(batch: ObservationBatch) -> None:
    """Raise PartialResult when any capture of the batch was damaged (after the caller recorded it)."""
    damage = batch.summary.get("damage") or []
    if damage:
        where = "; ".join(f"{d['file']}: byte offset {d['offset']}: {d['reason']}" for d in damage)
        raise PartialResult(f"partial result, everything before the damage was kept: {where}")


class PcapSource(DiscoverySource):
    """Passive discovery from packet captures (pcap, pcapng, gzip-compressed)."""

    name: ClassVar[str] = "pcap"
    label: ClassVar[str] = "Packet capture (pcap / pcapng)"
    parameters: ClassVar[dict[str, str]] = {"chunk_bytes": "bytes read per chunk (default 32 MiB)"}

    def observe(self, target: str, **params: Any) -> ObservationBatch:
        """Read one capture file and return what it shows (damage is in `summary["damage"]`)."""
        return discover_pcap([Path(target)], chunk_bytes=int(params.get("chunk_bytes", CHUNK_BYTES)))
