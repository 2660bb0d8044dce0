"""Shared fixtures: real stores on SQLite and PostgreSQL, the shared test data, the demo model."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from plantarch.model import PlantModel
from plantarch.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]

POSTGRES_ADMIN_URL = os.environ.get(
    "PLANTARCH_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
"""Server where each PostgreSQL test gets a fresh database (trust auth, user postgres)."""

_postgres_down: str | None = None
_postgres_checked = False


def _postgres_reason() -> str | None:
    """None when PostgreSQL answers, else why PostgreSQL tests skip (checked once per session)."""
    global _postgres_down, _postgres_checked
    if not _postgres_checked:
        _postgres_checked = True
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
        except OperationalError as exc:
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            _postgres_down = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {first}"
        finally:
            engine.dispose()
    return _postgres_down


@contextmanager
def _postgres_database(template: str | None = None) -> Iterator[str]:
    """URL of a new PostgreSQL database with a unique name (a copy of `template` if given), dropped after."""
    reason = _postgres_reason()
    if reason:
        pytest.skip(reason)
    name = f"plantarch_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}" STRATEGY WAL_LOG' if template else ""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped after the test."""
    with _postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def _migrated_postgres_template() -> Iterator[str]:
    """Name of a PostgreSQL database migrated once per session (per xdist worker), copied for each test.

    Copying a migrated database (CREATE DATABASE ... TEMPLATE) is several times cheaper than running
    the migrations again; the migrations themselves still run on PostgreSQL in every test that uses
    `postgres_url` and opens a store on it."""
    with _postgres_database() as url:
        open_store(database=url).close()  # closed: a template must have no open connections
        yield make_url(url).database or ""


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store in a workspace directory under tmp_path (SQLite)."""
    store = open_store(workspace=tmp_path / "workspace")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store, once on SQLite and once on a fresh PostgreSQL database (at the newest schema)."""
    stack = ExitStack()
    if request.param == "sqlite":
        opened = open_store(workspace=tmp_path / "workspace")
    else:
        template = request.getfixturevalue("_migrated_postgres_template")
        database = stack.enter_context(_postgres_database(template))
        opened = open_store(database=database)
    try:
        yield opened
    finally:
        opened.close()
        stack.close()


def shared_root() -> Path:
    """The shared directory: $PLANTARCH_SHARED or ../shared next to the repository."""
    return Path(os.environ.get("PLANTARCH_SHARED", REPO / ".." / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real test data (captures, Zeek logs, nmap XML, NodeSets); skips when absent."""
    data = shared_root() / "data"
    if not data.is_dir():
        pytest.skip(f"shared test data not found at {data} (set PLANTARCH_SHARED)")
    return data


@pytest.fixture(scope="session")
def demo_model() -> PlantModel:
    """The bundled demo plant model; skips until the demo plant exists."""
    try:
        from plantarch.demo import load_demo_model
    except ImportError:
        pytest.skip("the demo plant (plantarch.demo.load_demo_model) is not available yet")
    model: PlantModel = load_demo_model()
    return model


WEB_UI_TESTS = REPO / "tests" / "web"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (--dist loadgroup), keep the tests of the served web UI on one worker so the
    session's server and Chromium start once."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.path.is_relative_to(WEB_UI_TESTS) and "plant" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("web-ui"))
