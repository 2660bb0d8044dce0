"""Making the stored declared model equal to a model read from files, as one change set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Connection

from plantarch.discovery.declared import merge_declared, observed, undeclare
from plantarch.model import OBJECT_TYPES, ModelObject, PlantModel
from plantarch.store import repository as repo
from plantarch.store.store import Store

_CHUNK = 2000


@dataclass
class SyncResult:
    """What an import changed: the revision recorded (None if nothing) and counts by operation and kind."""

    revision: int | None
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether the import changed anything."""
        return self.revision is not None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "revision": self.revision,
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
        }


def sync_declared(
    store: Store,
    objects: Iterable[ModelObject],
    *,
    author: str,
    reason: str = "import model",
    source: str = "yaml",
) -> SyncResult:
    """Put every object over what sources observed, delete declared objects not among them.

    `objects` may be a generator (a large model streamed file by file); an exception it raises rolls
    the whole change set back. The files' values win and values only sources gave stay (see
    `merge_declared`); objects discovery or an inventory created are never deleted, and a declared
    object the files no longer list but a source observed stays, undeclared. Importing the same
    objects twice, even with discovery in between, records nothing the second time.
    """
    keys: dict[str, set[str]] = {kind: set() for kind in OBJECT_TYPES}
    stream = iter(objects)
    with store.change(author=author, reason=reason, source=source) as cs:
        while chunk := list(islice(stream, _CHUNK)):
            for obj in chunk:
                keys[obj.kind_name].add(obj.key)
            cs.put_many(_over_stored(cs.connection, chunk))
        for kind in reversed(OBJECT_TYPES):
            gone = [key for key in repo.declared_keys(cs.connection, kind) if key not in keys[kind]]
            found = [
                repo.to_object(kind, doc) for doc in repo.fetch_documents(cs.connection, kind, gone).values()
            ]
            cs.put_many(undeclare(obj) for obj in found if observed(obj))
            cs.delete_many(kind, [obj.key for obj in found if not observed(obj)])
    result = SyncResult(revision=cs.revision)
    buckets = {"add": result.added, "update": result.updated, "delete": result.deleted}
    for kind in OBJECT_TYPES:
        for op, bucket in buckets.items():
            if n := cs.tally.get((op, kind)):
                bucket[kind] = n
    return result


def _over_stored(conn: Connection, chunk: list[ModelObject]) -> list[ModelObject]:
    """The chunk's objects merged over the stored ones of the kinds sources also write."""
    wanted: dict[str, list[str]] = {}
    for obj in chunk:
        if "field_sources" in type(obj).model_fields:
            wanted.setdefault(obj.kind_name, []).append(obj.key)
    stored = {kind: repo.fetch_documents(conn, kind, keys) for kind, keys in wanted.items()}
    merged: list[ModelObject] = []
    for obj in chunk:
        doc = stored.get(obj.kind_name, {}).get(obj.key)
        if doc is None or not (doc.get("field_sources") or doc.get("provenance")):
            merged.append(obj)  # nothing a source gave to keep: the files' object as it is
        else:
            merged.append(merge_declared(obj, repo.to_object(obj.kind_name, doc)))
    return merged


def sync_declared_model(
    store: Store, model: PlantModel, *, author: str, reason: str = "import model", source: str = "yaml"
) -> SyncResult:
    """Make the stored declared model equal to `model` as one change set (see `sync_declared`)."""
    objects = (obj for _, obj in model.all_objects())
    return sync_declared(store, objects, author=author, reason=reason, source=source)
