"""Device identity, names, roles and Purdue suggestions on real captures."""

from __future__ import annotations

from pathlib import Path

from pcap_packets import ethernet, ipv4, pcap_bytes, udp, write

from plantarch.discovery.observation import HostObservation
from plantarch.discovery.pcap.source import discover_pcap


def _hosts(path: Path) -> dict[str, HostObservation]:
    return {h.ip or h.mac or "": h for h in discover_pcap([path]).hosts}


def test_cip_list_identity(shared_data: Path) -> None:
    host = _hosts(shared_data / "zeek/icsnpp-enip/enip_cip_example.pcap")["10.1.1.164"]
    assert host.vendor == "Rockwell Automation/Allen-Bradley"
    assert host.identity["product"] == "1756-ENBT/A"
    assert host.identity["serial"] == "0x00524d8e"  # same as ICSNPP's cip_identity.log
    assert host.roles == ["cip-adapter"] and host.suggested_level == 1.0


def test_s7_szl_component_identification(shared_data: Path) -> None:
    host = _hosts(shared_data / "zeek/icsnpp-s7comm/snap7_example/snap7.pcap")["134.217.61.211"]
    assert host.identity["module_name"] == "PLC_1"
    assert host.identity["model"] == "6ES7 315-2EH14-0AB0"
    assert host.identity["serial"] == "S C-B1U393142011"
    assert "S7300/ET200M station_1" in host.names
    assert host.level_reasons == ["answers S7comm as PLC → level 1"]


def test_profinet_dcp_station_names_and_lldp_names(shared_data: Path) -> None:
    hosts = _hosts(shared_data / "captures/profinet_io_cm_mixed_1.pcap")
    device = hosts["192.168.1.2"]
    assert device.identity["station"] == "versamax-pns11"
    assert device.identity["vendor_id"] == "0x015a"
    assert "profinet-device" in device.roles and device.suggested_level == 1.0
    assert "siemens-x208-switch" in hosts["00:0e:8c:ef:75:c5"].names  # LLDP system name
    assert "LT-US-DSWANSON" in hosts["169.254.216.43"].names  # NetBIOS


def test_bacnet_i_am(shared_data: Path) -> None:
    hosts = _hosts(shared_data / "zeek/icsnpp-bacnet/bacnet_example.pcap")
    devices = [h for h in hosts.values() if "bacnet-device" in h.roles]
    assert len(devices) >= 30
    assert hosts["172.20.32.100"].identity == {"bacnet_instance": "416", "vendor_id": "138"}


def test_roles_and_levels_on_the_plant1_network(shared_data: Path) -> None:
    hosts = _hosts(shared_data / "captures/plant1_mixed_mb2.pcap")
    hmi = hosts["141.81.0.10"]
    assert hmi.roles == ["cip-scanner", "modbus-master", "s7-client"] and hmi.suggested_level == 2.0
    assert hosts["141.81.0.11"].level_reasons == [
        "talks to control-system hosts only over IT traffic (mssql) → level 3"
    ]
    assert hosts["141.81.0.24"].roles == ["modbus-slave"] and hosts["141.81.0.24"].suggested_level == 1.0
    assert hosts["141.81.0.14"].vendor == "Siemens AG"
    assert "Switch1" in hosts["00:1b:1b:02:e6:1f"].names  # LLDP
    # IT-only hosts next to control-system hosts sit at level 3, not at 5 for their public-range address.
    assert hosts["141.81.0.181"].suggested_level == 3.0


def test_pcap_and_zeek_are_registered_discovery_sources(shared_data: Path) -> None:
    from plantarch.discovery.registry import get_source

    batch = get_source("pcap").observe(str(shared_data / "zeek/icsnpp-dnp3/dnp3_example.pcap"))
    assert batch.provenance.source == "pcap" and {f.protocol for f in batch.flows} == {"dnp3"}
    zeek = get_source("zeek").observe(str(shared_data / "zeek/icsnpp-dnp3"))
    assert zeek.provenance.source == "zeek" and {f.protocol for f in zeek.flows} == {"dnp3"}


def test_garbage_on_the_netbios_ports_names_nobody(tmp_path: Path) -> None:
    """A payload on UDP 137/138 that is not first-level encoded gives no name (it used to crash)."""
    payload = bytes(12) + b"\x20" + b"\xff\x00" * 16 + bytes(20)
    frames = [
        ethernet(ipv4("10.0.0.5", "10.0.0.6", 17, udp(137, 137, payload)), 0x0800),
        ethernet(ipv4("10.0.0.5", "10.0.0.6", 17, udp(138, 138, b"\x11" + bytes(13) + payload)), 0x0800),
    ]
    hosts = _hosts(write(tmp_path / "netbios.pcap", pcap_bytes(frames)))
    assert set(hosts) == {"10.0.0.5", "10.0.0.6"} and not hosts["10.0.0.5"].names
