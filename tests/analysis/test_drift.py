"""Drift between a declared plant and what a capture shows, on the real store."""

from __future__ import annotations

from pathlib import Path

from plantarch.analysis.drift import detect_drift
from plantarch.discovery.pcap.source import discover_pcap
from plantarch.discovery.reconcile import reconcile
from plantarch.model.asset import Asset
from plantarch.model.flow import Flow
from plantarch.model.system import System
from plantarch.store import Store


def _declare(store: Store) -> None:
    with store.change(author="alice", reason="declared plant", source="test") as cs:
        cs.put(System(key="scada", name="SCADA", kind="scada"))
        cs.put(Asset(key="hmi-1", name="HMI 1", ips=["141.81.0.10"], systems=["scada"]))
        cs.put(Asset(key="plc-24", name="Filler PLC", ips=["141.81.0.24"]))
        cs.put(Asset(key="old-plc", name="Retired PLC", ips=["10.9.9.9"]))
        cs.put(Asset(key="paper-only", name="Undocumented address"))
        cs.put(Flow(key="scada-filler", source="scada", target="plc-24", protocol="modbus", port=502))
        cs.put(Flow(key="hmi-old", source="hmi-1", target="plc-24", protocol="s7comm", port=102))
        cs.put(Flow(key="scada-old", source="scada", target="old-plc", protocol="modbus", port=502))


def test_drift_after_a_capture(store: Store, shared_data: Path) -> None:
    _declare(store)
    batch = discover_pcap([shared_data / "captures" / "plant1_modbus.pcap"])
    reconcile(store, batch, author="discovery")
    report = detect_drift(store.load_model())

    # The SCADA system (running on hmi-1) polls 13 Modbus slaves; one of them is declared.
    hidden = {(f.target, f.protocol, f.port) for f in report.hidden_flows}
    assert len(report.hidden_flows) == 12
    assert all(f.source == "hmi-1" and f.protocol == "modbus" and f.port == 502 for f in report.hidden_flows)
    assert ("plc-24", "modbus", 502) not in hidden
    assert all(f.first_seen is not None and f.last_seen is not None for f in report.hidden_flows)
    assert len(report.undeclared_assets) == 12
    assert {a.key for a in report.stale_assets} == {"old-plc"}
    # hmi-1 and plc-24 were both seen, yet never spoke S7comm: stale; scada-old cannot be checked.
    assert [f.key for f in report.stale_flows] == ["hmi-old"]
    assert report.unverifiable_flows == 1
    assert report.observed_sources == ["pcap"]


def test_no_drift_on_an_empty_store(store: Store) -> None:
    report = detect_drift(store.load_model())
    assert report.total == 0 and report.unverifiable_flows == 0
