"""Zeek logs (TSV or JSON, including the CISA ICSNPP parsers) -> the same observations as pcap discovery.

Field names drift between ICSNPP versions (newer ones add `is_orig, source_h, source_p, destination_h,
destination_p`, rename vendor/serial fields) and test baselines mask timestamps or drop the header: the
reader maps every known alias to one name, infers the schema of a header-less log from its file name
and column count, and treats a masked timestamp as unknown.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from plantarch.discovery.observation import FlowObservation, HostObservation, ObservationBatch
from plantarch.discovery.pcap.inventory import is_host_address, merge_flows
from plantarch.discovery.pcap.levels import peer_context_level, suggest_level
from plantarch.discovery.pcap.protocols import ROLES
from plantarch.discovery.source import DiscoverySource
from plantarch.errors import InputError
from plantarch.model.base import Provenance

CONN_ID = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p"]
NEW_ID_FIELDS = ["is_orig", "source_h", "source_p", "destination_h", "destination_p"]
"""Fields newer ICSNPP versions insert after the connection id."""

LEGACY_SCHEMAS: dict[str, list[str]] = {
    "conn": [
        *CONN_ID, "proto", "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig",
        "local_resp", "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes",
        "tunnel_parents",
    ],
    "enip": [
        *CONN_ID, "enip_command_code", "enip_command", "length", "session_handle", "enip_status",
        "sender_context", "options",
    ],
    "cip_identity": [
        *CONN_ID, "encapsulation_version", "socket_address", "socket_port", "vendor_id", "vendor_name",
        "device_type_id", "device_type_name", "product_code", "revision", "device_status", "serial_number",
        "product_name", "device_state",
    ],
    "s7comm_known_devices": [
        *CONN_ID, "automation_system_name", "module_name", "plant_name", "module_serial",
    ],
}  # fmt: skip
"""Schemas of the logs whose header-less test baselines we must read (before NEW_ID_FIELDS)."""

ALIASES = {
    "source_h": "orig_h",
    "id.orig_h": "orig_h",
    "source_p": "orig_p",
    "id.orig_p": "orig_p",
    "destination_h": "resp_h",
    "id.resp_h": "resp_h",
    "destination_p": "resp_p",
    "id.resp_p": "resp_p",
    "vendor": "vendor_name",
    "serial": "serial_number",
    "module_serial": "serial_number",
    "product": "product_name",
    "automation_system_name": "station",
    "object_name": "station",
    "instance_number": "bacnet_instance",
}
"""Field names across ICSNPP and Zeek versions -> one name."""

SERVICES = {
    "modbus": "modbus", "dnp3": "dnp3", "dnp3_tcp": "dnp3", "dnp3_udp": "dnp3", "s7comm": "s7comm",
    "s7comm-plus": "s7comm", "s7comm_plus": "s7comm", "enip": "enip", "cip": "enip", "cip_io": "enip",
    "bacnet": "bacnet", "opcua-binary": "opcua", "opcua_binary": "opcua", "mqtt": "mqtt",
    "profinet": "profinet", "profinet_io_cm": "profinet", "iec104": "iec104", "iec60870_5_104": "iec104",
    "hart_ip": "hart-ip", "hart-ip": "hart-ip", "ethercat": "ethercat", "mms": "mms", "iec61850": "mms",
    "ads": "ads", "fins": "fins", "dns": "dns", "dhcp": "dhcp", "http": "http", "ssl": "tls", "ssh": "ssh",
    "smb": "smb", "ntp": "ntp", "snmp": "snmp", "rdp": "rdp",
}  # fmt: skip
"""Zeek service names -> canonical protocol ids."""

LOG_PROTOCOLS = (
    ("modbus", "modbus"), ("dnp3", "dnp3"), ("s7comm", "s7comm"), ("enip", "enip"), ("cip", "enip"),
    ("bacnet", "bacnet"), ("opcua", "opcua"), ("profinet", "profinet"), ("iec104", "iec104"),
    ("mqtt", "mqtt"), ("hart_ip", "hart-ip"), ("ecat", "ethercat"), ("mms", "mms"),
)  # fmt: skip
"""Log file name prefix -> the protocol every record of that log carries."""


def _unset(value: Any) -> bool:
    return value is None or value in ("-", "(empty)", "")


def _time(value: Any) -> float | None:
    """Zeek epoch seconds (or ISO text in JSON logs); masked timestamps (XXXX) are unknown."""
    if _unset(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@dataclass
class ZeekLog:
    """One log file's records with normalised field names."""

    path: Path
    name: str
    records: list[dict[str, Any]]


