"""Device identity from protocol answers: CIP ListIdentity, Modbus Read Device Identification,
S7 SZL component identification, PROFINET DCP and BACnet I-Am."""

from __future__ import annotations

import struct

CIP_VENDORS = {1: "Rockwell Automation/Allen-Bradley"}
PROFINET_VENDORS = {0x002A: "Siemens"}


def _text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("latin-1").strip()


def cip_list_identity(p: bytes) -> dict[str, str]:
    """Identity from an EtherNet/IP ListIdentity reply (command 0x63, CIP identity item 0x0C)."""
    if len(p) < 24 + 2 + 4 + 34 or struct.unpack_from("<H", p)[0] != 0x0063:
        return {}
    if struct.unpack_from("<H", p, 24)[0] < 1 or struct.unpack_from("<H", p, 26)[0] != 0x0C:
        return {}
    at = 30 + 2 + 16  # item header, encapsulation version, socket address
    vendor, device_type, product_code, major, minor, _status, serial = struct.unpack_from("<HHHBBHI", p, at)
    at += 14
    name_len = p[at]
    name = _text(p[at + 1 : at + 1 + name_len])
    out = {
        "vendor": CIP_VENDORS.get(vendor, f"CIP vendor {vendor}"),
        "vendor_id": str(vendor),
        "device_type": str(device_type),
        "product_code": str(product_code),
        "firmware": f"{major}.{minor:03d}",
        "serial": f"0x{serial:08x}",
    }
    if name:
        out["product"] = name
    return out


MODBUS_OBJECTS = {0: "vendor", 1: "product_code", 2: "firmware", 3: "vendor_url", 4: "product", 5: "model"}


def modbus_device_id(p: bytes) -> dict[str, str]:
    """Identity from a Modbus Read Device Identification reply (function 0x2B, MEI 0x0E)."""
    if len(p) < 14 or p[7] != 0x2B or p[8] != 0x0E:
        return {}
    count = p[13]
    at = 14
    out: dict[str, str] = {}
    for _ in range(count):
        if at + 2 > len(p):
            break
        obj, ln = p[at], p[at + 1]
        value = _text(p[at + 2 : at + 2 + ln])
        if obj in MODBUS_OBJECTS and value:
            out[MODBUS_OBJECTS[obj]] = value
        at += 2 + ln
    return out


SZL_COMPONENTS = {1: "station", 2: "module_name", 3: "plant", 5: "serial", 7: "product", 11: "location"}


def s7_szl(p: bytes) -> dict[str, str]:
    """Identity from an S7comm read-SZL reply: 0x0011 (order number) and 0x001C (component identification)."""
    if len(p) < 7 or p[0] != 3:
        return {}
    at = 5 + p[4]
    if at + 10 > len(p) or p[at] != 0x32 or p[at + 1] != 7:
        return {}
    param_len, _data_len = struct.unpack_from(">HH", p, at + 6)
    param = at + 10
    data = param + param_len
    if data + 12 > len(p) or param_len < 8 or p[param + 5] & 0x0F != 4 or p[param + 6] != 1:
        return {}
    if p[data] != 0xFF:
        return {}
    szl_id, _index, rec_len, count = struct.unpack_from(">HHHH", p, data + 4)
    at = data + 12
    out: dict[str, str] = {}
    for _ in range(count):
        if at + rec_len > len(p) or rec_len < 4:
            break
        index = struct.unpack_from(">H", p, at)[0]
        if szl_id & 0x00FF == 0x11 and index == 1:
            out["model"] = _text(p[at + 2 : at + 22])
        elif szl_id & 0x00FF == 0x11 and index in (6, 7) and rec_len >= 28:
            v = p[at + 25 : at + 28]
            out["firmware"] = f"V{v[0]}.{v[1]}.{v[2]}"
        elif szl_id & 0x00FF == 0x1C and index in SZL_COMPONENTS:
            value = _text(p[at + 2 : at + rec_len])
            if value:
                out[SZL_COMPONENTS[index]] = value
        at += rec_len
    if out:
        out.setdefault("vendor", "Siemens")
    return out


def profinet_dcp(p: bytes) -> dict[str, str]:
    """Identity from a PROFINET DCP Identify/Get response (station name, vendor and device id, IP)."""
    if len(p) < 12 or p[0] != 0xFE or p[1] not in (0xFD, 0xFF) or p[3] != 1:
        return {}
    end = min(len(p), 12 + struct.unpack_from(">H", p, 10)[0])
    at = 12
    out: dict[str, str] = {}
    while at + 4 <= end:
        option, sub, ln = p[at], p[at + 1], struct.unpack_from(">H", p, at + 2)[0]
        value = p[at + 6 : at + 4 + ln]  # skip the 2-byte block info
        if option == 2 and sub == 1:
            out["product"] = _text(value)
        elif option == 2 and sub == 2:
            out["station"] = _text(value)
        elif option == 2 and sub == 3 and len(value) >= 4:
            vendor_id, device_id = struct.unpack_from(">HH", value)
            out["vendor_id"] = f"0x{vendor_id:04x}"
            out["device_id"] = f"0x{device_id:04x}"
            if vendor_id in PROFINET_VENDORS:
                out["vendor"] = PROFINET_VENDORS[vendor_id]
        elif option == 1 and sub == 2 and len(value) >= 4:
            out["ip"] = ".".join(str(b) for b in value[:4])
        at += 4 + ln + (ln & 1)
    return {k: v for k, v in out.items() if v}


def bacnet_i_am(p: bytes) -> dict[str, str]:
    """Identity from a BACnet I-Am (device instance and vendor id)."""
    if len(p) < 4 or p[0] != 0x81:
        return {}
    at = 10 if p[1] == 0x04 else 4
    if at + 2 > len(p) or p[at] != 0x01:
        return {}
    ctrl = p[at + 1]
    if ctrl & 0x80:
        return {}
    at += 2
    if ctrl & 0x20:
        at += 3 + p[at + 2] if at + 2 < len(p) else 0
    if ctrl & 0x08:
        at += 3 + p[at + 2] if at + 2 < len(p) else 0
    if ctrl & 0x20:
        at += 1
    if at + 8 > len(p) or p[at] != 0x10 or p[at + 1] != 0x00 or p[at + 2] != 0xC4:
        return {}
    oid = struct.unpack_from(">I", p, at + 3)[0]
    out = {"bacnet_instance": str(oid & 0x3FFFFF)}
    at += 7
    for _ in range(3):  # max APDU, segmentation, vendor id
        if at >= len(p):
            break
        tag = p[at]
        ln = tag & 0x07
        if tag >> 4 == 2 and at + 1 + ln <= len(p):
            value = int.from_bytes(p[at + 1 : at + 1 + ln], "big")
            if "max_apdu" in out:
                out["vendor_id"] = str(value)
            else:
                out["max_apdu"] = str(value)
        at += 1 + ln
    out.pop("max_apdu", None)
    return out


IDENTITY_PROTOCOLS = frozenset({"enip", "modbus", "s7comm", "profinet", "bacnet"})
"""Protocols whose answers can reveal device identity."""


def identify_device(protocol: str, payload: bytes) -> dict[str, str]:
    """Identity fields a server's payload reveals for `protocol` (empty when none)."""
    if protocol == "enip":
        return cip_list_identity(payload)
    if protocol == "modbus":
        return modbus_device_id(payload)
    if protocol == "s7comm":
        return s7_szl(payload)
    if protocol == "profinet":
        return profinet_dcp(payload)
    if protocol == "bacnet":
        return bacnet_i_am(payload)
    return {}
