"""nmap XML: hosts, MACs, open services, OS guesses and the ICS NSE scripts' device identity."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from xml.etree.ElementTree import Element

from plantarch.discovery.addresses import normalize_mac
from plantarch.discovery.nse import HOST_SCRIPTS, DeviceFacts, profinet_device, script_table
from plantarch.discovery.observation import HostObservation, ObservationBatch
from plantarch.discovery.safe_xml import iter_events, local_name
from plantarch.discovery.source import DiscoverySource
from plantarch.errors import InputError
from plantarch.model.base import Provenance

ICS_PORTS: dict[int, str] = {
    102: "s7comm",
    502: "modbus",
    1911: "fox",
    1962: "pcworx",
    2222: "enip",
    2404: "iec104",
    4840: "opcua",
    1883: "mqtt",
    8883: "mqtt",
    5094: "hart-ip",
    9600: "fins",
    20000: "dnp3",
    44818: "enip",
    47808: "bacnet",
    48898: "ads",
    34962: "profinet",
    34963: "profinet",
    34964: "profinet",
}
"""Well-known ports of industrial protocols; an open one gives the host a '<protocol>-server' role."""

_DEVICE_OS_TYPES = {"switch": "switch", "router": "router", "firewall": "firewall", "PLC": "plc"}


def _moment(epoch: str | None) -> datetime | None:
    if not epoch or not epoch.isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), tz=UTC)


def _merge(host: HostObservation, facts: DeviceFacts) -> None:
    for name, value in facts.identity.items():
        host.identity.setdefault(name, value)
    host.roles += [r for r in facts.roles if r not in host.roles]
    host.names += [n for n in facts.names if n not in host.names]
    host.os = host.os or facts.os
    if facts.level is not None and host.suggested_level is None:
        host.suggested_level = facts.level
        host.level_reasons.append(facts.level_reason or "identified by nmap")


def _host(element: Element, scan_start: datetime | None, scripts: Counter[str]) -> HostObservation | None:
    status = element.find("status")
    if status is not None and status.get("state") != "up":
        return None
    host = HostObservation(
        first_seen=_moment(element.get("starttime")) or scan_start,
        last_seen=_moment(element.get("endtime")) or scan_start,
    )
    for address in element.findall("address"):
        kind, addr = address.get("addrtype"), address.get("addr", "")
        if kind in ("ipv4", "ipv6") and host.ip is None:
            host.ip = addr
        elif kind == "mac":
            host.mac = normalize_mac(addr) or addr
            host.vendor = address.get("vendor") or host.vendor
    host.names = [h.get("name", "") for h in element.findall("hostnames/hostname") if h.get("name")]
    for port in element.findall("ports/port"):
        state = port.find("state")
        if state is None or state.get("state") != "open":
            continue
        protocol, number = port.get("protocol", "tcp"), int(port.get("portid", "0"))
        service = port.find("service")
        name = service.get("name") if service is not None else None
        host.services.append(f"{protocol}/{number}/{name}" if name else f"{protocol}/{number}")
        if number in ICS_PORTS and f"{ICS_PORTS[number]}-server" not in host.roles:
            host.roles.append(f"{ICS_PORTS[number]}-server")
        for script in port.findall("script"):
            _script(host, script, scripts)
    for script in element.findall("hostscript/script"):
        _script(host, script, scripts)
    _os(host, element)
    if host.ip is None and host.mac is None:
        return None
    return host


def _script(host: HostObservation, script: Element, scripts: Counter[str]) -> None:
    script_id = script.get("id", "")
    reader = HOST_SCRIPTS.get(script_id)
    if reader is None:
        return
    scripts[script_id] += 1
    _merge(host, reader(script_table(script)))


def _os(host: HostObservation, element: Element) -> None:
    matches = element.findall("os/osmatch")
    if matches:
        best = max(matches, key=lambda m: int(m.get("accuracy", "0") or 0))
        host.os = host.os or best.get("name")
    for osclass in element.findall("os/osclass") + element.findall("os/osmatch/osclass"):
        role = _DEVICE_OS_TYPES.get(osclass.get("type", ""))
        if role and int(osclass.get("accuracy", "0") or 0) >= 90 and role not in host.roles:
            host.roles.append(role)


def _profinet(script: Element, seen: datetime | None) -> list[HostObservation]:
    found = []
    for mac_text, device in script_table(script).items():
        mac = normalize_mac(mac_text)
        if mac is None or not isinstance(device, dict):
            continue
        ip_table = device.get("IP") if isinstance(device.get("IP"), dict) else {}
        assert isinstance(ip_table, dict)
        host = HostObservation(mac=mac, ip=ip_table.get("ip_addr") or None, first_seen=seen, last_seen=seen)
        _merge(host, profinet_device(device))
        found.append(host)
    return found


def read_nmap_xml(path: Path) -> ObservationBatch:
    """Read one nmap -oX file into observations (streamed host by host)."""
    scan_start: datetime | None = None
    hosts: list[HostObservation] = []
    scripts: Counter[str] = Counter()
    version = None
    saw_root = False
    for event, element in iter_events(path):
        tag = local_name(element.tag)
        if event == "start":
            if tag == "nmaprun":
                saw_root = True
                scan_start = _moment(element.get("start"))
                version = element.get("version")
            elif not saw_root:
                raise InputError("not an nmap XML file (expected <nmaprun>)", file=str(path), field=tag)
            continue
        if tag == "host":
            host = _host(element, scan_start, scripts)
            if host is not None:
                hosts.append(host)
            element.clear()
        elif tag in ("prescript", "postscript"):
            for script in element.findall("script"):
                if script.get("id") == "multicast-profinet-discovery":
                    scripts[script.get("id", "")] += 1
                    hosts += _profinet(script, scan_start)
            element.clear()
    if not saw_root:
        raise InputError("not an nmap XML file (expected <nmaprun>)", file=str(path))
    services: Counter[str] = Counter(s.split("/", 2)[-1] for h in hosts for s in h.services)
    summary: dict[str, Any] = {
        "file": str(path),
        "nmap_version": version,
        "scan_start": scan_start.isoformat() if scan_start else None,
        "hosts_up": len(hosts),
        "open_ports": sum(len(h.services) for h in hosts),
        "ics_scripts": dict(sorted(scripts.items())),
        "top_services": dict(services.most_common(10)),
    }
    provenance = Provenance(source="nmap", reference=str(path), observed_at=scan_start, confidence=0.9)
    return ObservationBatch(provenance=provenance, hosts=hosts, summary=summary)


class NmapSource(DiscoverySource):
    """nmap -oX scan files, including the ICS NSE scripts' output."""

    name: ClassVar[str] = "nmap"
    label: ClassVar[str] = "nmap XML scan"
    parameters: ClassVar[dict[str, str]] = {}
    trust: ClassVar[str] = "active"

    def observe(self, target: str, **params: Any) -> ObservationBatch:
        """Read one nmap XML file."""
        path = Path(target)
        if not path.is_file():
            raise InputError("no such nmap XML file", file=target)
        return read_nmap_xml(path)
