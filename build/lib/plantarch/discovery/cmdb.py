"""ServiceNow-style CMDB exports (cmdb_ci and its classes): columns, retired records, assets vs systems."""

from __future__ import annotations

from typing import Any

from plantarch.discovery.inventory_values import parse_system_kind, text

CMDB_COLUMNS: dict[str, list[str]] = {
    "key": ["u_plantarch_key"],
    "kind": ["u_plantarch_kind"],
    "name": ["name", "display name"],
    "ips": ["ip_address", "ip address"],
    "macs": ["mac_address", "mac address"],
    "hostnames": ["fqdn", "host_name", "dns_domain", "host name"],
    "vendor": ["manufacturer", "vendor"],
    "model": ["model_id", "model id", "model_number", "model number"],
    "product": ["model_id", "model id", "product"],
    "version": ["version", "os_version", "os version"],
    "serial": ["serial_number", "serial number"],
    "firmware": ["firmware_version", "firmware version"],
    "os": ["os", "operating system"],
    "location": ["location", "u_site"],
    "zone": ["u_zone", "u_security_zone", "zone"],
    "purdue_level": ["u_purdue_level", "u_purdue", "purdue level"],
    "owner": ["owned_by", "owned by", "managed_by", "managed by", "assigned_to", "assigned to"],
    "criticality": ["business_criticality", "business criticality", "u_criticality", "criticality"],
    "description": ["short_description", "short description", "comments", "description"],
    "users": ["user_base", "user base", "u_users"],
    "lifecycle.installed": ["install_date", "install date", "installed"],
    "lifecycle.end_of_sale": ["u_end_of_sale", "end of sale"],
    "lifecycle.end_of_support": [
        "end_of_life",
        "end of life",
        "u_end_of_support",
        "eol_date",
        "end of support",
    ],
    "lifecycle.planned_retirement": ["retirement_date", "retirement date", "u_planned_retirement"],
    "costs.licence": ["cost", "u_licence_cost", "u_license_cost"],
    "costs.maintenance": ["u_maintenance_cost", "maintenance cost"],
    "costs.hosting": ["u_hosting_cost"],
    "costs.support": ["u_support_cost"],
    "costs.integration": ["u_integration_cost"],
}
"""cmdb_ci field names (and their display labels) -> model fields; a mapping file may override any."""

SYSTEM_CLASS_WORDS = (
    "appl",
    "business_app",
    "service",
    "app_server",
    "database",
    "db_",
    "software",
    "cluster",
)
"""sys_class_name fragments of CIs that are software (systems), not hardware (assets)."""

_ASSET_KINDS = (
    ("firewall", "firewall"),
    ("router", "router"),
    ("switch", "switch"),
    ("netgear", "switch"),
    ("plc", "plc"),
    ("hmi", "hmi"),
    ("printer", "printer"),
    ("computer", "workstation"),
    ("pc_hardware", "workstation"),
    ("server", "server"),
    ("vm_instance", "server"),
)
_RETIRED = {"retired", "7", "stolen", "8", "absent", "100"}


def _class_name(ci_class: str) -> str:
    """'cmdb_ci_db_mssql_instance' -> 'db_mssql_instance' (the prefix would match 'db_')."""
    lowered = ci_class.strip().lower()
    return lowered.removeprefix("cmdb_ci_").removeprefix("cmdb_")


def cmdb_skip_reason(row: dict[str, Any]) -> str | None:
    """Why a CMDB record is left out (retired or stolen CIs), or None to import it."""
    for column in ("install_status", "Install Status", "install status"):
        status = text(row.get(column)).lower()
        if status in _RETIRED:
            return f"install_status {status}"
    return None


def cmdb_row_is_system(ci_class: str, record: dict[str, Any]) -> bool:
    """True when the CI is software (an application, service or database), false for hardware."""
    lowered = _class_name(ci_class)
    if any(word in lowered for word in SYSTEM_CLASS_WORDS):
        return True
    if lowered:
        return False
    return not (record.get("ips") or record.get("macs"))


def kind_from_class(ci_class: str, as_system: bool) -> str | None:
    """The model kind for a CMDB class (system kind for software, asset kind for hardware)."""
    lowered = _class_name(ci_class)
    if as_system:
        if lowered.startswith("db_") or "database" in lowered:
            return "database"
        kind = parse_system_kind(lowered)
        return None if kind == "other" else str(kind)
    return next((kind for word, kind in _ASSET_KINDS if word in lowered), None)
