"""Mutated captures: discovery keeps what it can and only the documented error type escapes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pcap_packets import modbus_request, modbus_response, pcap_bytes, pcapng_bytes, tcp_session

from plantarch.discovery.pcap.source import discover_pcap, raise_if_partial
from plantarch.errors import InputError, PartialResult

FRAMES = tcp_session("10.0.0.5", "10.0.0.10", 50000, 502, [modbus_request(i) for i in range(4)],
                     [modbus_response(i) for i in range(4)])  # fmt: skip
SEEDS = [pcap_bytes(FRAMES), pcapng_bytes(FRAMES), pcap_bytes(FRAMES, endian=">")]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        pos = draw(st.integers(0, len(data) - 1))
        data[pos] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_only_documented_errors_escape(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.pcap"
        path.write_bytes(data)
        try:
            batch = discover_pcap([path], chunk_bytes=256)
        except InputError:
            return  # not a capture at all (bad magic): exit code 2
        # A mutated length may split one record in two; every packet still needs its 16-byte header.
        assert batch.summary["packets"] <= len(data) // 16
        try:
            raise_if_partial(batch)
        except PartialResult as exc:
            assert "byte offset" in str(exc)
