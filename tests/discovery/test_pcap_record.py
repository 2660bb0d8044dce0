"""Recording pcap observations in the store: idempotent, and a later capture adds and updates."""

from __future__ import annotations

from pathlib import Path

from test_discover_cli import run

from plantarch.discovery.pcap.source import discover_pcap
from plantarch.discovery.reconcile import reconcile
from plantarch.store import Store


def test_same_capture_twice_changes_nothing(store: Store, shared_data: Path) -> None:
    batch = discover_pcap([shared_data / "captures" / "plant1_modbus.pcap"])
    first = reconcile(store, batch, author="discovery")
    assert first.revision == 1
    assert first.counts()["asset"]["created"] == 14 and first.counts()["flow"]["created"] == 13
    plc = store.get("asset", "141.81.0.24")
    assert plc is not None and plc.roles == ["modbus-slave"]  # type: ignore[attr-defined]
    again = reconcile(
        store, discover_pcap([shared_data / "captures" / "plant1_modbus.pcap"]), author="discovery"
    )
    assert again.revision is None and not again.changed
    assert store.revision == 1


def test_a_later_capture_adds_hosts_and_moves_last_seen(store: Store, shared_data: Path) -> None:
    reconcile(store, discover_pcap([shared_data / "captures" / "plant1_modbus.pcap"]), author="discovery")
    before = store.get("asset", "141.81.0.24")
    later = reconcile(
        store, discover_pcap([shared_data / "captures" / "plant1_mixed_mb2.pcap"]), author="discovery"
    )
    after = store.get("asset", "141.81.0.24")
    assert later.revision == 2 and later.counts()["asset"]["created"] > 20
    assert before is not None and after is not None
    assert after.last_seen > before.last_seen  # type: ignore[attr-defined]
    assert after.first_seen == before.first_seen  # type: ignore[attr-defined]


def test_cli_records_into_the_workspace_once(shared_data: Path, tmp_path: Path) -> None:
    capture = str(shared_data / "captures" / "s7_wincc_s400_production.pcapng")
    first = run(
        "discover", "pcap", capture, "--workspace", str(tmp_path / "ws"), "--format", "json", cwd=tmp_path
    )
    second = run(
        "discover", "pcap", capture, "--workspace", str(tmp_path / "ws"), "--format", "json", cwd=tmp_path
    )
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert '"revision": 1' in first.stdout and '"revision": null' in second.stdout
