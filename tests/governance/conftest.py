"""Fixtures for governance tests: a store holding the small plant."""

from __future__ import annotations

import pytest

from governance.plant import small_plant
from plantarch.store import Store


@pytest.fixture
def plant_store(store: Store) -> Store:
    """The parametrised store (SQLite and PostgreSQL) holding the small plant at revision 1."""
    model = small_plant()
    with store.change(author="seed", reason="small plant", source="test") as cs:
        cs.put_many(obj for _, obj in model.all_objects())
    return store
