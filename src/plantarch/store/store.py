"""The Store: the plant model's single source of truth, read directly and written through change sets."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from plantarch.errors import StoreUnavailable
from plantarch.model import OBJECT_TYPES, PLURALS, ModelObject, PlantModel
from plantarch.store import repository as repo
from plantarch.store.changeset import ChangeSet
from plantarch.store.engine import connect, redacted
from plantarch.store.history import Change, ChangeSetInfo, diff_revisions, latest_revision, list_history
from plantarch.store.tables import OBJECT_TABLES, metadata


class Store:
    """The model store on one database: typed reads, change sets for writes, history and diff."""

    metadata: MetaData = metadata
    analyze_after: int = 10_000
    """On PostgreSQL, a change set touching at least this many objects vacuums and analyses its tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        """The SQLAlchemy engine (SQLite or PostgreSQL)."""
        self._write_engine = engine.execution_options(plantarch_write=True)
        self.reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else engine
        )
        """The engine for reads: on PostgreSQL in autocommit mode, so a read costs no BEGIN and ROLLBACK
        round trips (each statement sees a fresh snapshot either way under READ COMMITTED)."""

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return redacted(self.engine.url)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def change(self, author: str, reason: str = "", source: str = "library") -> Iterator[ChangeSet]:
        """One transaction = one change set and its audit entry; an exception inside rolls it all back."""
        with Session(self._write_engine) as session:
            cs = ChangeSet(session, author=author, reason=reason, source=source)
            try:
                yield cs
                cs.flush()
                cs.write_audit()
                session.commit()
                self._refresh_statistics(cs)
            except OperationalError as exc:
                session.rollback()
                cs.revision = None
                first = str(exc.orig or exc).strip().splitlines()
                raise StoreUnavailable(f"database {self.url} failed: {first[0] if first else exc}") from exc
            except BaseException:
                session.rollback()
                cs.revision = None
                raise

    def _refresh_statistics(self, cs: ChangeSet) -> None:
        # PostgreSQL plans from table statistics; after a bulk import they are stale (and autovacuum may
        # be off), which turns indexed lookups into sequential scans of millions of flows. VACUUM also
        # marks the new pages all-visible, so index-only scans (list pages, counts) skip the table.
        if self.dialect != "postgresql" or sum(cs.counts.values()) < self.analyze_after:
            return
        kinds = sorted({kind for (_op, kind), n in cs.tally.items() if n})
        with self._write_engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for kind in kinds:
                table = OBJECT_TABLES.get(kind)
                if table is not None:
                    conn.exec_driver_sql(f'VACUUM (ANALYZE) "{table.name}"')

    def get(self, kind: str, key: str) -> ModelObject | None:
        """The object of `kind` with `key`, or None."""
        with self.reader.connect() as conn:
            docs = repo.fetch_documents(conn, repo.check_kind(kind), [key])
        return repo.to_object(kind, docs[key]) if key in docs else None

    def get_json(self, kind: str, key: str) -> bytes | None:
        """The object of `kind` with `key` as JSON, every field included (what `get(...).model_dump_json()`
        gives), or None; read from the stored text by pydantic's JSON parser, no Python dicts between."""
        with self.reader.connect() as conn:
            text = repo.fetch_document_text(conn, repo.check_kind(kind), key)
        return None if text is None else repo.object_json(kind, text)

    def list(
        self, kind: str, filters: Mapping[str, Any] | None = None, limit: int | None = None, offset: int = 0
    ) -> builtins.list[ModelObject]:
        """Objects of one kind, ordered by key, optionally filtered on indexed columns (see FILTERS)."""
        with self.engine.connect() as conn:
            docs = list(repo.select_documents(conn, kind, filters, limit, offset))
        return [repo.to_object(kind, doc) for doc in docs]

    def iter_objects(self, kind: str, filters: Mapping[str, Any] | None = None) -> Iterator[ModelObject]:
        """Every object of one kind in key order, streamed (for models too large to list at once)."""
        with self.engine.connect() as conn:
            streaming = conn.execution_options(stream_results=True, yield_per=2000)
            for doc in repo.select_documents(streaming, kind, filters):
                yield repo.to_object(kind, doc)

    def count(self, kind: str, filters: Mapping[str, Any] | None = None) -> int:
        """How many objects of one kind match the filters."""
        with self.engine.connect() as conn:
            return repo.count_rows(conn, kind, filters)

    def counts(self) -> dict[str, int]:
        """How many objects of each kind, by plural name (locations, systems, ...)."""
        with self.engine.connect() as conn:
            return {PLURALS[kind]: repo.count_rows(conn, kind) for kind in OBJECT_TYPES}

    def load_model(self) -> PlantModel:
        """The whole current model (each kind ordered by key)."""
        lists: dict[str, builtins.list[ModelObject]] = {}
        with self.engine.connect() as conn:
            for kind in OBJECT_TYPES:
                docs = repo.select_documents(conn, kind)
                lists[PLURALS[kind]] = [repo.to_object(kind, doc) for doc in docs]
        return PlantModel.model_validate(lists)

    @property
    def revision(self) -> int:
        """The latest revision (0 when nothing was ever recorded)."""
        with self.engine.connect() as conn:
            return latest_revision(conn)

    def history(self, limit: int = 50, offset: int = 0) -> builtins.list[ChangeSetInfo]:
        """Recorded change sets, newest first."""
        with self.engine.connect() as conn:
            return list_history(conn, limit, offset)

    def diff(self, rev1: int, rev2: int) -> builtins.list[Change]:
        """What differs between the model at revision `rev1` and at `rev2` (0 is the empty model)."""
        with self.engine.connect() as conn:
            return diff_revisions(conn, rev1, rev2)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(workspace: Path | None = None, database: str | None = None) -> Store:
    """Open (creating and migrating if needed) the store of a workspace directory or a database URL."""
    return Store(connect(workspace=workspace, database=database))
