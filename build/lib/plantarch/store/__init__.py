"""The model store: SQLAlchemy tables, change sets, history and diff, on SQLite or PostgreSQL."""

from plantarch.errors import StoreUnavailable
from plantarch.store.changeset import ChangeSet
from plantarch.store.history import Change, ChangeSetInfo
from plantarch.store.store import Store, open_store
from plantarch.store.sync import SyncResult, sync_declared, sync_declared_model

__all__ = [
    "Change",
    "ChangeSet",
    "ChangeSetInfo",
    "Store",
    "StoreUnavailable",
    "SyncResult",
    "open_store",
    "sync_declared",
    "sync_declared_model",
]
