"""History and diff: the change sets recorded so far and what changed between two revisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from plantarch.errors import InputError
from plantarch.store.tables import change_sets, changes


@dataclass(frozen=True)
class ChangeSetInfo:
    """One recorded change set: who changed the model, when, why, from where, and how much."""

    revision: int
    author: str
    at: datetime
    reason: str
    source: str
    changes: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "revision": self.revision,
            "author": self.author,
            "at": self.at.isoformat(),
            "reason": self.reason,
            "source": self.source,
            "changes": self.changes,
        }


@dataclass(frozen=True)
class Change:
    """One object that differs between two revisions: added, updated or removed, with the fields changed."""

    kind: str
    key: str
    op: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "kind": self.kind,
            "key": self.key,
            "op": self.op,
            "fields": self.fields,
            "before": self.before,
            "after": self.after,
        }


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def latest_revision(conn: Connection) -> int:
    """The newest revision, 0 for an empty store."""
    return int(conn.scalar(select(func.max(change_sets.c.revision))) or 0)


def list_history(conn: Connection, limit: int = 50, offset: int = 0) -> list[ChangeSetInfo]:
    """Change sets, newest first, with how many objects each changed."""
    rows = conn.execute(
        select(change_sets).order_by(change_sets.c.revision.desc()).limit(limit).offset(offset)
    ).all()
    if not rows:
        return []
    revisions = [row.revision for row in rows]
    counts: dict[int, int] = dict(
        conn.execute(
            select(changes.c.revision, func.count())
            .where(changes.c.revision.in_(revisions))
            .group_by(changes.c.revision)
        ).all()
    )
    return [
        ChangeSetInfo(
            revision=row.revision,
            author=row.author,
            at=_aware(row.at),
            reason=row.reason,
            source=row.source,
            changes=int(counts.get(row.revision, 0)),
        )
        for row in rows
    ]


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Top-level fields whose value differs (a field absent from a document holds its default)."""
    old, new = before or {}, after or {}
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


def diff_revisions(conn: Connection, rev1: int, rev2: int) -> list[Change]:
    """Objects that differ between the model at `rev1` and at `rev2`, ordered by kind and key."""
    latest = latest_revision(conn)
    for rev in (rev1, rev2):
        if not 0 <= rev <= latest:
            raise InputError(f"revision {rev} does not exist; revisions run from 0 to {latest}")
    low, high = sorted((rev1, rev2))
    first: dict[tuple[str, str], dict[str, Any] | None] = {}
    last: dict[tuple[str, str], dict[str, Any] | None] = {}
    stmt = (
        select(changes.c.kind, changes.c.key, changes.c.before, changes.c.after)
        .where(changes.c.revision > low, changes.c.revision <= high)
        .order_by(changes.c.revision, changes.c.id)
    )
    for kind, key, before, after in conn.execute(stmt):
        ident = (kind, key)
        if ident not in first:
            first[ident] = before
        last[ident] = after
    result: list[Change] = []
    for ident in sorted(first):
        old, new = first[ident], last[ident]
        if rev1 > rev2:
            old, new = new, old
        if old == new:
            continue
        op = "add" if old is None else "delete" if new is None else "update"
        fields = changed_fields(old, new) if op == "update" else []
        result.append(Change(ident[0], ident[1], op, old, new, fields))
    return result
