"""Suggested Purdue levels from what a host does on the wire, each with the reasons that led to it."""

from __future__ import annotations

import ipaddress

CONTROLLER_ROLES = {
    "modbus-slave": "answers Modbus as slave",
    "s7-plc": "answers S7comm as PLC",
    "cip-adapter": "answers EtherNet/IP as adapter",
    "dnp3-outstation": "answers DNP3 as outstation",
    "iec104-controlled-station": "answers IEC 60870-5-104 as controlled station",
    "hart-ip-server": "answers HART-IP",
    "ads-server": "answers Beckhoff ADS",
    "fins-server": "answers OMRON FINS",
    "mms-server": "answers IEC 61850 MMS as server",
    "profinet-device": "answers PROFINET DCP as IO device",
    "bacnet-device": "announces itself as a BACnet device",
    "goose-publisher": "publishes IEC 61850 GOOSE",
}
SUPERVISORY_ROLES = {
    "modbus-master": "polls Modbus as master",
    "s7-client": "talks S7comm to PLCs as client",
    "cip-scanner": "talks EtherNet/IP to adapters as scanner",
    "dnp3-master": "polls DNP3 as master",
    "iec104-controlling-station": "controls IEC 60870-5-104 stations",
    "hart-ip-client": "polls HART-IP",
    "ads-client": "talks Beckhoff ADS as client",
    "fins-client": "talks OMRON FINS as client",
    "mms-client": "talks IEC 61850 MMS as client",
    "profinet-controller": "drives PROFINET as controller",
    "ethercat-master": "drives EtherCAT as master",
    "opcua-server": "serves OPC UA",
    "mqtt-client": "publishes or subscribes over MQTT",
    "bacnet-client": "talks BACnet as client",
}
OPERATIONS_ROLES = {
    "opcua-client": "reads OPC UA as client (historian, MES or SCADA)",
    "mqtt-broker": "runs an MQTT broker",
}


def _is_public(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_global


def suggest_level(
    address: str | None, roles: set[str], peer_levels: set[float], it_services: set[str]
) -> tuple[float | None, list[str]]:
    """A Purdue level for one host and why: controllers 1, supervisory 2, operations 3, IT 4, internet 5."""
    for level, table in ((1.0, CONTROLLER_ROLES), (2.0, SUPERVISORY_ROLES), (3.0, OPERATIONS_ROLES)):
        reasons = [f"{why} → level {int(level)}" for role, why in table.items() if role in roles]
        if reasons:
            return level, sorted(reasons)
    services = ", ".join(sorted(it_services)[:4]) or "unidentified protocols"
    if peer_levels & {1.0, 2.0}:
        return 3.0, [f"talks to control-system hosts only over IT traffic ({services}) → level 3"]
    if _is_public(address):
        return 5.0, ["public internet address with no control-system peers → level 5"]
    if it_services:
        return 4.0, [f"only IT traffic ({services}) → level 4"]
    return None, []


def peer_context_level(roles: set[str]) -> float | None:
    """The level a host's roles alone imply (used as context for its peers)."""
    level, _ = suggest_level(None, roles, set(), set())
    return level
