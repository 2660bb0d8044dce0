"""Host names seen on the wire: DHCP, DNS, mDNS, LLMNR, NetBIOS, LLDP and CDP."""

from __future__ import annotations

import ipaddress
import struct

NameHit = tuple[str, str, str]
"""(address kind 'ip' or 'mac', address text, name)."""


def _ip(raw: bytes) -> str:
    return str(ipaddress.ip_address(raw))


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def _printable(name: str) -> bool:
    return bool(name) and all(32 < ord(c) < 127 for c in name)


def dhcp(p: bytes) -> list[NameHit]:
    """Hostname (option 12) or FQDN (option 81) a DHCP client announces, bound to its MAC."""
    if len(p) < 240 or p[236:240] != b"\x63\x82\x53\x63" or p[2] != 6:
        return []
    mac = _mac(p[28:34])
    at, out = 240, []
    while at + 2 <= len(p) and p[at] != 255:
        if p[at] == 0:
            at += 1
            continue
        code, ln = p[at], p[at + 1]
        value = p[at + 2 : at + 2 + ln]
        if code == 12:
            out.append(("mac", mac, value.decode("latin-1").strip("\x00 ")))
        elif code == 81 and ln > 3:
            out.append(("mac", mac, value[3:].decode("latin-1").strip("\x00 .")))
        at += 2 + ln
    return [h for h in out if _printable(h[2])]


def _dns_name(p: bytes, at: int) -> tuple[str, int]:
    labels: list[str] = []
    end = -1
    for _ in range(64):
        if at >= len(p):
            raise ValueError("name runs past the packet")
        ln = p[at]
        if ln == 0:
            at += 1
            break
        if ln & 0xC0 == 0xC0:
            if end < 0:
                end = at + 2
            at = ((ln & 0x3F) << 8) | p[at + 1]
            continue
        labels.append(p[at + 1 : at + 1 + ln].decode("latin-1"))
        at += 1 + ln
    return ".".join(labels), (end if end >= 0 else at)


def dns(p: bytes) -> list[NameHit]:
    """A and AAAA answers of DNS, mDNS and LLMNR responses: name -> address."""
    if len(p) < 12 or not p[2] & 0x80:
        return []
    qd, an, ns, ar = struct.unpack_from(">HHHH", p, 4)
    out: list[NameHit] = []
    try:
        at = 12
        for _ in range(qd):
            _, at = _dns_name(p, at)
            at += 4
        for _ in range(an + ns + ar):
            name, at = _dns_name(p, at)
            rtype, _cls, _ttl, rdlen = struct.unpack_from(">HHIH", p, at)
            at += 10
            if (rtype == 1 and rdlen == 4) or (rtype == 28 and rdlen == 16):
                out.append(("ip", _ip(p[at : at + rdlen]), name.removesuffix(".local")))
            at += rdlen
    except (ValueError, IndexError, struct.error):
        pass
    return [h for h in out if _printable(h[2])]


def _netbios_name(raw: bytes) -> str:
    if len(raw) < 32:
        return ""
    values = [((raw[i] - 0x41) << 4) | (raw[i + 1] - 0x41) for i in range(0, 32, 2) if raw[i] >= 0x41]
    if not all(0 <= v <= 255 for v in values):  # not first-level encoded: no name, not a crash
        return ""
    return bytes(values)[:15].decode("latin-1").strip()


def netbios_ns(p: bytes) -> list[NameHit]:
    """Names a host registers or answers for over NetBIOS name service (UDP 137)."""
    if len(p) < 12 + 34 + 4:
        return []
    opcode = (p[2] >> 3) & 0x0F
    qd, an, _ns, ar = struct.unpack_from(">HHHH", p, 4)
    if p[12] != 0x20:
        return []
    name = _netbios_name(p[13:45])
    at = 46 + 4 if qd else 46
    if opcode in (5, 8, 9) and ar and at + 2 + 10 + 6 <= len(p):
        rec = at + 2  # compressed pointer back to the question name
        rdlen = struct.unpack_from(">H", p, rec + 8)[0]
        if rdlen >= 6:
            return [("ip", _ip(p[rec + 12 : rec + 16]), name)] if _printable(name) else []
    if opcode == 0 and an and p[2] & 0x80 and len(p) >= 46 + 10 + 6:
        rdlen = struct.unpack_from(">H", p, 46 + 8)[0]
        if rdlen >= 6:
            return [("ip", _ip(p[46 + 12 : 46 + 16]), name)] if _printable(name) else []
    return []


def netbios_dgm(p: bytes) -> list[NameHit]:
    """The source name of a NetBIOS datagram (browser announcements, UDP 138)."""
    if len(p) < 14 + 34 or p[0] not in (0x10, 0x11, 0x12) or p[14] != 0x20:
        return []
    name = _netbios_name(p[15:47])
    return [("ip", _ip(p[4:8]), name)] if _printable(name) else []


def lldp(p: bytes, src_mac: str) -> list[NameHit]:
    """LLDP system name (TLV 5) of the sending device."""
    at = 0
    while at + 2 <= len(p):
        head = struct.unpack_from(">H", p, at)[0]
        kind, ln = head >> 9, head & 0x1FF
        if kind == 0:
            break
        if kind == 5:
            name = p[at + 2 : at + 2 + ln].decode("latin-1").strip("\x00 ")
            return [("mac", src_mac, name)] if _printable(name) else []
        at += 2 + ln
    return []


def cdp(p: bytes, src_mac: str) -> list[NameHit]:
    """CDP device id (TLV 1) of the sending device; `p` starts at the LLC header."""
    if len(p) < 12 or p[:8] != b"\xaa\xaa\x03\x00\x00\x0c\x20\x00":
        return []
    at = 12
    while at + 4 <= len(p):
        kind, ln = struct.unpack_from(">HH", p, at)
        if ln < 4:
            break
        if kind == 1:
            name = p[at + 4 : at + ln].decode("latin-1").strip("\x00 ")
            return [("mac", src_mac, name)] if _printable(name) else []
        at += ln
    return []


def names_from_udp(port_a: int, port_b: int, payload: bytes) -> list[NameHit]:
    """Names carried by one UDP payload, chosen by the flow's ports."""
    ports = {port_a, port_b}
    if ports & {67, 68}:
        return dhcp(payload)
    if ports & {53, 5353, 5355}:
        return dns(payload)
    if 137 in ports:
        return netbios_ns(payload)
    if 138 in ports:
        return netbios_dgm(payload)
    return []