def _normalise(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = ALIASES.get(key, key)
        if name in out and not _unset(out[name]):
            continue  # keep the connection id when both the id and the newer source/destination exist
        out[name] = value
    return out


def read_log(path: Path) -> ZeekLog:
    """Read one Zeek log (TSV with or without header, or JSON lines)."""
    name = path.name.split(".")[0]
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read Zeek log: {exc.strerror}", file=str(path)) from exc
    lines = text.splitlines()
    records: list[dict[str, Any]] = []
    first_data = next((ln for ln in lines if ln and not ln.startswith("#")), "")
    if first_data.startswith("{"):
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", file=str(path), line=number) from exc
            if isinstance(row, dict):
                records.append(_normalise(row))
        return ZeekLog(path, name, records)
    fields: list[str] | None = None
    separator = "\t"
    for number, line in enumerate(lines, 1):
        if line.startswith("#separator"):
            separator = line.split(" ", 1)[1].encode().decode("unicode_escape") if " " in line else "\t"
        elif line.startswith("#fields"):
            fields = line.split(separator)[1:]
        elif line.startswith("#path") and len(line.split(separator)) > 1:
            name = line.split(separator)[1]
        elif line and not line.startswith("#"):
            values = line.split(separator)
            names = fields or _infer_schema(name, len(values))
            if names is None:
                raise InputError(
                    f"log has no #fields header and {len(values)} columns match no known {name} schema",
                    file=str(path),
                    line=number,
                )
            records.append(_normalise(dict(zip(names, values, strict=False))))
    return ZeekLog(path, name, records)


def _infer_schema(name: str, columns: int) -> list[str] | None:
    legacy = LEGACY_SCHEMAS.get(name)
    if legacy is None:
        return None
    if columns == len(legacy):
        return legacy
    if columns == len(legacy) + len(NEW_ID_FIELDS):
        return [*CONN_ID, *NEW_ID_FIELDS, *legacy[len(CONN_ID) :]]
    return None


def iter_logs(directory: Path) -> Iterator[ZeekLog]:
    """Every *.log / *.json log under a directory (recursively), in a stable order."""
    if directory.is_file():
        yield read_log(directory)
        return
    if not directory.is_dir():
        raise InputError("Zeek log directory not found", file=str(directory))
    for path in sorted([*directory.rglob("*.log"), *directory.rglob("*.json")]):
        yield read_log(path)


def _log_protocol(name: str) -> str | None:
    for prefix, protocol in LOG_PROTOCOLS:
        if name.startswith(prefix):
            return protocol
    return None


@dataclass
class _Host:
    names: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    identity: dict[str, str] = field(default_factory=dict)
    services: set[str] = field(default_factory=set)
    it: set[str] = field(default_factory=set)
    peers: set[str] = field(default_factory=set)
    mac: str | None = None
    sent: bool = False
    first: float | None = None
    last: float | None = None

    def seen(self, t: float | None, end: float | None = None) -> None:
        for v in (t, end):
            if v is not None:
                self.first = v if self.first is None else min(self.first, v)
                self.last = v if self.last is None else max(self.last, v)


def _dt(t: float | None) -> datetime | None:
    return datetime.fromtimestamp(t, tz=UTC) if t is not None else None


def discover_zeek(directories: list[Path]) -> ObservationBatch:
    """Read Zeek/ICSNPP logs and return hosts and flows with protocols, roles, identity and levels."""
    hosts: dict[str, _Host] = defaultdict(_Host)
    flows: dict[str, FlowObservation] = {}
    extra: list[FlowObservation] = []
    uid_protocol: dict[str, str] = {}
    logs = [log for d in directories for log in iter_logs(d)]
    counts: dict[str, int] = {}
    for log in logs:
        counts[log.name] = counts.get(log.name, 0) + len(log.records)
        protocol = _log_protocol(log.name)
        for r in log.records:
            if protocol and r.get("uid") and not _unset(r.get("uid")):
                uid_protocol.setdefault(str(r["uid"]), protocol)
    for log in logs:
        handler = _HANDLERS.get(log.name)
        protocol = _log_protocol(log.name)
        for r in log.records:
            if log.name == "conn":
                _conn(r, flows, uid_protocol, hosts)
            elif handler is not None:
                handler(r, hosts)
            if protocol and not _unset(r.get("orig_h")) and not _unset(r.get("resp_h")):
                _protocol_record(r, protocol, hosts, flows, extra, log.name)
    all_flows = merge_flows([*flows.values(), *extra])
    observed = _finish(hosts)
    times = [t for h in observed for t in (h.first_seen, h.last_seen) if t is not None]
    return ObservationBatch(
        provenance=Provenance(
            source="zeek",
            reference=", ".join(str(d) for d in directories),
            observed_at=max(times) if times else None,
            confidence=0.9,
        ),
        hosts=observed,
        flows=all_flows,
        summary={
            "logs": counts,
            "hosts": len(observed),
            "flows": len(all_flows),
            "packets": sum(f.packets for f in all_flows),
            "bytes": sum(f.bytes for f in all_flows),
        },
    )


def _conn(
    r: dict[str, Any],
    flows: dict[str, FlowObservation],
    uid_protocol: dict[str, str],
    hosts: dict[str, _Host],
) -> None:
    src, dst = str(r.get("orig_h", "-")), str(r.get("resp_h", "-"))
    if _unset(src) or _unset(dst):
        return
    services = [s for s in str(r.get("service", "-")).split(",") if not _unset(s)]
    protocol = next((SERVICES[s] for s in services if s in SERVICES), None)
    uid = str(r.get("uid", ""))
    protocol = uid_protocol.get(uid, protocol)
    transport = str(r.get("proto", "other"))
    start = _time(r.get("ts"))
    duration = _time(r.get("duration"))
    end = start + duration if start is not None and duration is not None else start
    port = _int(r.get("resp_p")) if transport in ("tcp", "udp") else None
    flows[uid or f"{src}-{dst}-{port}"] = FlowObservation(
        src=src,
        dst=dst,
        transport=transport if transport in ("tcp", "udp") else "other",
        port=port,
        protocol=protocol,
        packets=_int(r.get("orig_pkts")) + _int(r.get("resp_pkts")),
        bytes=_int(r.get("orig_ip_bytes")) + _int(r.get("resp_ip_bytes")),
        first_seen=_dt(start),
        last_seen=_dt(end),
        confidence=0.9 if protocol else 0.5,
    )
    for addr, peer in ((src, dst), (dst, src)):
        if is_host_address(addr):
            hosts[addr].seen(start, end)
            hosts[addr].peers.add(peer)
    hosts[src].sent = True
    if protocol and protocol not in ROLES and is_host_address(dst):
        hosts[dst].it.add(protocol)
        hosts[dst].services.add(f"{transport}/{port}/{protocol}")


def _protocol_record(
    r: dict[str, Any],
    protocol: str,
    hosts: dict[str, _Host],
    flows: dict[str, FlowObservation],
    extra: list[FlowObservation],
    log_name: str,
) -> None:
    src, dst = str(r["orig_h"]), str(r["resp_h"])
    client_role, server_role = ROLES[protocol]
    uid = str(r.get("uid", ""))
    t = _time(r.get("ts"))
    if uid not in flows:
        port = _int(r.get("resp_p")) or None
        extra.append(
            FlowObservation(
                src=src, dst=dst, transport="tcp" if port else "other", port=port, protocol=protocol,
                first_seen=_dt(t), last_seen=_dt(t), confidence=0.9,
            )
        )  # fmt: skip
    elif flows[uid].protocol != protocol:
        flows[uid].protocol = protocol
    if log_name.startswith("bacnet"):
        return  # BACnet devices are peers on one port: roles come from I-Am (bacnet_discovery)
    for addr, role in ((src, client_role), (dst, server_role)):
        if is_host_address(addr):
            hosts[addr].roles.add(role)
            hosts[addr].seen(t)
    if is_host_address(dst):
        hosts[dst].services.add(
            f"{flows[uid].transport if uid in flows else 'tcp'}/{r.get('resp_p')}/{protocol}"
        )


def _cip_identity(r: dict[str, Any], hosts: dict[str, _Host]) -> None:
    h = hosts[str(r.get("resp_h"))]
    for key in ("vendor_name", "product_name", "serial_number", "revision", "device_type_name"):
        if not _unset(r.get(key)):
            target = {"vendor_name": "vendor", "product_name": "product", "serial_number": "serial"}.get(
                key, key
            )
            h.identity[target if target != "revision" else "firmware"] = str(r[key])


def _s7_known(r: dict[str, Any], hosts: dict[str, _Host]) -> None:
    h = hosts[str(r.get("resp_h"))]
    for key, target in (("station", "station"), ("module_name", "module_name"), ("serial_number", "serial")):
        if not _unset(r.get(key)):
            h.identity[target] = str(r[key])
    if not _unset(r.get("station")):
        h.names.add(str(r["station"]))
    h.identity.setdefault("vendor", "Siemens")


def _bacnet_discovery(r: dict[str, Any], hosts: dict[str, _Host]) -> None:
    if str(r.get("pdu_service")) != "i_am":
        return
    h = hosts[str(r.get("orig_h"))]
    h.roles.add("bacnet-device")
    if not _unset(r.get("bacnet_instance")):
        h.identity["bacnet_instance"] = str(r["bacnet_instance"])
    if not _unset(r.get("vendor_name")):
        h.identity["vendor"] = str(r["vendor_name"])


def _dhcp(r: dict[str, Any], hosts: dict[str, _Host]) -> None:
    addr = next(
        (str(r[k]) for k in ("assigned_addr", "client_addr", "requested_addr") if not _unset(r.get(k))), ""
    )
    name = r.get("host_name")
    mac = None if _unset(r.get("mac")) else str(r["mac"]).lower()
    key = addr if addr and is_host_address(addr) else mac
    if key:
        if not _unset(name):
            hosts[key].names.add(str(name))
        hosts[key].mac = mac or hosts[key].mac


def _dns(r: dict[str, Any], hosts: dict[str, _Host]) -> None:
    query, answers = r.get("query"), r.get("answers")
    if _unset(query) or _unset(answers):
        return
    values = answers if isinstance(answers, list) else str(answers).split(",")
    for answer in values:
        if is_host_address(str(answer)) and str(answer) in hosts:
            hosts[str(answer)].names.add(str(query))


def _known_host(r: dict[str, Any], hosts: dict[str, _Host]) -> None:
    addr = str(r.get("host", "-"))
    if is_host_address(addr):
        hosts[addr].seen(_time(r.get("ts")))


def _known_service(r: dict[str, Any], hosts: dict[str, _Host]) -> None:
    addr = str(r.get("host", "-"))
    if not is_host_address(addr):
        return
    transport = str(r.get("port_proto", "tcp"))
    services = r.get("service")
    names = services if isinstance(services, list) else str(services or "-").split(",")
    for name in (n for n in names if not _unset(n)):
        protocol = SERVICES.get(name, name)
        hosts[addr].services.add(f"{transport}/{r.get('port_num')}/{protocol}")
        if protocol in ROLES:
            hosts[addr].roles.add(ROLES[protocol][1])
        else:
            hosts[addr].it.add(protocol)
    hosts[addr].seen(_time(r.get("ts")))


def _known_device(r: dict[str, Any], hosts: dict[str, _Host]) -> None:
    mac = r.get("mac")
    if _unset(mac):
        return
    key = str(mac).lower()
    if not _unset(r.get("dhcp_host_name")):
        hosts[key].names.add(str(r["dhcp_host_name"]))
    hosts[key].mac = key
    hosts[key].seen(_time(r.get("ts")))


_HANDLERS = {
    "known_hosts": _known_host,
    "known_services": _known_service,
    "known_devices": _known_device,
    "cip_identity": _cip_identity,
    "s7comm_known_devices": _s7_known,
    "bacnet_discovery": _bacnet_discovery,
    "dhcp": _dhcp,
    "dns": _dns,
}


def _finish(hosts: dict[str, _Host]) -> list[HostObservation]:
    context = {a: peer_context_level(h.roles) for a, h in hosts.items()}
    out = []
    for address, h in sorted(hosts.items()):
        is_mac = len(address) == 17 and address.count(":") == 5
        if not is_mac and not is_host_address(address):
            continue
        if address.endswith(".255") and not h.sent:
            continue  # a directed broadcast that never sent anything is no device
        peers = {lv for p in h.peers if (lv := context.get(p)) is not None}
        level, reasons = suggest_level(None if is_mac else address, h.roles, peers, h.it)
        identity = dict(h.identity)
        out.append(
            HostObservation(
                ip=None if is_mac else address,
                mac=address if is_mac else h.mac,
                vendor=identity.pop("vendor", None),
                names=sorted(h.names),
                roles=sorted(h.roles),
                services=sorted(h.services),
                identity=identity,
                suggested_level=level,
                level_reasons=reasons,
                first_seen=_dt(h.first),
                last_seen=_dt(h.last),
            )
        )
    return out


class ZeekSource(DiscoverySource):
    """Zeek and ICSNPP logs (TSV or JSON) from a directory."""

    name: ClassVar[str] = "zeek"
    label: ClassVar[str] = "Zeek / ICSNPP logs"

    def observe(self, target: str, **params: Any) -> ObservationBatch:
        """Read every log under the target directory."""
        return discover_zeek([Path(target)])
