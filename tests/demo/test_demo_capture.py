"""The demo capture holds the demo plant's declared traffic, the hidden flows, and not the stale one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from plantarch.demo import load_demo_model
from plantarch.demo.capture import write_demo_capture
from plantarch.demo.planted import HIDDEN_FLOWS, STALE_FLOW
from plantarch.discovery.observation import FlowObservation, ObservationBatch
from plantarch.discovery.pcap.source import discover_pcap
from plantarch.model import Flow, PlantModel


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("capture") / "demo.pcap"
    write_demo_capture(path)
    return path


@pytest.fixture(scope="module")
def observed(capture: Path) -> ObservationBatch:
    return discover_pcap([capture])


def addresses(model: PlantModel, key: str, *, macs: bool = False) -> set[str]:
    """Every IP (or MAC) of an asset, or of the assets a system runs on."""
    assets = [a for a in model.assets if a.key == key or key in a.systems]
    return {addr for a in assets for addr in (a.macs if macs else a.ips)}


def legs(model: PlantModel, flow: Flow) -> list[tuple[str, str]]:
    if flow.via is None:
        return [(flow.source, flow.target)]
    if any(a.key == flow.via and a.kind == "router" for a in model.assets):
        return [(flow.via, flow.target)]
    return [(flow.source, flow.via), (flow.via, flow.target)]


def seen(flows: list[FlowObservation], src: set[str], dst: set[str], port: int | None) -> bool:
    return any(f.src in src and f.dst in dst and f.port == port for f in flows)


def test_capture_is_deterministic_classic_pcap(capture: Path, tmp_path: Path) -> None:
    again = write_demo_capture(tmp_path / "again.pcap")
    assert (tmp_path / "again.pcap").read_bytes() == capture.read_bytes()
    assert capture.read_bytes()[:4] == bytes.fromhex("d4c3b2a1")  # little-endian microsecond libpcap
    assert 2_000 < again.packets < 20_000
    assert capture.stat().st_size < 2_000_000


def test_every_declared_flow_but_the_stale_one_is_on_the_wire(observed: ObservationBatch) -> None:
    model = load_demo_model()
    missing = []
    for flow in model.flows:
        if flow.key == STALE_FLOW:
            continue
        ethernet = flow.transport == "ethernet"
        for a, b in legs(model, flow):
            src, dst = addresses(model, a, macs=ethernet), addresses(model, b, macs=ethernet)
            if not (seen(observed.flows, src, dst, flow.port) or seen(observed.flows, dst, src, flow.port)):
                missing.append(f"{flow.key} ({a} -> {b})")
    assert missing == []
    stale = model.index("flow")[STALE_FLOW]
    assert not seen(observed.flows, addresses(model, stale.source), addresses(model, stale.target), None)
    assert not any(f.port == 3300 for f in observed.flows)


def test_hidden_flows_are_on_the_wire_with_their_protocol(observed: ObservationBatch) -> None:
    by_conversation = {(f.src, f.dst, f.port): f for f in observed.flows}
    for hidden in HIDDEN_FLOWS:
        flow = by_conversation.get((hidden.src_ip, hidden.dst_ip, hidden.port))
        assert flow is not None, hidden.key
        assert flow.protocol == hidden.protocol, hidden.key
    unknown = {h.ip for h in observed.hosts if h.ip} - {ip for a in load_demo_model().assets for ip in a.ips}
    assert unknown == {"10.20.2.199", "192.0.2.44"}


def test_industrial_protocols_are_recognised(observed: ObservationBatch) -> None:
    protocols = {f.protocol for f in observed.flows}
    assert {"modbus", "s7comm", "enip", "opcua", "mqtt", "bacnet", "profinet", "https", "mssql"} <= protocols


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark (Wireshark) is not installed")
def test_wireshark_finds_no_malformed_packet_or_bad_checksum(capture: Path) -> None:
    result = subprocess.run(
        [
            "tshark", "-r", str(capture),
            "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
            "-Y", "_ws.malformed || _ws.expert.severity >= error || tcp.checksum.status == 0 "
            "|| ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.analysis.flags",
        ],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert result.stdout.strip() == ""
