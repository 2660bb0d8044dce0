"""Zeek / ICSNPP logs: field-name drift, masked timestamps, header-less baselines, and agreement
with pcap discovery on the very pcaps the logs were made from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wireshark_reference import plantarch_sets, recall_precision

from plantarch.discovery.observation import HostObservation
from plantarch.discovery.pcap.source import discover_pcap
from plantarch.discovery.zeek import discover_zeek, read_log
from plantarch.errors import InputError


def _hosts(directory: Path) -> dict[str, HostObservation]:
    return {h.ip or h.mac or "": h for h in discover_zeek([directory]).hosts}


def test_conn_and_icsnpp_logs_give_flows_roles_and_identity(shared_data: Path) -> None:
    batch = discover_zeek([shared_data / "zeek/icsnpp-enip"])
    flows = {(f.src, f.dst, f.port, f.protocol) for f in batch.flows}
    assert ("192.168.10.105", "192.168.10.120", 44818, "enip") in flows
    assert ("192.168.1.24", "192.168.1.22", 2222, "enip") in flows
    hosts = {h.ip: h for h in batch.hosts}
    plc = hosts["10.1.1.164"]
    assert plc.vendor == "Rockwell Automation/Allen-Bradley"
    assert plc.identity["product"] == "1756-ENBT/A" and plc.identity["serial"] == "0x00524d8e"
    assert "cip-adapter" in plc.roles and plc.suggested_level == 1.0
    assert plc.first_seen is not None


def test_header_less_baselines_with_newer_fields_and_masked_timestamps(shared_data: Path) -> None:
    log = read_log(shared_data / "zeek/icsnpp-enip/head_baseline_basic/cip_identity.log")
    (record,) = log.records
    assert record["orig_h"] == "10.1.1.167" and record["resp_h"] == "10.1.1.164"
    assert record["product_name"] == "1756-ENBT/A"
    hosts = _hosts(shared_data / "zeek/icsnpp-enip/head_baseline_basic")
    assert hosts["10.1.1.164"].identity["product"] == "1756-ENBT/A"
    assert hosts["10.1.1.164"].first_seen is None  # XXXXXXXXXX.XXXXXX is unknown, not an error


def test_s7comm_known_devices_from_a_newer_icsnpp(shared_data: Path) -> None:
    host = _hosts(shared_data / "zeek/icsnpp-s7comm/head_baseline_s7ident")["172.17.0.2"]
    assert host.identity["module_name"] == "CPU 315-2 PN/DP"
    assert host.identity["serial"] == "S C-C2UR28922012"
    assert host.names == ["SNAP7-SERVER"] and host.vendor == "Siemens"


def test_json_logs_and_renamed_fields(tmp_path: Path) -> None:
    rows = [
        {"ts": "2024-01-01T00:00:00Z", "uid": "C1", "source_h": "10.0.0.1", "source_p": 5000,
         "destination_h": "10.0.0.2", "destination_p": 502, "proto": "tcp", "service": "modbus",
         "orig_pkts": 3, "resp_pkts": 2, "orig_ip_bytes": 200, "resp_ip_bytes": 100},
    ]  # fmt: skip
    (tmp_path / "conn.log").write_text("\n".join(json.dumps(r) for r in rows))
    batch = discover_zeek([tmp_path])
    (flow,) = batch.flows
    assert (flow.src, flow.dst, flow.port, flow.protocol, flow.packets, flow.bytes) == (
        "10.0.0.1", "10.0.0.2", 502, "modbus", 5, 300,
    )  # fmt: skip
    assert flow.first_seen is not None and flow.first_seen.year == 2024


def test_unknown_header_less_log_is_bad_input_naming_the_line(tmp_path: Path) -> None:
    (tmp_path / "conn.log").write_text("### BTest baseline\na\tb\tc\n")
    with pytest.raises(InputError, match="line 2"):
        discover_zeek([tmp_path])


ZEEK_PCAPS = ["icsnpp-bacnet", "icsnpp-dnp3", "icsnpp-enip", "icsnpp-modbus", "icsnpp-opcua-binary",
              "icsnpp-s7comm/head_baseline_s7ident", "icsnpp-s7comm/s7comm_plus_example",
              "icsnpp-s7comm/snap7_example"]  # fmt: skip


@pytest.mark.parametrize("folder", ZEEK_PCAPS)
def test_pcap_discovery_agrees_with_icsnpp_on_the_same_pcap(shared_data: Path, folder: str) -> None:
    directory = shared_data / "zeek" / folder
    (pcap,) = directory.glob("*.pcap")
    zeek = plantarch_sets(discover_zeek([directory]))
    pcap_batch = discover_pcap([pcap])
    ours = plantarch_sets(pcap_batch)
    host_recall, host_precision = recall_precision(ours.hosts, zeek.hosts)
    pair_recall, pair_precision = recall_precision(ours.pairs, zeek.pairs)
    print(
        f"\n{folder}: hosts {len(zeek.hosts)} recall {host_recall:.3f} precision {host_precision:.3f}; "
        f"pairs {len(zeek.pairs)} recall {pair_recall:.3f} precision {pair_precision:.3f}"
    )
    assert ours.pairs == zeek.pairs
    assert zeek.hosts <= ours.hosts
    # Zeek's conn.log has no ARP: the only extra hosts are devices that spoke nothing but ARP.
    with_flows = {e for f in pcap_batch.flows for e in (f.src, f.dst)}
    assert not (ours.hosts - zeek.hosts) & with_flows


def test_known_hosts_services_and_devices(tmp_path: Path) -> None:
    header = "#separator \\x09\n#fields\t{}\n"
    (tmp_path / "known_hosts.log").write_text(header.format("ts\thost") + "1700000000.0\t10.0.0.7\n")
    (tmp_path / "known_services.log").write_text(
        header.format("ts\thost\tport_num\tport_proto\tservice")
        + "1700000001.0\t10.0.0.8\t502\ttcp\tmodbus\n"
    )
    (tmp_path / "known_devices.log").write_text(
        header.format("ts\tmac\tdhcp_host_name") + "1700000002.0\t00:0E:8C:01:02:03\tplc-7\n"
    )
    hosts = _hosts(tmp_path)
    assert hosts["10.0.0.7"].first_seen is not None
    assert hosts["10.0.0.8"].roles == ["modbus-slave"] and hosts["10.0.0.8"].services == ["tcp/502/modbus"]
    assert hosts["00:0e:8c:01:02:03"].names == ["plc-7"]
