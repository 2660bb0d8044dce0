"""What the ICS NSE scripts of nmap say about a device, turned into identity, roles and names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

Table = dict[str, Any]


@dataclass
class DeviceFacts:
    """What one script revealed about one device."""

    identity: dict[str, str] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    os: str | None = None
    level: float | None = None
    level_reason: str | None = None


def script_table(script: Element) -> Table:
    """A script's structured output (<elem>/<table>), or its text output parsed by indentation."""
    if len(script):
        return _xml_table(script)
    return parse_output_text(script.get("output", ""))


def _xml_table(element: Element) -> Table:
    table: Table = {}
    loose = 0
    for child in element:
        key = child.get("key")
        value: Any = _xml_table(child) if child.tag == "table" else (child.text or "").strip()
        if key is None and isinstance(value, str) and ": " in value:
            key, value = (part.strip() for part in value.split(": ", 1))
        if key is None:
            key, loose = str(loose), loose + 1
        table[key] = value
    return table


def parse_output_text(text: str) -> Table:
    """Parse NSE text output ('key: value' lines, nested by indentation) into a table."""
    root: Table = {}
    stack: list[tuple[int, Table]] = [(-1, root)]
    for raw in text.splitlines():
        line = raw.replace("\t", "    ").rstrip()
        body = line.lstrip(" |_")
        if not body.strip():
            continue
        indent = len(line) - len(line.lstrip(" |_"))
        while len(stack) > 1 and indent <= stack[-1][0]:
            stack.pop()
        parent = stack[-1][1]
        if body.endswith(":") and ": " not in body:
            child: Table = {}
            parent[body[:-1].strip()] = child
            stack.append((indent, child))
        elif ": " in body:
            key, value = body.split(": ", 1)
            parent[key.strip()] = value.strip()
        else:
            parent[str(len(parent))] = body.strip()
    return root


def _text(table: Table, *keys: str) -> str | None:
    for key in keys:
        value = table.get(key)
        if isinstance(value, str) and value.strip() and not set(value.strip()) <= {"?"}:
            return value.strip()
    return None


def _strip_code(value: str | None) -> str | None:
    """'Rockwell Automation/Allen-Bradley (1)' -> 'Rockwell Automation/Allen-Bradley'."""
    return re.sub(r"\s*\(\d+\)\s*$", "", value) if value else None


def _put(facts: DeviceFacts, **values: str | None) -> None:
    for name, value in values.items():
        if value:
            facts.identity[name] = value


def _controller(facts: DeviceFacts, what: str) -> None:
    facts.level = 1.0
    facts.level_reason = f"{what} identified by nmap"


def _controller_facts(role: str, what: str, **identity: str | None) -> DeviceFacts:
    """The facts of a level 1 controller: one role, the identity values the script reported."""
    facts = DeviceFacts(roles=[role])
    _put(facts, **identity)
    _controller(facts, what)
    return facts


def s7_info(table: Table) -> DeviceFacts:
    """s7-info: Siemens S7 CPU module, order number, firmware, serial, system name."""
    return _controller_facts(
        "s7-plc",
        "S7 PLC",
        vendor="Siemens",
        model=_text(table, "Module Type"),
        order_number=_text(table, "Module", "Basic Hardware"),
        firmware=_text(table, "Version"),
        serial=_text(table, "Serial Number"),
        system_name=_text(table, "System Name"),
        plant_identification=_text(table, "Plant Identification"),
    )


def enip_info(table: Table) -> DeviceFacts:
    """enip-info: CIP identity object (vendor, product name, type, serial, revision)."""
    device_type = _strip_code(_text(table, "type"))
    is_plc = bool(device_type and "logic controller" in device_type.lower())
    facts = DeviceFacts(roles=["enip-plc" if is_plc else "enip-device"])
    _put(
        facts,
        vendor=_strip_code(_text(table, "vendor")),
        model=_text(table, "productName"),
        serial=_text(table, "serialNumber"),
        firmware=_text(table, "revision"),
        device_type=device_type,
        product_code=_text(table, "productCode"),
        configured_ip=_text(table, "ipAddress"),
    )
    if is_plc:
        _controller(facts, "EtherNet/IP controller")
    return facts


