"""Which source wins a field: declared by a person > CMDB / inventory > active scan > passive capture."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from plantarch.model.base import FieldSource

PERSON_SOURCE = "declared"
"""Source name reconcile gives a value it finds on an object but no source explains: a person's."""


class Trust(IntEnum):
    """How far reconcile trusts a source's values; the higher wins."""

    PASSIVE = 1
    ACTIVE = 2
    CMDB = 3
    PERSON = 4


BUILT_IN_TRUST: dict[str, Trust] = {
    PERSON_SOURCE: Trust.PERSON,
    "person": Trust.PERSON,
    "yaml": Trust.PERSON,
    "archimate": Trust.PERSON,
    "api": Trust.PERSON,
    "proposal": Trust.PERSON,
    "cmdb": Trust.CMDB,
    "inventory": Trust.CMDB,
    "netbox": Trust.CMDB,
    "nmap": Trust.ACTIVE,
    "opcua": Trust.ACTIVE,
    "mqtt": Trust.ACTIVE,
    "pcap": Trust.PASSIVE,
    "zeek": Trust.PASSIVE,
}
"""Trust of the sources plantarch knows; a plugin source declares its own with `trust = "active"`."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def trust_of(source: str) -> Trust:
    """The trust of a source by name: built-in table, then the plugin's `trust`, else passive."""
    if source in BUILT_IN_TRUST:
        return BUILT_IN_TRUST[source]
    from plantarch.discovery.registry import source_classes  # late: plugins import this module

    cls = source_classes().get(source)
    if cls is not None:
        return Trust[str(getattr(cls, "trust", "passive")).upper()]
    return Trust.PASSIVE


def _when(moment: datetime | None) -> datetime:
    if moment is None:
        return _EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _is_address(value: Any) -> bool:
    from plantarch.discovery.addresses import looks_like_address

    return isinstance(value, str) and looks_like_address(value)


def claim_rank(claim: FieldSource) -> tuple[int, int, datetime, str, str]:
    """Sort key of a claim: trust first, then (for names) a real name over a bare address, then recency."""
    specific = 0 if claim.field == "name" and _is_address(claim.value) else 1
    return (int(trust_of(claim.source)), specific, _when(claim.observed_at), claim.source, claim.reference)


def winner(claims: list[FieldSource]) -> FieldSource | None:
    """The claim whose value the field takes, or None when there is no claim."""
    return max(claims, key=claim_rank) if claims else None


class FieldExplanation(BaseModel):
    """One field of an object: its value, the source it came from, and every other value seen."""

    model_config = ConfigDict(extra="forbid")

    field: str
    value: Any
    source: str
    reference: str = ""
    alternatives: list[FieldSource] = []


def explain(
    values: dict[str, Any], field_sources: list[FieldSource], *, declared: bool = True
) -> list[FieldExplanation]:
    """Say where each set value of an object came from (a person's when no source explains it)."""
    by_field: dict[str, list[FieldSource]] = {}
    for claim in field_sources:
        by_field.setdefault(claim.field, []).append(claim)
    rows: list[FieldExplanation] = []
    for field, value in values.items():
        claims = by_field.get(field, [])
        matching = [c for c in claims if c.value == value]
        chosen = max(matching, key=claim_rank) if matching else None
        if chosen is None:
            source = PERSON_SOURCE if declared else "unknown"
            reference = ""
        else:
            source, reference = chosen.source, chosen.reference
        others = [c for c in claims if c is not chosen]
        rows.append(
            FieldExplanation(
                field=field, value=value, source=source, reference=reference, alternatives=others
            )
        )
    return rows


_NOT_EXPLAINED = frozenset({"key", "provenance", "field_sources", "declared", "first_seen", "last_seen"})


def explain_object(obj: BaseModel) -> list[FieldExplanation]:
    """Where each set value of an asset, system or flow came from (one row per list item)."""
    from plantarch.discovery.claims import default_of, get_field

    values: dict[str, Any] = {}
    rows: list[FieldExplanation] = []
    sources: list[FieldSource] = list(getattr(obj, "field_sources", []))
    declared = bool(getattr(obj, "declared", True)) and getattr(obj, "origin", "declared") != "observed"
    for name in type(obj).model_fields:
        if name in _NOT_EXPLAINED:
            continue
        value = get_field(obj, name)
        if isinstance(value, dict) and name in ("identity", "lifecycle", "costs"):
            for sub, sub_value in value.items():
                path = f"{name}.{sub}"
                if sub_value is not None and sub_value != default_of(obj, path):
                    values[path] = sub_value
        elif isinstance(value, list):
            for item in value:
                mine = [c for c in sources if c.field == name and c.value == item]
                rows += explain({name: item}, mine, declared=declared)
        elif value is not None and value != default_of(obj, name):
            values[name] = value
    return explain(values, sources, declared=declared) + rows
