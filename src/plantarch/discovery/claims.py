"""Per-field values with their sources on a model object, and how one field settles among them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, TypeAdapter

from plantarch.discovery.precedence import PERSON_SOURCE, winner
from plantarch.model.base import FieldSource, ModelObject, Provenance

_ANY: TypeAdapter[Any] = TypeAdapter(Any)


def jsonable(value: Any) -> Any:
    """The value as it is stored in JSON (dates as ISO text, models as dicts)."""
    return _ANY.dump_python(value, mode="json")


def same(a: Any, b: Any) -> bool:
    """True when two values are equal once stored as JSON."""
    return json.dumps(jsonable(a), sort_keys=True) == json.dumps(jsonable(b), sort_keys=True)


def get_field(obj: BaseModel, path: str) -> Any:
    """The JSON value of a field; 'lifecycle.installed' and 'identity.station' reach one level down."""
    head, _, rest = path.partition(".")
    value = getattr(obj, head)
    if rest:
        value = value.get(rest) if isinstance(value, dict) else getattr(value, rest)
    return jsonable(value)


def default_of(obj: BaseModel, path: str) -> Any:
    """The JSON value a field has when nobody set it."""
    head, _, rest = path.partition(".")
    info = type(obj).model_fields[head]
    if not rest:
        return None if info.is_required() else jsonable(info.get_default(call_default_factory=True))
    container = getattr(obj, head)
    if isinstance(container, dict):
        return None
    return jsonable(type(container).model_fields[rest].get_default(call_default_factory=True))


def set_field(obj: BaseModel, path: str, value: Any) -> None:
    """Set a field from its JSON value (validated by the model)."""
    head, _, rest = path.partition(".")
    if not rest:
        setattr(obj, head, value)
        return
    container = getattr(obj, head)
    if isinstance(container, dict):
        updated = dict(container)
        updated[rest] = value
        setattr(obj, head, updated)
    else:
        setattr(obj, head, type(container).model_validate({**container.model_dump(), rest: value}))


def sort_claims(claims: list[FieldSource]) -> list[FieldSource]:
    """Claims in their stored order: by field, source, reference and value."""
    return sorted(claims, key=_sort_key)


def _sort_key(claim: FieldSource) -> tuple[str, str, str, str]:
    return (claim.field, claim.source, claim.reference, _value_text(claim.value))


def _value_text(value: Any) -> str:
    """The value as JSON text (the sort order's last part); plain ints and strings without json.dumps."""
    if type(value) is int:
        return str(value)
    plain = type(value) is str and value.isascii() and value.isprintable()
    if plain and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return json.dumps(value, sort_keys=True, default=str)


def settle_scalar(
    obj: ModelObject, path: str, incoming: list[FieldSource], *, stored: bool = True
) -> list[FieldSource] | None:
    """Merge new values for one field and set the winner; returns the claims when they disagree.

    On a stored object, a value that no source explains was entered by a person: it is recorded as a
    'declared' claim first, so no discovery source can ever replace it.
    """
    sources: list[FieldSource] = list(obj.field_sources)  # type: ignore[attr-defined]
    claims = [c for c in sources if c.field == path]
    current = get_field(obj, path)
    person_set = stored and current is not None and not same(current, default_of(obj, path))
    if person_set and not any(same(c.value, current) for c in claims):
        claims = [c for c in claims if c.source != PERSON_SOURCE]
        claims.append(FieldSource(field=path, value=current, source=PERSON_SOURCE))
    for new in incoming:
        mine = [c for c in claims if c.source == new.source and c.reference == new.reference]
        if any(same(c.value, new.value) for c in mine):
            continue  # keep the first sighting, so a repeated import changes nothing
        claims = [c for c in claims if c not in mine] + [new]
    best = winner(claims)
    if best is not None and not same(best.value, current):
        set_field(obj, path, best.value)
    others = [c for c in sources if c.field != path]
    obj.field_sources = sorted(others + claims, key=_sort_key)  # type: ignore[attr-defined]
    distinct = {json.dumps(c.value, sort_keys=True, default=str) for c in claims}
    return sorted(claims, key=_sort_key) if len(distinct) > 1 else None


def merge_list(obj: ModelObject, path: str, items: list[Any], source: str, reference: str) -> None:
    """Add items to a list field (never removing any) and record which source gave each one."""
    current: list[Any] = list(getattr(obj, path))
    sources: list[FieldSource] = list(obj.field_sources)  # type: ignore[attr-defined]
    changed = False
    for item in items:
        if item not in current:
            current.append(item)
            changed = True
        if not any(
            c.field == path and c.source == source and c.reference == reference and same(c.value, item)
            for c in sources
        ):
            sources.append(FieldSource(field=path, value=jsonable(item), source=source, reference=reference))
            changed = True
    if changed:
        setattr(obj, path, current)
        obj.field_sources = sorted(sources, key=_sort_key)  # type: ignore[attr-defined]


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    """The earlier of two optional moments."""
    pair = [m for m in (_utc(a), _utc(b)) if m is not None]
    return min(pair) if pair else None


def latest(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two optional moments."""
    pair = [m for m in (_utc(a), _utc(b)) if m is not None]
    return max(pair) if pair else None


def add_provenance(obj: ModelObject, provenance: Provenance) -> None:
    """Record that a source saw this object (one entry per source and reference, latest time kept)."""
    entries: list[Provenance] = list(obj.provenance)  # type: ignore[attr-defined]
    for i, entry in enumerate(entries):
        if entry.source == provenance.source and entry.reference == provenance.reference:
            when = latest(entry.observed_at, provenance.observed_at)
            updated = entry.model_copy(update={"observed_at": when, "confidence": provenance.confidence})
            if updated != entry:
                entries[i] = updated
                obj.provenance = entries  # type: ignore[attr-defined]
            return
    entries.append(provenance)
    obj.provenance = sorted(entries, key=lambda p: (p.source, p.reference))  # type: ignore[attr-defined]
