"""The append-only audit log: every write to the model and every governance decision, with its user."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select

from plantarch.store import Store
from plantarch.store.governance_tables import audit_log


class AuditEntry(BaseModel):
    """One audit record: who did what to which target, when, and in which change set."""

    id: int
    at: datetime
    user: str
    action: str
    target: str = Field(description="kind:key of an object, or proposal:ID / token:ID.")
    revision: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


def record(
    conn: Connection,
    *,
    user: str,
    action: str,
    target: str,
    revision: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one entry inside the caller's transaction (it commits or rolls back with the write)."""
    conn.execute(
        insert(audit_log).values(
            at=datetime.now(UTC),
            user=user,
            action=action,
            target=target,
            revision=revision,
            detail=detail or {},
        )
    )


def read_audit(
    store: Store,
    *,
    target: str | None = None,
    user: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """Audit entries, newest first, optionally for one target, one user or from a moment on."""
    stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    if target is not None:
        stmt = stmt.where(audit_log.c.target == target)
    if user is not None:
        stmt = stmt.where(audit_log.c.user == user)
    if since is not None:
        stmt = stmt.where(audit_log.c.at >= (since if since.tzinfo else since.replace(tzinfo=UTC)))
    with store.engine.connect() as conn:
        return [AuditEntry.model_validate(dict(row._mapping)) for row in conn.execute(stmt)]
