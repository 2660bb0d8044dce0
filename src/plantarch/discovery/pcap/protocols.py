"""Industrial protocol identification from payload structure, confirmed by port.

Each signature looks at one payload and says whether it has the protocol's framing (lengths that add
up, magic numbers, valid codes). A flow is given a protocol when at least half of its sampled
payloads match; the well-known port only raises confidence and picks the server side, so Modbus on
port 5020 is still Modbus and a random service on port 502 is not.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

ETHERTYPE_PROTOCOLS = {0x8892: "profinet", 0x88B8: "goose", 0x88A4: "ethercat"}
"""Layer-2 industrial protocols by ethertype."""


TCP_PORTS: dict[str, frozenset[int]] = {
    "modbus": frozenset({502}),
    "s7comm": frozenset({102}),
    "mms": frozenset({102}),
    "enip": frozenset({44818}),
    "opcua": frozenset({4840}),
    "iec104": frozenset({2404}),
    "dnp3": frozenset({20000}),
    "mqtt": frozenset({1883, 8883}),
    "hart-ip": frozenset({5094}),
    "ads": frozenset({48898}),
    "fins": frozenset({9600}),
}
UDP_PORTS: dict[str, frozenset[int]] = {
    "modbus": frozenset({502}),
    "enip": frozenset({44818, 2222}),
    "bacnet": frozenset(range(47808, 47824)),
    "dnp3": frozenset({20000}),
    "hart-ip": frozenset({5094}),
    "ads": frozenset({48899}),
    "fins": frozenset({9600}),
    "profinet": frozenset({34964}),
    "ethercat": frozenset({34980}),
}

IT_TCP = {
    20: "ftp-data", 21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "dns", 80: "http", 88: "kerberos",
    110: "pop3", 135: "msrpc", 139: "netbios-ssn", 143: "imap", 389: "ldap", 443: "https", 445: "smb",
    636: "ldaps", 1433: "mssql", 1521: "oracle", 3306: "mysql", 3389: "rdp", 5432: "postgresql",
    5900: "vnc", 8080: "http", 8443: "https",
}  # fmt: skip
IT_UDP = {
    53: "dns", 67: "dhcp", 68: "dhcp", 69: "tftp", 123: "ntp", 137: "netbios-ns", 138: "netbios-dgm",
    161: "snmp", 162: "snmp-trap", 514: "syslog", 546: "dhcpv6", 547: "dhcpv6", 1900: "ssdp",
    5353: "mdns", 5355: "llmnr",
}  # fmt: skip

ROLES: dict[str, tuple[str, str]] = {
    "modbus": ("modbus-master", "modbus-slave"),
    "s7comm": ("s7-client", "s7-plc"),
    "enip": ("cip-scanner", "cip-adapter"),
    "opcua": ("opcua-client", "opcua-server"),
    "mqtt": ("mqtt-client", "mqtt-broker"),
    "bacnet": ("bacnet-client", "bacnet-device"),
    "iec104": ("iec104-controlling-station", "iec104-controlled-station"),
    "dnp3": ("dnp3-master", "dnp3-outstation"),
    "hart-ip": ("hart-ip-client", "hart-ip-server"),
    "ads": ("ads-client", "ads-server"),
    "fins": ("fins-client", "fins-server"),
    "mms": ("mms-client", "mms-server"),
    "profinet": ("profinet-controller", "profinet-device"),
    "goose": ("goose-publisher", "goose-subscriber"),
    "ethercat": ("ethercat-master", "ethercat-slave"),
}
"""(client role, server role) per protocol."""


def _modbus(p: bytes) -> bool:
    if len(p) < 8:
        return False
    _tid, proto, length = struct.unpack_from(">HHH", p)
    fc = p[7] & 0x7F
    return proto == 0 and 2 <= length <= 254 and length + 6 <= len(p) and 1 <= fc <= 0x2B


def _tpkt_cotp(p: bytes) -> int:
    """Offset of the data after TPKT+COTP DT, -1 when the framing does not hold."""
    if len(p) < 7 or p[0] != 3 or p[1] != 0:
        return -1
    if struct.unpack_from(">H", p, 2)[0] != len(p) and struct.unpack_from(">H", p, 2)[0] > len(p):
        return -1
    li = p[4]
    if li < 2 or 5 + li > len(p) or p[5] != 0xF0:
        return -1
    return 5 + li


def _tpkt_connect(p: bytes) -> bool:
    return len(p) >= 11 and p[0] == 3 and p[1] == 0 and p[5] in (0xE0, 0xD0) and p[4] + 5 <= len(p)


def _s7comm(p: bytes) -> bool:
    at = _tpkt_cotp(p)
    return at > 0 and at < len(p) and p[at] in (0x32, 0x72)


def _mms(p: bytes) -> bool:
    at = _tpkt_cotp(p)
    if at < 0 or at + 2 > len(p):
        return False
    # ISO session: CONNECT (0x0D), ACCEPT (0x0E), or GIVE-TOKENS + DATA TRANSFER (01 00 01 00) then MMS.
    return p[at] in (0x0D, 0x0E) or p[at : at + 4] == b"\x01\x00\x01\x00"


ENIP_COMMANDS = frozenset({0x0001, 0x0004, 0x0063, 0x0064, 0x0065, 0x0066, 0x006F, 0x0070})
ENIP_STATUS = frozenset({0x00, 0x01, 0x02, 0x03, 0x64, 0x65, 0x69})


def _enip(p: bytes) -> bool:
    if len(p) < 24:
        return _cip_io(p)
    cmd, length, _session, status = struct.unpack_from("<HHII", p)
    options = struct.unpack_from("<I", p, 20)[0]
    framed = length + 24 == len(p) or (length + 24 < len(p) and len(p) >= 48)
    return (cmd in ENIP_COMMANDS and framed and options == 0 and status in ENIP_STATUS) or _cip_io(p)


def _cip_io(p: bytes) -> bool:
    """EtherNet/IP class-1 I/O over UDP: common packet format with sequenced address + connected data."""
    if len(p) < 22:
        return False
    count, t1, l1 = struct.unpack_from("<HHH", p)
    data_item: int = struct.unpack_from("<H", p, 14)[0]
    return count == 2 and t1 == 0x8002 and l1 == 8 and data_item == 0x00B1


OPCUA_TYPES = frozenset({b"HEL", b"ACK", b"OPN", b"CLO", b"MSG", b"ERR", b"RHE"})


def _opcua(p: bytes) -> bool:
    if len(p) < 8 or p[:3] not in OPCUA_TYPES or p[3:4] not in (b"F", b"C", b"A"):
        return False
    size: int = struct.unpack_from("<I", p, 4)[0]
    return 8 <= size <= 16 * 1024 * 1024


def _bacnet(p: bytes) -> bool:
    if len(p) < 6 or p[0] != 0x81 or p[1] > 0x0C:
        return False
    length: int = struct.unpack_from(">H", p, 2)[0]
    if length == len(p):
        return True
    # Some stacks get the BVLC length wrong; then insist on a well-formed NPDU behind it.
    npdu = 10 if p[1] == 0x04 else 4
    return 4 <= length <= len(p) and p[1] in (0x04, 0x09, 0x0A, 0x0B) and p[npdu : npdu + 1] == b"\x01"


def _iec104(p: bytes) -> bool:
    if len(p) < 6 or p[0] != 0x68:
        return False
    pos = 0
    while pos < len(p):
        if p[pos] != 0x68 or pos + 1 >= len(p) or p[pos + 1] < 4:
            return False
        pos += 2 + p[pos + 1]
    return pos == len(p)


def _dnp3(p: bytes) -> bool:
    return len(p) >= 10 and p[0] == 0x05 and p[1] == 0x64 and p[2] >= 5 and p[3] & 0x0F <= 0x0F


def _mqtt(p: bytes) -> bool:
    if len(p) < 2:
        return False
    ptype = p[0] >> 4
    if not 1 <= ptype <= 14:
        return False
    mult, rem, pos = 1, 0, 1
    while pos < len(p) and pos <= 4:
        rem += (p[pos] & 0x7F) * mult
        mult *= 128
        pos += 1
        if not p[pos - 1] & 0x80:
            break
    else:
        return False
    if ptype == 1:
        return p[pos : pos + 6] in (b"\x00\x04MQTT", b"\x00\x06MQIsd")
    return pos + rem == len(p) or (pos + rem < len(p) and (p[pos + rem] >> 4) in range(1, 15))


def _hart_ip(p: bytes) -> bool:
    if len(p) < 8:
        return False
    version, mtype, mid = p[0], p[1] & 0x0F, p[2]
    count = struct.unpack_from(">H", p, 6)[0]
    return version in (1, 2) and mtype <= 3 and (mid <= 4 or mid == 128) and count == len(p)


def _ads(p: bytes) -> bool:
    if len(p) >= 4 and p[:4] == b"\x03\x66\x14\x71":  # ADS/AMS UDP discovery
        return True
    if len(p) < 38 or p[0] != 0 or p[1] != 0:
        return False
    length: int = struct.unpack_from("<I", p, 2)[0]
    cmd: int = struct.unpack_from("<H", p, 22)[0]
    return length + 6 == len(p) and length >= 32 and cmd <= 9


def _fins(p: bytes) -> bool:
    if len(p) >= 16 and p[:4] == b"FINS":
        return True
    return len(p) >= 12 and p[0] in (0x80, 0x81, 0xC0, 0xC1) and p[1] == 0 and p[2] in (2, 7)


PNIO_UUIDS = (
    bytes.fromhex("dea000016c9711d1827100a02442df7d"),
    bytes.fromhex("dea000026c9711d1827100a02442df7d"),
)


def _profinet_udp(p: bytes) -> bool:
    if len(p) < 80 or p[0] != 4:  # DCE/RPC version 4 (connectionless)
        return False
    iface = p[24:40]
    swapped = iface[3::-1] + iface[5:3:-1] + iface[7:5:-1] + iface[8:]
    return any(u in (iface, swapped) for u in PNIO_UUIDS)


def _ethercat_udp(p: bytes) -> bool:
    return len(p) >= 2 and (p[1] >> 4) == 1


SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    "modbus": _modbus,
    "s7comm": _s7comm,
    "mms": _mms,
    "enip": _enip,
    "opcua": _opcua,
    "bacnet": _bacnet,
    "iec104": _iec104,
    "dnp3": _dnp3,
    "mqtt": _mqtt,
    "hart-ip": _hart_ip,
    "ads": _ads,
    "fins": _fins,
    "profinet": _profinet_udp,
    "ethercat": _ethercat_udp,
}
STRONG = frozenset({"modbus", "s7comm", "mms", "enip", "opcua", "bacnet", "iec104", "dnp3", "ads", "hart-ip"})
"""Signatures strict enough to name a protocol on a non-standard port."""


@dataclass(frozen=True)
class Identification:
    """The protocol of a flow, how sure we are, and which side is the server (0 = a, 1 = b, -1 = unknown)."""

    protocol: str | None
    confidence: float
    server: int


def _by_port(table: dict[str, frozenset[int]]) -> dict[int, tuple[str, ...]]:
    out: dict[int, tuple[str, ...]] = {}
    for proto, ports in table.items():
        for port in ports:
            out[port] = (*out.get(port, ()), proto)
    return out


_TCP_BY_PORT = _by_port(TCP_PORTS)
_UDP_BY_PORT = _by_port(UDP_PORTS)


_CANDIDATE_CACHE: dict[bytes, tuple[str, ...]] = {}
_CANDIDATE_CACHE_MAX = 1 << 16


def _candidates(p: bytes) -> tuple[str, ...]:
    """Protocols whose framing the first bytes allow (a cheap filter before the full signatures)."""
    key = p[:4]  # the filter reads nothing past the fourth byte: memoise on those bytes
    found = _CANDIDATE_CACHE.get(key)
    if found is None:
        if len(_CANDIDATE_CACHE) >= _CANDIDATE_CACHE_MAX:
            _CANDIDATE_CACHE.clear()
        found = _CANDIDATE_CACHE[key] = _candidates_of(key)
    return found


def _candidates_of(p: bytes) -> tuple[str, ...]:
    if len(p) < 4:
        return ()
    b0, b1 = p[0], p[1]
    found: list[str] = []
    if p[2] == 0 and p[3] == 0:
        found.append("modbus")
    if b0 == 3 and b1 == 0:
        found += ("s7comm", "mms")
    if (b1 == 0 and b0 in (0x01, 0x04, 0x63, 0x64, 0x65, 0x66, 0x6F, 0x70)) or p[:2] == b"\x02\x00":
        found.append("enip")
    if p[:3] in OPCUA_TYPES:
        found.append("opcua")
    if b0 == 0x81:
        found.append("bacnet")
    if b0 == 0x68:
        found.append("iec104")
    if b0 == 0x05 and b1 == 0x64:
        found.append("dnp3")
    if b0 in (1, 2):
        found.append("hart-ip")
    if b0 == 0 and b1 == 0:
        found.append("ads")
    return tuple(found)


def identify(transport: str, port_a: int, port_b: int, samples: list[tuple[int, bytes]]) -> Identification:
    """Name the protocol of a TCP/UDP flow from its sampled payloads, confirmed by port."""
    by_port = _TCP_BY_PORT if transport == "tcp" else _UDP_BY_PORT
    payloads = [p for _, p in samples]
    on_port = [(proto, 1) for proto in by_port.get(port_b, ())]
    on_port += [(proto, 0) for proto in by_port.get(port_a, ()) if (proto, 1) not in on_port]
    # S7comm and MMS share port 102: TPKT/COTP connection setup alone names neither.
    if payloads:
        for proto, side in on_port:
            hits = sum(1 for p in payloads if SIGNATURES[proto](p))
            if hits and hits * 2 >= len(payloads):
                return Identification(proto, 1.0, side)
            if hits and proto in ("s7comm", "mms", "mqtt", "ads"):
                # TCP segmentation and connection setup frames dilute these; one clear hit is enough.
                return Identification(proto, 0.9, side)
        candidates = {c for p in payloads[:3] for c in _candidates(p)}
        # In SIGNATURES order, not set order: set order follows the per-process string hash seed.
        for proto in [s for s in SIGNATURES if s in STRONG and s in candidates]:
            hits = sum(1 for p in payloads if SIGNATURES[proto](p))
            if hits and hits * 2 >= len(payloads) and (hits >= 2 or len(payloads) == 1):
                return Identification(proto, 0.8, -1)
        if on_port and all(_tpkt_connect(p) for p in payloads):
            return Identification(None, 0.0, on_port[0][1])
        if on_port:
            return Identification(None, 0.0, -1)
    it = IT_TCP if transport == "tcp" else IT_UDP
    if port_b in it and port_a not in it:
        return Identification(it[port_b], 0.5, 1)
    if port_a in it and port_b not in it:
        return Identification(it[port_a], 0.5, 0)
    if port_a in it and port_a == port_b:
        return Identification(it[port_a], 0.5, -1)
    return Identification(None, 0.0, -1)
