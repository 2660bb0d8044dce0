"""Cell values of inventories and CMDB exports, read the way plants write them."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from plantarch.model.vocabulary import Criticality, SystemKind

_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%d-%b-%Y")

_CRITICALITY_WORDS: tuple[tuple[str, Criticality], ...] = (
    ("most critical", Criticality.CRITICAL),
    ("somewhat critical", Criticality.HIGH),
    ("less critical", Criticality.MEDIUM),
    ("not critical", Criticality.LOW),
    ("critical", Criticality.CRITICAL),
    ("very high", Criticality.CRITICAL),
    ("high", Criticality.HIGH),
    ("medium", Criticality.MEDIUM),
    ("moderate", Criticality.MEDIUM),
    ("low", Criticality.LOW),
)
_CRITICALITY_NUMBERS = {
    "1": Criticality.CRITICAL,
    "2": Criticality.HIGH,
    "3": Criticality.MEDIUM,
    "4": Criticality.LOW,
}

SYSTEM_KIND_WORDS: tuple[tuple[str, SystemKind], ...] = (
    ("safety", SystemKind.SAFETY_PLC),
    ("plc", SystemKind.PLC),
    ("dcs", SystemKind.DCS),
    ("scada", SystemKind.SCADA),
    ("hmi", SystemKind.HMI),
    ("historian", SystemKind.HISTORIAN),
    ("mes", SystemKind.MES),
    ("erp", SystemKind.ERP),
    ("lims", SystemKind.LIMS),
    ("qms", SystemKind.QMS),
    ("quality", SystemKind.QMS),
    ("cmms", SystemKind.CMMS),
    ("maintenance", SystemKind.CMMS),
    ("wms", SystemKind.WMS),
    ("warehouse", SystemKind.WMS),
    ("plm", SystemKind.PLM),
    ("broker", SystemKind.BROKER),
    ("mqtt", SystemKind.BROKER),
    ("opc", SystemKind.OPC_SERVER),
    ("edge", SystemKind.EDGE_GATEWAY),
    ("firewall", SystemKind.FIREWALL),
    ("switch", SystemKind.SWITCH),
    ("router", SystemKind.ROUTER),
    ("database", SystemKind.DATABASE),
    ("db_", SystemKind.DATABASE),
    ("sql", SystemKind.DATABASE),
    ("backup", SystemKind.BACKUP),
    ("domain controller", SystemKind.DOMAIN_CONTROLLER),
    ("analytics", SystemKind.ANALYTICS),
)


def text(value: Any) -> str:
    """A cell as stripped text ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_list(value: Any) -> list[str]:
    """A cell holding several values separated by commas, semicolons, pipes or new lines."""
    return [part.strip() for part in re.split(r"[,;|\n]+", text(value)) if part.strip()]


def parse_date(value: Any) -> date:
    """A date from ISO, European, US or spreadsheet cells; raises ValueError with what was expected."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{raw}' is not a date (use YYYY-MM-DD)")


def parse_number(value: Any) -> float:
    """A cost or count: '12,000.50', '12.000,50', '€ 1 200', '$5k' are all read."""
    if isinstance(value, int | float):
        return float(value)
    raw = re.sub(r"[^\d,.\-kKmM]", "", text(value))
    factor = 1.0
    if raw[-1:].lower() == "k":
        factor, raw = 1_000.0, raw[:-1]
    elif raw[-1:].lower() == "m":
        factor, raw = 1_000_000.0, raw[:-1]
    if "," in raw and "." in raw:
        raw = (
            raw.replace(",", "")
            if raw.rfind(".") > raw.rfind(",")
            else raw.replace(".", "").replace(",", ".")
        )
    elif "," in raw:
        head, _, tail = raw.rpartition(",")
        raw = raw.replace(",", "") if len(tail) == 3 and head else raw.replace(",", ".")
    try:
        return float(raw) * factor
    except ValueError:
        raise ValueError(f"'{text(value)}' is not a number") from None


def parse_level(value: Any) -> float:
    """A Purdue level from '2', 'L2', 'Level 3.5', 'DMZ'."""
    raw = text(value).lower()
    if "dmz" in raw:
        return 3.5
    match = re.search(r"\d+(?:[.,]5)?", raw)
    if not match:
        raise ValueError(f"'{text(value)}' is not a Purdue level (0-5 or 3.5)")
    return float(match.group(0).replace(",", "."))


def parse_criticality(value: Any) -> Criticality:
    """Criticality from words (critical/high/medium/low) or ServiceNow's '1 - most critical'."""
    raw = text(value).lower()
    for word, criticality in _CRITICALITY_WORDS:
        if word in raw:
            return criticality
    if raw[:1] in _CRITICALITY_NUMBERS:
        return _CRITICALITY_NUMBERS[raw[:1]]
    raise ValueError(f"'{text(value)}' is not a criticality (critical, high, medium, low)")


def parse_system_kind(value: Any) -> SystemKind:
    """A system kind from its id ('historian') or a description containing one ('Plant MES')."""
    raw = text(value).lower()
    try:
        return SystemKind(raw.replace(" ", "-"))
    except ValueError:
        pass
    words = f" {re.sub(r'[^a-z0-9_]+', ' ', raw)} "
    for word, kind in SYSTEM_KIND_WORDS:
        if f" {word} " in words or (len(word) > 4 and word in raw):
            return kind
    return SystemKind.OTHER
