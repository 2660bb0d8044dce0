"""Reference sets from Wireshark's dissection (tshark) and the same sets from plantarch's observations."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from plantarch.discovery.observation import ObservationBatch
from plantarch.discovery.pcap.inventory import is_host_address

TSHARK = shutil.which("tshark")

WIRESHARK_PROTOCOLS = {
    "mbtcp": "modbus",
    "modbus": "modbus",
    "s7comm": "s7comm",
    "s7comm_plus": "s7comm",
    "enip": "enip",
    "cip": "enip",
    "cipio": "enip",
    "opcua": "opcua",
    "bvlc": "bacnet",
    "bacnet": "bacnet",
    "bacapp": "bacnet",
    "iec60870_104": "iec104",
    "dnp3": "dnp3",
    "mqtt": "mqtt",
    "hart_ip": "hart-ip",
    "ams": "ads",
    "omron": "fins",
    "mms": "mms",
    "goose": "goose",
    "pn_rt": "profinet",
    "pn_dcp": "profinet",
    "pn_io": "profinet",
    "pn_ptcp": "profinet",
    "ecat": "ethercat",
    "ecatf": "ethercat",
}
"""Wireshark protocol names (frame.protocols) -> plantarch canonical ids."""

DECODE_AS: dict[str, list[str]] = {}
"""Per-capture `-d` options Wireshark needs for protocols on non-standard ports."""


@dataclass
class Sets:
    """Host addresses and (endpoint, protocol) pairs of one capture."""

    hosts: set[str]
    pairs: set[tuple[str, str]]


def _mac_is_unicast(mac: str) -> bool:
    return bool(mac) and not int(mac[:2], 16) & 1


def wireshark_sets(path: Path) -> Sets:
    """Hosts and (endpoint, protocol) pairs as Wireshark dissects the capture."""
    assert TSHARK is not None
    fields = ["frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "eth.src", "eth.dst"]
    fields.append("arp.src.proto_ipv4")
    cmd = [TSHARK, "-n", "-r", str(path), *DECODE_AS.get(path.name, []), "-T", "fields", "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300).stdout
    hosts: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for line in out.splitlines():
        protos, src4, dst4, src6, dst6, esrc, edst, arp_src = (line.split("\t") + [""] * 8)[:8]
        src, dst = (src4, dst4) if src4 else (src6, dst6)
        for addr in (src, dst, arp_src):
            if addr and is_host_address(addr):
                hosts.add(addr)
        names = {WIRESHARK_PROTOCOLS[p] for p in protos.split(":") if p in WIRESHARK_PROTOCOLS}
        for name in names:
            if src:
                ends = [a for a in (src, dst) if is_host_address(a)]
            else:
                ends = [m for m in (esrc, edst) if _mac_is_unicast(m)]
            pairs.update((e, name) for e in ends)
    return Sets(_drop_silent_broadcasts(hosts, out), pairs)


def _drop_silent_broadcasts(hosts: set[str], out: str) -> set[str]:
    sources = {line.split("\t")[1] for line in out.splitlines() if line.count("\t") >= 2}
    return {h for h in hosts if not (h.endswith(".255") and h not in sources)}


def plantarch_sets(batch: ObservationBatch) -> Sets:
    """Hosts with an IP address and (endpoint, protocol) pairs from an observation batch."""
    hosts = {h.ip for h in batch.hosts if h.ip}
    pairs: set[tuple[str, str]] = set()
    for f in batch.flows:
        if not f.protocol or f.confidence <= 0.5:
            continue
        for end in (f.src, f.dst):
            if (":" in end and len(end) == 17 and _mac_is_unicast(end)) or is_host_address(end):
                pairs.add((end, f.protocol))
    return Sets(hosts, pairs)


def recall_precision(found: set[object], reference: set[object]) -> tuple[float, float]:
    """Recall and precision of `found` against `reference` (1.0 when both are empty)."""
    hit = len(found & reference)
    recall = hit / len(reference) if reference else 1.0
    precision = hit / len(found) if found else (1.0 if not reference else 0.0)
    return recall, precision
