"""Change sets: every write to the model happens in one, recorded with object-level before/after."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from plantarch.errors import InputError
from plantarch.model import ModelObject
from plantarch.store import repository as repo
from plantarch.store.governance_tables import audit_log
from plantarch.store.tables import change_sets, changes

_FLUSH_AT = 5000
_CHANGE_COLUMNS = ("revision", "kind", "key", "op", "before", "after")
_NAMESPACE_PARTNER = {"system": "asset", "asset": "system"}


class ChangeSet:
    """One transaction that changes the model; created by `Store.change()`, never by hand."""

    def __init__(self, session: Session, *, author: str, reason: str, source: str) -> None:
        self.session = session
        """The SQLAlchemy session of this transaction, for extra tables written alongside."""
        self.author = author
        self.reason = reason
        self.source = source
        self.revision: int | None = None
        """Revision of this change set once something changed; None while nothing has."""
        self.counts: dict[str, int] = {"add": 0, "update": 0, "delete": 0}
        """How many objects were added, updated and deleted so far."""
        self.tally: dict[tuple[str, str], int] = {}
        """The same by (operation, kind)."""
        self._pending: list[tuple[Any, ...]] = []
        self._audit: tuple[str, str | None, dict[str, Any]] = ("change", None, {})
        self._touched: tuple[str, str] | None = None

    @property
    def connection(self) -> Connection:
        """The connection of this transaction (for Core statements)."""
        return self.session.connection()

    def get(self, kind: str, key: str) -> ModelObject | None:
        """The object as this transaction sees it (including uncommitted puts), or None."""
        docs = repo.fetch_documents(self.connection, repo.check_kind(kind), [key])
        return repo.to_object(kind, docs[key]) if key in docs else None

    def list(
        self, kind: str, filters: Mapping[str, Any] | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ModelObject]:
        """Objects of one kind as this transaction sees them, ordered by key."""
        docs = repo.select_documents(self.connection, kind, filters, limit, offset)
        return [repo.to_object(kind, doc) for doc in docs]

    def put(self, obj: ModelObject) -> bool:
        """Insert or replace one object; returns False (and records nothing) if it is unchanged."""
        return self.put_many([obj]) == 1

    def put_many(self, objects: Iterable[ModelObject]) -> int:
        """Insert or replace many objects in batches; returns how many actually changed."""
        by_kind: dict[str, dict[str, tuple[dict[str, Any], str]]] = {}
        changed = 0
        pending = 0
        for obj in objects:
            kind = repo.check_kind(obj.kind_name)
            by_kind.setdefault(kind, {})[obj.key] = (repo.document(obj), repo.document_json(obj))
            pending += 1
            if pending >= repo.BATCH * 4:
                changed += sum(self._put_batch(k, docs) for k, docs in by_kind.items())
                by_kind, pending = {}, 0
        changed += sum(self._put_batch(k, docs) for k, docs in by_kind.items())
        return changed

    def _put_batch(self, kind: str, entries: dict[str, tuple[dict[str, Any], str]]) -> int:
        conn = self.connection
        keys = list(entries)
        if partner := _NAMESPACE_PARTNER.get(kind):
            clash = repo.existing_keys(conn, partner, keys)
            if clash:
                key = min(clash)
                raise InputError(
                    f"{kind} '{key}': key already used by a {partner} (systems and assets share keys)",
                    field="key",
                )
        existing = repo.fetch_documents(conn, kind, keys)
        added = [entry for key, entry in entries.items() if key not in existing]
        updated = [entry for key, entry in entries.items() if key in existing and existing[key] != entry[0]]
        if added:
            repo.insert_documents(conn, kind, [doc for doc, _ in added], [text for _, text in added])
        if updated:
            repo.update_documents(conn, kind, [doc for doc, _ in updated])
        for doc, text in added:
            self._record(kind, doc["key"], "add", None, text)
        for doc, text in updated:
            self._record(kind, doc["key"], "update", repo.to_json(existing[doc["key"]]), text)
        return len(added) + len(updated)

    def delete(self, kind: str, key: str) -> bool:
        """Delete one object; returns False (and records nothing) if it does not exist."""
        return self.delete_many(kind, [key]) == 1

    def delete_many(self, kind: str, keys: Iterable[str]) -> int:
        """Delete objects of one kind by key; returns how many existed."""
        repo.check_kind(kind)
        wanted = list(dict.fromkeys(keys))
        deleted = 0
        for batch in repo.chunks(wanted, repo.BATCH * 4):
            existing = repo.fetch_documents(self.connection, kind, batch)
            if not existing:
                continue
            repo.delete_keys(self.connection, kind, list(existing))
            for key, doc in existing.items():
                self._record(kind, key, "delete", repo.to_json(doc), None)
            deleted += len(existing)
        return deleted

    def _record(self, kind: str, key: str, op: str, before: str | None, after: str | None) -> None:
        """Remember one change (documents as JSON text) and start the change set on the first one."""
        if self.revision is None:
            result = self.connection.execute(
                insert(change_sets).values(
                    author=self.author, at=datetime.now(UTC), reason=self.reason, source=self.source
                )
            )
            assert result.inserted_primary_key is not None
            self.revision = int(result.inserted_primary_key[0])
        self._touched = (kind, key) if sum(self.counts.values()) == 0 else None
        self.counts[op] += 1
        self.tally[(op, kind)] = self.tally.get((op, kind), 0) + 1
        self._pending.append((self.revision, kind, key, op, before, after))
        if len(self._pending) >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Write the recorded changes still held in memory (done automatically before commit)."""
        if self._pending:
            repo.bulk_insert(self.connection, changes, _CHANGE_COLUMNS, self._pending)
            self._pending = []

    def audit_as(
        self, action: str, target: str | None = None, detail: Mapping[str, Any] | None = None
    ) -> None:
        """Name the action (and target) of the audit entry this change set writes when it commits."""
        self._audit = (action, target, dict(detail or {}))

    def write_audit(self) -> None:
        """Append this change set's one audit entry (done by `Store.change()` just before commit)."""
        if self.revision is None:
            return
        action, target, extra = self._audit
        if target is None:  # the one object changed, else the revision
            target = ":".join(self._touched) if self._touched else f"revision:{self.revision}"
        detail = {"reason": self.reason, "source": self.source, "counts": dict(self.counts), **extra}
        self.connection.execute(
            insert(audit_log).values(
                at=datetime.now(UTC),
                user=self.author,
                action=action,
                target=target[:300],
                revision=self.revision,
                detail=detail,
            )
        )

    @property
    def changed(self) -> bool:
        """Whether anything changed in this change set so far."""
        return self.revision is not None
