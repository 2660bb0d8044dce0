"""The optional compiled hot path (`_packets`, a C extension built by `pip install` when a compiler
is present): the pcap record index, header decode and flow aggregation. `native` is None without it,
and the numpy / pure-Python twins in reader, decoder and flows are used instead (same results)."""

from __future__ import annotations

from types import ModuleType

__all__ = ["native"]

native: ModuleType | None
try:
    from plantarch.discovery.pcap import _packets as native
except ImportError:  # no compiler at install time
    native = None
