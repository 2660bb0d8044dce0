"""One object's change history, read from the store's change log (newest first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from plantarch.store import Store
from plantarch.store.history import changed_fields
from plantarch.store.tables import change_sets, changes


@dataclass(frozen=True)
class ObjectChange:
    """One change set that touched the object: when, who, why, and which fields changed."""

    revision: int
    at: datetime
    author: str
    reason: str
    source: str
    op: str
    fields: list[str]


def object_history(store: Store, kind: str, key: str, limit: int = 50) -> list[ObjectChange]:
    """The change sets that added, changed or removed the object, newest first."""
    stmt = (
        select(changes.c.revision, changes.c.op, changes.c.before, changes.c.after, change_sets)
        .join(change_sets, change_sets.c.revision == changes.c.revision)
        .where(changes.c.kind == kind, changes.c.key == key)
        .order_by(changes.c.revision.desc())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        ObjectChange(
            revision=row["revision"],
            at=row["at"],
            author=row["author"],
            reason=row["reason"],
            source=row["source"],
            op=row["op"],
            fields=changed_fields(row["before"], row["after"]),
        )
        for row in rows
    ]
