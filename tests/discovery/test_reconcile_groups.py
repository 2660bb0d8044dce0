"""Multicast, broadcast and unspecified addresses never become assets, whatever the source (#4)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from pathlib import Path

from plantarch.discovery.addresses import is_group_address
from plantarch.discovery.observation import FlowObservation, HostObservation, ObservationBatch
from plantarch.discovery.pcap.source import discover_pcap
from plantarch.discovery.reconcile import reconcile
from plantarch.discovery.zeek import discover_zeek
from plantarch.model import Asset, Flow, Provenance
from plantarch.store import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _assets(store: Store) -> list[Asset]:
    return [a for a in store.list("asset") if isinstance(a, Asset)]


def _flows(store: Store) -> list[Flow]:
    return [f for f in store.list("flow") if isinstance(f, Flow)]


def _device_addresses(store: Store) -> set[str]:
    return {address.lower() for asset in _assets(store) for address in [*asset.ips, *asset.macs]}


def _has_group_end(flow: FlowObservation) -> bool:
    return is_group_address(flow.src) or is_group_address(flow.dst)


def test_profinet_capture_multicast_broadcast_and_unspecified_are_no_assets(
    store: Store, shared_data: Path
) -> None:
    batch = discover_pcap([shared_data / "captures/profinet_io_cm_mixed_1.pcap"])
    result = reconcile(store, batch, author="ot-engineer")

    addresses = _device_addresses(store)
    for group in ("239.255.255.250", "224.0.0.252", "255.255.255.255", "0.0.0.0", "ff02::1:2", "::"):
        assert group not in addresses
    assert "01:0e:cf:00:00:00" not in addresses  # PROFINET DCP identify multicast
    # subnet broadcasts nobody sent from are no devices either
    assert not {"192.168.1.255", "169.254.255.255"} & addresses
    assert not [a for a in addresses if is_group_address(a)]

    assert {"239.255.255.250", "01:0e:cf:00:00:00", "0.0.0.0", "192.168.1.255"} <= set(result.group_addresses)
    group_flows = [
        f for f in batch.flows if _has_group_end(f) or f.dst in ("192.168.1.255", "169.254.255.255")
    ]
    assert result.group_flows == len(group_flows) > 0
    assert len(_flows(store)) == len(
        {(f.src, f.dst, f.transport, f.port, f.protocol) for f in batch.flows}
    ) - len(group_flows)
    # whoever sent to a group is a device on the network
    senders = {f.src for f in group_flows if not is_group_address(f.src)}
    assert senders and senders <= addresses
    assert any("multicast/broadcast" in line for line in result.outcome_lines())

    again = reconcile(store, batch, author="ot-engineer")
    assert again.revision is None and not again.changed


def test_zeek_bacnet_and_ethercat_broadcasts_are_no_assets(store: Store, shared_data: Path) -> None:
    for folder in ("icsnpp-bacnet", "icsnpp-ethercat"):
        batch = discover_zeek([shared_data / "zeek" / folder])
        result = reconcile(store, batch, author="ot-engineer")
        assert result.group_flows > 0
    addresses = _device_addresses(store)
    assert not {"172.20.32.255", "255.255.255.255", "169.254.255.255", "ff02::1:2"} & addresses
    for asset in _assets(store):
        for ip in asset.ips:
            assert not ipaddress.ip_address(ip).is_multicast


def _batch(
    source: str, hosts: list[HostObservation], flows: tuple[FlowObservation, ...] = ()
) -> ObservationBatch:
    return ObservationBatch(
        provenance=Provenance(source=source, reference=f"{source}.file", observed_at=T0),
        hosts=hosts,
        flows=list(flows),
    )


def test_an_inventory_row_keeps_its_device_but_not_its_group_address(store: Store) -> None:
    rows = [
        HostObservation(
            attributes={"name": "Line 1 GOOSE", "ips": ["239.192.0.1"], "macs": ["01:0c:cd:01:00:01"]}
        ),
        HostObservation(ip="255.255.255.255"),  # nothing but a broadcast address: no device
        HostObservation(ip="10.4.0.7", attributes={"name": "PLC 7", "ips": ["10.4.0.7", "224.0.0.251"]}),
    ]
    result = reconcile(store, _batch("inventory", rows), author="ot-engineer")

    by_name = {a.name: a for a in _assets(store)}
    assert set(by_name) == {"Line 1 GOOSE", "PLC 7"}
    assert by_name["Line 1 GOOSE"].ips == [] and by_name["Line 1 GOOSE"].macs == []
    assert by_name["PLC 7"].ips == ["10.4.0.7"]
    assert sum("multicast/broadcast address" in w for w in result.warnings) == 3
    assert {"239.192.0.1", "255.255.255.255", "224.0.0.251"} <= set(result.group_addresses)


def test_an_address_ending_in_255_that_sends_or_is_known_is_a_device(store: Store) -> None:
    """On a /23 or wider subnet x.y.z.255 is an ordinary host: seen sending, or already known, it stays."""
    flows = (
        FlowObservation(src="10.8.0.255", dst="10.8.1.10", transport="tcp", port=502, packets=3),
        FlowObservation(src="10.8.1.10", dst="10.8.3.255", transport="udp", port=47808, packets=1),
    )
    result = reconcile(store, _batch("pcap", [], flows), author="ot-engineer")
    assert "10.8.0.255" in _device_addresses(store)
    assert "10.8.3.255" not in _device_addresses(store)
    assert result.group_flows == 1 and result.group_addresses == ["10.8.3.255"]

    reconcile(store, _batch("nmap", [HostObservation(ip="10.8.3.255", names=["rtu-9"])]), author="a")
    reconcile(store, _batch("pcap", [], flows[1:]), author="ot-engineer")
    targets = {f.target for f in _flows(store)}
    assert "rtu-9" in targets
