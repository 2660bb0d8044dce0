"""nmap XML: real ndiff scans and the ICS NSE scripts' documented output, read into the inventory."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from plantarch.discovery.nmap import read_nmap_xml
from plantarch.discovery.reconcile import reconcile
from plantarch.errors import InputError
from plantarch.model import Asset
from plantarch.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from nse_docs import SCRIPT_PORTS, host_element, nmap_xml, script_element
from sources_cli import invoke

SCANS = "nmap/ndiff_real_scans"


def test_a_real_scan_gives_hosts_services_names_and_os(shared_data: Path) -> None:
    batch = read_nmap_xml(shared_data / SCANS / "complex.xml")

    (host,) = batch.hosts
    assert host.ip == "64.13.134.52"
    assert host.names == ["scanme.nmap.org"]
    assert host.services == ["tcp/22/ssh", "tcp/53/domain", "tcp/80/http", "udp/53/domain"]
    assert host.os == "Linux 2.6.9 - 2.6.24"
    assert batch.provenance.source == "nmap"
    assert batch.summary["hosts_up"] == 1


def test_only_hosts_that_are_up_count(shared_data: Path) -> None:
    one = read_nmap_xml(shared_data / SCANS / "random-1.xml")
    two = read_nmap_xml(shared_data / SCANS / "random-2.xml")

    assert len(one.hosts) == 55  # 111 <host> elements, 55 with state up
    assert len(two.hosts) == 61
    assert all(h.ip and h.first_seen for h in one.hosts)


def test_the_same_network_on_two_days_reconciles_into_one_inventory(shared_data: Path, store: Store) -> None:
    one = read_nmap_xml(shared_data / SCANS / "random-1.xml")
    two = read_nmap_xml(shared_data / SCANS / "random-2.xml")
    ips = {h.ip for h in one.hosts} | {h.ip for h in two.hosts}

    first = reconcile(store, one, author="scanner")
    second = reconcile(store, two, author="scanner")
    again = reconcile(store, two, author="scanner")

    assert len(first.created["asset"]) == 55
    assert len(second.created["asset"]) == len(ips) - 55
    assert again.revision is None
    found = [a for a in store.list("asset") if isinstance(a, Asset)]
    assert len(found) == len(ips)
    both = [a for a in found if len(a.provenance) == 2]
    assert len(both) == len({h.ip for h in one.hosts} & {h.ip for h in two.hosts})
    assert all(a.declared is False for a in found)


EXPECTED = {
    "s7-info": ("s7-plc", {"vendor": "Siemens", "model": "CPU 315-2 DP", "serial": "S C-X4U421302009"}),
    "enip-info": (
        "enip-device",
        {
            "vendor": "Rockwell Automation/Allen-Bradley",
            "model": "1769-L32E Ethernet Port",
            "firmware": "3.7",
        },
    ),
    "modbus-discover": ("modbus-server", {"model": "Schneider Electric PM710 v03.110"}),
    "bacnet-info": ("bacnet-device", {"vendor": "BACnet Stack at SourceForge", "firmware": "0.8.2"}),
    "omron-info": ("fins-plc", {"vendor": "OMRON", "firmware": "02.01", "model": "CJ2M-CPU32"}),
    "pcworx-info": ("pcworx-plc", {"vendor": "Phoenix Contact", "model": "ILC 330 ETH", "firmware": "3.95T"}),
    "fox-info": ("niagara-fox", {"vendor": "Tridium", "application": "Workbench 3.7.44"}),
    "hartip-info": ("hart-ip-gateway", {"vendor": "Phoenix Contact", "model": "GW PL ETH/UNI-BUS"}),
}


@pytest.mark.parametrize("script", sorted(SCRIPT_PORTS))
def test_ics_nse_script_text_output_gives_device_identity(
    shared_data: Path, tmp_path: Path, script: str
) -> None:
    protocol, port = SCRIPT_PORTS[script]
    xml = nmap_xml(
        [host_element("10.20.0.5", script_element(shared_data, script, structured=False), protocol, port)]
    )
    (tmp_path / "scan.xml").write_text(xml)

    (host,) = read_nmap_xml(tmp_path / "scan.xml").hosts
    role, identity = EXPECTED[script]
    assert role in host.roles
    for name, value in identity.items():
        assert host.identity[name] == value, name


@pytest.mark.parametrize("script", ["enip-info", "bacnet-info", "pcworx-info", "fox-info", "modbus-discover"])
def test_structured_nse_output_reads_the_same_as_text(shared_data: Path, tmp_path: Path, script: str) -> None:
    protocol, port = SCRIPT_PORTS[script]
    structured = script_element(shared_data, script, structured=True)
    assert "<elem" in structured
    (tmp_path / "scan.xml").write_text(nmap_xml([host_element("10.20.0.5", structured, protocol, port)]))

    (host,) = read_nmap_xml(tmp_path / "scan.xml").hosts
    role, identity = EXPECTED[script]
    assert role in host.roles
    for name, value in identity.items():
        assert host.identity[name] == value, name


def test_controllers_get_a_level_1_suggestion_and_plc_kind(
    shared_data: Path, tmp_path: Path, store: Store
) -> None:
    host = host_element(
        "10.20.0.7", script_element(shared_data, "s7-info"), "tcp", 102, mac="00:1B:1B:01:02:03"
    )
    (tmp_path / "scan.xml").write_text(nmap_xml([host]))
    reconcile(store, read_nmap_xml(tmp_path / "scan.xml"), author="a")

    asset = store.get("asset", "10.20.0.7")
    assert isinstance(asset, Asset)
    assert (asset.kind, asset.vendor, asset.firmware) == ("plc", "Siemens", "2.6.9")
    assert asset.suggested_level is not None and asset.suggested_level.level == 1.0
    assert asset.macs == ["00:1b:1b:01:02:03"]
    assert asset.identity["order_number"] == "6ES7 315-2AG10-0AB0"


def test_profinet_discovery_prescript_finds_devices_by_mac(shared_data: Path, tmp_path: Path) -> None:
    pre = script_element(shared_data, "multicast-profinet-discovery")
    (tmp_path / "scan.xml").write_text(nmap_xml([], [pre]))

    hosts = read_nmap_xml(tmp_path / "scan.xml").hosts
    assert [(h.mac, h.ip) for h in hosts] == [
        ("00:0e:8c:c9:41:15", "10.253.81.37"),
        ("ac:64:17:2c:c9:46", "10.253.81.26"),
    ]
    assert hosts[0].identity["profinet_station"] == "pn-io"
    assert hosts[1].identity["model"] == "SIMATIC-HMI"


def test_not_an_nmap_file_and_broken_xml_name_the_file(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<inventory><host/></inventory>")
    with pytest.raises(InputError, match="not an nmap XML file"):
        read_nmap_xml(other)
    broken = tmp_path / "broken.xml"
    broken.write_text('<nmaprun start="1">\n<host><status state="up"/>\n</nmaprun>')
    with pytest.raises(InputError, match=r"broken.xml, line 3") as info:
        read_nmap_xml(broken)
    assert info.value.line == 3


def test_cli_discover_nmap_is_one_change_set_and_idempotent(shared_data: Path, tmp_path: Path) -> None:
    scans = [str(shared_data / SCANS / f"random-{n}.xml") for n in (1, 2)]
    first = invoke("discover", "nmap", *scans, "--workspace", "ws", "--format", "json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["result"]["revision"] == 1
    assert report["result"]["counts"]["asset"]["created"] == 69
    again = invoke("discover", "nmap", *scans, "--workspace", "ws", cwd=tmp_path)
    assert again.returncode == 0
    assert "nothing changed" in again.stdout
    missing = invoke("discover", "nmap", "nope.xml", "--workspace", "ws", cwd=tmp_path)
    assert missing.returncode == 2
    assert "nope.xml" in missing.stderr
