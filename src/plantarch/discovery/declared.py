"""What a person declares, laid over what discovery and inventories observed on the same object.

A model import states what people declare: the values written in the files win (a person is the most
trusted source) and are kept as the person's claims where another source disagrees; values that only
sources gave, for fields the files leave unset, stay (MACs, roles, first/last seen, suggested level,
identity, every other source's claims). See docs/model.md, "Importing over discovery".
"""

from __future__ import annotations

from typing import Any

from plantarch.discovery.claims import default_of, get_field, same, set_field, sort_claims
from plantarch.discovery.precedence import PERSON_SOURCE, Trust, trust_of, winner
from plantarch.model.base import FieldSource, ModelObject, Provenance

_OWN = frozenset({"key", "declared", "origin", "provenance", "field_sources"})
_SEEN = frozenset({"first_seen", "last_seen"})
"""Fields only observation sets (no claims): kept from the stored object unless the files set them."""
_NESTED = frozenset({"lifecycle", "costs", "identity"})


def _person(claim: FieldSource) -> bool:
    return trust_of(claim.source) == Trust.PERSON


def observed(obj: ModelObject) -> bool:
    """Whether any source other than a person saw or listed this object."""
    provenance: list[Provenance] = list(getattr(obj, "provenance", []))
    claims: list[FieldSource] = list(getattr(obj, "field_sources", []))
    return any(trust_of(p.source) != Trust.PERSON for p in provenance) or any(not _person(c) for c in claims)


def _paths(obj: ModelObject) -> list[str]:
    """Every settable field of the object, nested ones as 'lifecycle.installed' / 'identity.station'."""
    paths: list[str] = []
    for name in type(obj).model_fields:
        if name in _OWN:
            continue
        if name in _NESTED:
            value = getattr(obj, name)
            subs = value.keys() if isinstance(value, dict) else type(value).model_fields
            paths += [f"{name}.{sub}" for sub in subs]
        else:
            paths.append(name)
    return paths


def merge_declared(incoming: ModelObject, stored: ModelObject | None) -> ModelObject:
    """The object a model import writes: `incoming` (the files) laid over what sources gave `stored`."""
    if stored is None or not hasattr(stored, "field_sources"):
        return incoming
    merged = stored.model_copy(deep=True)
    every: list[FieldSource] = [*stored.field_sources, *getattr(incoming, "field_sources", [])]
    claims = [c for c in stored.field_sources if not _person(c)]  # the store's record of sources is kept
    person = [c for c in every if _person(c)]
    stored_person = [c for c in stored.field_sources if _person(c)]
    if "identity" in type(merged).model_fields:  # the files' identity keys replace the person's ones
        fields = {c.field for c in claims}
        identity: dict[str, str] = getattr(merged, "identity")  # noqa: B009
        merged.identity = {k: v for k, v in identity.items() if f"identity.{k}" in fields}  # type: ignore[attr-defined]
    kept_person: list[FieldSource] = []
    for path in dict.fromkeys(_paths(stored) + _paths(incoming)):
        value = get_field(incoming, path)
        mine = [c for c in claims if c.field == path]
        if same(value, get_field(stored, path)):  # unchanged: stays as it is, whoever gave it
            if value is not None:
                set_field(merged, path, value)
            kept_person += [c for c in stored_person if c.field == path]
        elif isinstance(value, list):
            set_field(merged, path, _list(get_field(stored, path), value, mine))
        elif value is not None and not same(value, default_of(incoming, path)):
            set_field(merged, path, value)
            if mine:  # another source also speaks of this field: keep the person's value as a claim
                stated = [c for c in person if c.field == path and same(c.value, value)]
                kept_person += stated[:1] or [FieldSource(field=path, value=value, source=PERSON_SOURCE)]
        else:
            _unset(merged, stored, path, mine, any(c.field == path for c in person))
    merged.field_sources = sort_claims(claims + kept_person)
    for flag in ("declared", "origin"):
        if flag in type(merged).model_fields:
            setattr(merged, flag, getattr(incoming, flag))
    return merged


def undeclare(stored: ModelObject) -> ModelObject:
    """A declared object the files no longer list but sources observed: their values only, undeclared."""
    fields = type(stored).model_fields
    required = {name: getattr(stored, name) for name, info in fields.items() if info.is_required()}
    empty = type(stored).model_validate({"key": stored.key, **required})
    merged = merge_declared(empty, stored)
    if "declared" in type(merged).model_fields:
        merged.declared = False  # type: ignore[attr-defined]
    if "origin" in type(merged).model_fields:
        merged.origin = "observed"  # type: ignore[attr-defined]
    return merged


def _unset(
    merged: ModelObject, stored: ModelObject, path: str, mine: list[FieldSource], stated: bool
) -> None:
    """A field the files leave unset: what sources gave stays, a person's earlier value goes."""
    if path in _SEEN or path.startswith("identity."):
        return  # observation times are kept; identity keys were already cut to those sources gave
    if not mine:
        set_field(merged, path, default_of(stored, path))
    elif stated:  # a person's claim held the field: the best other source takes it back
        best = winner(mine)
        assert best is not None
        set_field(merged, path, best.value)
    # else: the stored value is what the sources settled on (counters are sums): keep it


def _list(stored: list[Any], written: list[Any], claims: list[FieldSource]) -> list[Any]:
    """The files' items plus those another source gave, in the stored order first."""
    keep = [item for item in stored if item in written or any(same(c.value, item) for c in claims)]
    return keep + [item for item in written if item not in keep]
