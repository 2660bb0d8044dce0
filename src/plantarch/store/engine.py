"""Opening a store: resolve the workspace or database URL, connect, and migrate to the newest schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from plantarch.errors import StoreUnavailable

DATABASE_FILE = "plantarch.db"
"""Name of the SQLite file inside a workspace directory."""

MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(database: str) -> URL:
    """Parse a database URL; plain postgresql:// (or postgres://) means PostgreSQL through psycopg 3."""
    try:
        url = make_url(database)
    except ArgumentError as exc:
        raise StoreUnavailable(
            f"not a database URL: {database!r} (expected postgresql://... or sqlite:///...)"
        ) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("postgresql", "sqlite"):
        raise StoreUnavailable(
            f"unsupported database {url.get_backend_name()!r}; use postgresql:// or sqlite:///"
        )
    return url


def workspace_url(workspace: Path) -> URL:
    """The SQLite URL of a workspace directory, creating the directory if needed."""
    try:
        workspace.mkdir(parents=True, exist_ok=True)
        probe = workspace / ".plantarch-write-test"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise StoreUnavailable(f"cannot use workspace {workspace}: {exc.strerror or exc}") from exc
    return URL.create("sqlite+pysqlite", database=str(workspace / DATABASE_FILE))


def _sqlite_pragmas(engine: Engine) -> None:
    # pysqlite's own transaction handling starts transactions late; take control of BEGIN so a
    # change set reads and writes one consistent snapshot and writers wait for each other.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("plantarch_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_store_engine(url: URL) -> Engine:
    """A SQLAlchemy engine for the URL, tuned for the store (SQLite pragmas, PostgreSQL timeouts)."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        _sqlite_pragmas(engine)
        return engine
    # A server answers requests from a thread pool: keep enough connections open that a burst does
    # not open and close overflow connections per request (a new PostgreSQL backend costs milliseconds).
    return create_engine(
        url,
        connect_args={"connect_timeout": 5},
        pool_pre_ping=True,
        pool_size=PG_POOL_SIZE,
        max_overflow=PG_POOL_SIZE,
    )


PG_POOL_SIZE = 20
"""Connections a PostgreSQL store keeps open per process (and as many again in a burst)."""


def alembic_config(engine_url: URL | None = None) -> Config:
    """An Alembic configuration pointing at the store's migrations (for programmatic use)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine_url is not None:
        config.set_main_option("sqlalchemy.url", engine_url.render_as_string(hide_password=False))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (no-op when it already is)."""
    config = alembic_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with engine.begin() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
        if current == heads:
            return
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")


def redacted(url: URL) -> str:
    """The URL with its password hidden, for messages."""
    return url.render_as_string(hide_password=True)


def connect(workspace: Path | None = None, database: str | None = None) -> Engine:
    """Resolve where the store lives, connect, migrate, and return the engine (or raise StoreUnavailable)."""
    url = database_url(database) if database else workspace_url(workspace or Path(".plantarch"))
    engine = create_store_engine(url)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise StoreUnavailable(
            f"cannot open database {redacted(url)}: {reason[0] if reason else exc}"
        ) from exc
    return engine