def modbus_discover(table: Table) -> DeviceFacts:
    """modbus-discover: unit ids answering, slave id data and device identification."""
    facts = DeviceFacts(roles=["modbus-server"])
    units = [
        k.removeprefix("sid ").strip()
        for k, v in table.items()
        if k.startswith("sid") and isinstance(v, dict)
    ]
    answering = [
        (k.removeprefix("sid ").strip(), v)
        for k, v in table.items()
        if k.startswith("sid") and isinstance(v, dict) and "error" not in v
    ]
    if answering:
        _unit, info = answering[0]
        _put(facts, model=_text(info, "Device identification"), modbus_slave_id=_text(info, "Slave ID data"))
    if units:
        facts.identity["modbus_unit_ids"] = ",".join(units)
    return facts


def bacnet_info(table: Table) -> DeviceFacts:
    """bacnet-info: BACnet device object (vendor, model, firmware, instance, object name)."""
    return _controller_facts(
        "bacnet-device",
        "BACnet controller",
        vendor=_text(table, "Vendor Name") or _strip_code(_text(table, "Vendor ID")),
        model=_text(table, "Model Name"),
        firmware=_text(table, "Firmware"),
        application_software=_text(table, "Application Software"),
        bacnet_instance=_text(table, "Instance Number", "Object-identifier"),
        object_name=_text(table, "Object Name"),
        description=_text(table, "Description"),
        location=_text(table, "Location"),
    )


def omron_info(table: Table) -> DeviceFacts:
    """omron-info: OMRON FINS controller model and version."""
    model = _text(table, "Controller Model")
    return _controller_facts(
        "fins-plc",
        "OMRON PLC",
        vendor="OMRON",
        model=model.split()[0] if model else None,
        firmware=_text(table, "Controller Version"),
    )


def pcworx_info(table: Table) -> DeviceFacts:
    """pcworx-info: Phoenix Contact ILC controller type, model number and firmware."""
    return _controller_facts(
        "pcworx-plc",
        "PC WORX PLC",
        vendor="Phoenix Contact",
        model=_text(table, "PLC Type"),
        order_number=_text(table, "Model Number"),
        firmware=_text(table, "Firmware Version"),
        firmware_date=_text(table, "Firmware Date"),
    )


def fox_info(table: Table) -> DeviceFacts:
    """fox-info: Tridium Niagara station (host name, application, OS, brand)."""
    facts = DeviceFacts(roles=["niagara-fox"])
    host = _text(table, "hostName")
    if host:
        facts.names.append(host)
    facts.os = _text(table, "os.name", "os.Name")
    _put(
        facts,
        vendor="Tridium",
        application=" ".join(filter(None, (_text(table, "app.name"), _text(table, "app.version")))),
        brand=_text(table, "brandId"),
        host_id=_text(table, "hostId"),
        fox_version=_text(table, "fox.version"),
    )
    return facts


def hartip_info(table: Table) -> DeviceFacts:
    """hartip-info: HART-IP gateway device information."""
    info = table.get("Device Information")
    device: Table = info if isinstance(info, dict) else table
    facts = DeviceFacts(roles=["hart-ip-gateway"])
    _put(
        facts,
        vendor=_text(device, "Manufacturer ID"),
        model=_text(device, "Expanded Device Type"),
        serial=_text(device, "Device ID"),
        firmware=_text(device, "Software Revision"),
        hart_tag=_text(device, "Long Tag"),
        hart_revision=_text(device, "HART Protocol Major Revision"),
    )
    return facts


def profinet_device(table: Table) -> DeviceFacts:
    """One device of multicast-profinet-discovery (DCP identify): station name, vendor, role."""
    device = table.get("Device") if isinstance(table.get("Device"), dict) else {}
    assert isinstance(device, dict)
    role = _text(device, "deviceRole") or ""
    facts = DeviceFacts(roles=["profinet-controller" if "controller" in role.lower() else "profinet-device"])
    station = _text(device, "nameOfStation")
    if station:
        facts.names.append(station)
    _put(
        facts,
        model=_text(device, "vendorValue"),
        profinet_station=station,
        profinet_vendor_id=_text(device, "vendorId"),
        profinet_device_id=_text(device, "deviceId"),
    )
    return facts


HOST_SCRIPTS: dict[str, Callable[[Table], DeviceFacts]] = {
    "s7-info": s7_info,
    "enip-info": enip_info,
    "modbus-discover": modbus_discover,
    "bacnet-info": bacnet_info,
    "omron-info": omron_info,
    "pcworx-info": pcworx_info,
    "fox-info": fox_info,
    "hartip-info": hartip_info,
}
"""Port and host scripts plantarch reads, by script id."""
