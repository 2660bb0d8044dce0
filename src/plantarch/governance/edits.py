"""Direct edits to the inventory: each one is a change set with an audit record naming its user."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from plantarch.errors import InputError
from plantarch.governance.errors import GovernanceError
from plantarch.model import OBJECT_TYPES, ModelObject
from plantarch.store import ChangeSet, Store
from plantarch.store.tables import OBJECT_TABLES

REFERENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "location": {"parent": ("location",)},
    "capability": {"parent": ("capability",)},
    "zone": {"site": ("location",)},
    "conduit": {"zones": ("zone",), "enforcement": ("system", "asset")},
    "system": {"location": ("location",), "zone": ("zone",), "capabilities": ("capability",)},
    "asset": {"location": ("location",), "zone": ("zone",), "systems": ("system",)},
    "flow": {"source": ("system", "asset"), "target": ("system", "asset"), "via": ("system", "asset")},
    "waiver": {},
}
"""Which fields of each kind name other objects, and of which kinds."""


class ObjectNotFound(GovernanceError):
    """No object of that kind with that key."""

    status_code = 404


class ObjectExists(GovernanceError):
    """An object of that kind with that key already exists."""

    status_code = 409


def check_references(cs: ChangeSet, kind: str, obj: ModelObject) -> None:
    """Raise InputError naming the field when the object refers to a key that does not exist."""
    for field, kinds in REFERENCES.get(kind, {}).items():
        value = getattr(obj, field)
        for index, key in enumerate(value if isinstance(value, list) else [value]):
            if key is None or any(cs.get(k, key) is not None for k in kinds):
                continue
            where = f"{field}.{index}" if isinstance(value, list) else field
            raise InputError(
                f"{kind} '{obj.key}': {where} refers to unknown {' or '.join(kinds)} '{key}'", field=where
            )


def lock_row(cs: ChangeSet, kind: str, key: str) -> None:
    """Lock the object's row until the change set ends, so two concurrent edits of one object queue
    up instead of the second overwriting the first (SQLite's BEGIN IMMEDIATE already serialises)."""
    table = OBJECT_TABLES[kind]
    cs.connection.execute(select(table.c.key).where(table.c.key == key).with_for_update())


def create_object(store: Store, obj: ModelObject, user: str, *, source: str = "api") -> int | None:
    """Add a new object (ObjectExists if the key is taken); returns the change set's revision."""
    kind = obj.kind_name
    with store.change(author=user, reason=f"create {kind} {obj.key}", source=source) as cs:
        if cs.get(kind, obj.key) is not None:
            raise ObjectExists(f"{kind} '{obj.key}' already exists; update it instead")
        check_references(cs, kind, obj)
        cs.put(obj)
        cs.audit_as("create", f"{kind}:{obj.key}")
    return cs.revision


def update_object(
    store: Store, kind: str, key: str, changes: dict[str, Any], user: str, *, source: str = "api"
) -> tuple[ModelObject, int | None]:
    """Change some fields of an object; returns the object as stored and the revision (None if unchanged)."""
    if "key" in changes and changes["key"] != key:
        raise InputError("the key of an object cannot be changed; create a new one", field="key")
    with store.change(author=user, reason=f"update {kind} {key}", source=source) as cs:
        lock_row(cs, kind, key)
        current = cs.get(kind, key)
        if current is None:
            raise ObjectNotFound(f"no {kind} '{key}'")
        try:
            updated = OBJECT_TYPES[kind].model_validate({**current.model_dump(), **changes})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InputError(first["msg"], field=".".join(str(p) for p in first["loc"])) from exc
        check_references(cs, kind, updated)
        cs.put(updated)
        cs.audit_as("update", f"{kind}:{key}", {"fields": sorted(changes)})
    return updated, cs.revision


def delete_object(store: Store, kind: str, key: str, user: str, *, source: str = "api") -> int | None:
    """Delete an object (ObjectNotFound if absent); returns the change set's revision."""
    with store.change(author=user, reason=f"delete {kind} {key}", source=source) as cs:
        if not cs.delete(kind, key):
            raise ObjectNotFound(f"no {kind} '{key}'")
        cs.audit_as("delete", f"{kind}:{key}")
    return cs.revision
