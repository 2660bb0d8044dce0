"""Opening a store: workspace or URL, migrations, and clear failures that write nothing."""

from __future__ import annotations

import importlib
import os
import pkgutil
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import plantarch
from plantarch.errors import StoreUnavailable
from plantarch.model import System
from plantarch.store import Store, open_store
from plantarch.store.engine import database_url
from plantarch.store.tables import metadata


def _import_table_modules() -> None:
    """Import every module that defines store tables (plantarch/**/*tables.py) so metadata is complete."""
    for module in pkgutil.walk_packages(plantarch.__path__, "plantarch."):
        if module.name.rsplit(".", 1)[-1].endswith("tables"):
            importlib.import_module(module.name)


def test_migrated_schema_matches_the_tables(store: Store) -> None:
    _import_table_modules()
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_workspace_persists_between_opens(tmp_path: Path) -> None:
    with open_store(workspace=tmp_path / "ws") as first, first.change(author="a") as cs:
        cs.put(System(key="mes", name="MES", kind="mes"))
    assert (tmp_path / "ws" / "plantarch.db").is_file()
    with open_store(workspace=tmp_path / "ws") as again:
        assert again.get("system", "mes") is not None and again.revision == 1


def test_plain_postgresql_url_means_psycopg_3() -> None:
    assert database_url("postgresql://u@db/plant").drivername == "postgresql+psycopg"
    assert database_url("postgres://u@db/plant").drivername == "postgresql+psycopg"
    with pytest.raises(StoreUnavailable, match="unsupported database"):
        database_url("mysql://u@db/plant")


def test_unreachable_database_fails_fast_with_one_line() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        open_store(database="postgresql://postgres:secret@127.0.0.1:1/plant")
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert "\n" not in message and "127.0.0.1:1" in message and "secret" not in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_workspace_fails_and_writes_nothing(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(StoreUnavailable, match="cannot use workspace"):
        open_store(workspace=locked / "ws")
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc (read-only even for root)")
def test_workspace_on_a_read_only_filesystem_fails_cleanly() -> None:
    with pytest.raises(StoreUnavailable, match="cannot use workspace /proc/plantarch-ws"):
        open_store(workspace=Path("/proc/plantarch-ws"))


def test_workspace_under_a_file_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreUnavailable, match="cannot use workspace"):
        open_store(workspace=tmp_path / "file" / "ws")


def test_bulk_change_sets_refresh_postgresql_statistics(store: Store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("table statistics are refreshed on PostgreSQL only")
    from sqlalchemy import text

    from plantarch.model import Flow, System
    from plantarch.store.tables import OBJECT_TABLES

    store.analyze_after = 50
    flows = OBJECT_TABLES["flow"].name

    def analysed() -> object:
        with store.engine.connect() as conn:
            row = conn.execute(
                text("SELECT last_analyze, last_vacuum FROM pg_stat_user_tables WHERE relname = :t"),
                {"t": flows},
            ).one()
        return row[0] and row[1]

    with store.change(author="t", reason="small") as cs:
        cs.put(System(key="a", name="A", kind="plc"))
        cs.put(System(key="b", name="B", kind="hmi"))
        cs.put(Flow(key="f0", source="b", target="a"))
    assert analysed() is None
    with store.change(author="t", reason="bulk") as cs:
        for i in range(1, 60):
            cs.put(Flow(key=f"f{i}", source="b", target="a", port=i))
    assert analysed() is not None
