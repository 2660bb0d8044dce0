"""Controlled vocabularies of the plant model: system kinds, Purdue levels, criticality, patterns."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator


class SystemKind(StrEnum):
    """What a system is, in the plant's words."""

    PLC = "plc"
    DCS = "dcs"
    SAFETY_PLC = "safety-plc"
    RTU = "rtu"
    DRIVE = "drive"
    SENSOR = "sensor"
    ROBOT = "robot"
    SCADA = "scada"
    HMI = "hmi"
    HISTORIAN = "historian"
    MES = "mes"
    ERP = "erp"
    LIMS = "lims"
    QMS = "qms"
    CMMS = "cmms"
    WMS = "wms"
    PLM = "plm"
    APS = "aps"
    EDGE_GATEWAY = "edge-gateway"
    IIOT_PLATFORM = "iiot-platform"
    BROKER = "broker"
    MIDDLEWARE = "middleware"
    OPC_SERVER = "opc-server"
    ANALYTICS = "analytics"
    DATA_LAKE = "data-lake"
    FIREWALL = "firewall"
    SWITCH = "switch"
    ROUTER = "router"
    JUMP_HOST = "jump-host"
    REMOTE_ACCESS = "remote-access"
    ENGINEERING_WORKSTATION = "engineering-workstation"
    DOMAIN_CONTROLLER = "domain-controller"
    PATCH_SERVER = "patch-server"
    BACKUP = "backup"
    VIRTUALIZATION = "virtualization"
    FILE_SERVER = "file-server"
    DATABASE = "database"
    INTERNET = "internet"
    VENDOR = "vendor"
    OTHER = "other"


PURDUE_LEVELS: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0, 3.5, 4.0, 5.0)


def _check_purdue(level: float) -> float:
    if float(level) not in PURDUE_LEVELS:
        raise ValueError(f"Purdue level must be one of 0, 1, 2, 3, 3.5, 4, 5 (got {level})")
    return float(level)


PurdueLevel = Annotated[float, AfterValidator(_check_purdue)]
"""A Purdue reference-model level: 0–5, with 3.5 for the industrial DMZ."""


def format_level(level: float | None) -> str:
    """Render a Purdue level as people write it: 3.5 stays 3.5, 2.0 becomes 2."""
    if level is None:
        return "-"
    return str(int(level)) if float(level).is_integer() else str(level)


class Criticality(StrEnum):
    """How badly production suffers when the system fails."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class IntegrationPattern(StrEnum):
    """How a flow is realised between two endpoints."""

    POINT_TO_POINT = "point-to-point"
    BROKER = "broker"
    MIDDLEWARE = "middleware"
    OPC_UA = "opc-ua"
    FILE = "file"
    DATABASE_LINK = "database-link"
    FIELDBUS = "fieldbus"


class FlowOrigin(StrEnum):
    """Whether a flow was declared by a person or observed by discovery."""

    DECLARED = "declared"
    OBSERVED = "observed"


class Direction(StrEnum):
    """Which way the data goes between source and target."""

    UNIDIRECTIONAL = "unidirectional"
    BIDIRECTIONAL = "bidirectional"


class LocationKind(StrEnum):
    """ISA-95 role-based equipment hierarchy levels."""

    ENTERPRISE = "enterprise"
    SITE = "site"
    AREA = "area"
    LINE = "line"
    PROCESS_CELL = "process-cell"
    PRODUCTION_UNIT = "production-unit"
    STORAGE_ZONE = "storage-zone"
    WORK_CELL = "work-cell"
    UNIT = "unit"


LOCATION_PARENTS: dict[LocationKind, tuple[LocationKind, ...]] = {
    LocationKind.ENTERPRISE: (),
    LocationKind.SITE: (LocationKind.ENTERPRISE,),
    LocationKind.AREA: (LocationKind.SITE,),
    LocationKind.LINE: (LocationKind.AREA,),
    LocationKind.PROCESS_CELL: (LocationKind.AREA,),
    LocationKind.PRODUCTION_UNIT: (LocationKind.AREA,),
    LocationKind.STORAGE_ZONE: (LocationKind.AREA,),
    LocationKind.WORK_CELL: (LocationKind.LINE,),
    LocationKind.UNIT: (LocationKind.PROCESS_CELL,),
}
"""Which location kinds each kind may sit under (ISA-95 Part 1)."""


class CapabilityCategory(StrEnum):
    """Which family of the capability taxonomy a capability belongs to."""

    MANUFACTURING_OPERATIONS = "manufacturing-operations"  # ISA-95 Part 3 activities (level 3)
    BUSINESS = "business"  # ISA-95 level 4 and enterprise capabilities
    CONTROL = "control"  # levels 0–2
    INFRASTRUCTURE = "infrastructure"
    SECURITY = "security"
    DATA = "data"


Protocol = str
"""A canonical protocol id: modbus, s7comm, enip, opcua, bacnet, iec104, dnp3, mqtt, hart-ip, ads,
fins, mms, goose, profinet, ethercat, or an IT protocol name such as https, sql, smb, rdp."""

INDUSTRIAL_PROTOCOLS: frozenset[str] = frozenset(
    {
        "modbus",
        "s7comm",
        "enip",
        "opcua",
        "bacnet",
        "iec104",
        "dnp3",
        "mqtt",
        "hart-ip",
        "ads",
        "fins",
        "mms",
        "goose",
        "profinet",
        "ethercat",
    }
)

CLEARTEXT_INDUSTRIAL_PROTOCOLS: frozenset[str] = frozenset(
    {"modbus", "s7comm", "dnp3", "enip", "bacnet", "iec104", "fins", "ads", "hart-ip", "mms"}
)
"""Protocols that carry control traffic without authentication or encryption by default."""

Transport = Literal["tcp", "udp", "ethernet", "other"]

INFORMATION_OBJECTS: tuple[str, ...] = (
    "production-schedule",
    "product-definition",
    "production-capability",
    "production-performance",
    "material-consumption",
    "material-definition",
    "equipment-state",
    "maintenance-request",
    "maintenance-response",
    "quality-result",
    "process-data",
    "alarms-events",
    "recipe",
    "work-order",
    "inventory",
    "shipment",
    "setpoints",
    "engineering",
    "backup",
    "identity",
    "time",
    "other",
)
"""ISA-95 Part 2/3 information objects (and a few operational ones) a flow may carry."""
