"""Making the stored declared model equal to a model read from files, as one change set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

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
    """Put every object and delete declared objects not among them; discovery's findings stay.

    `objects` may be a generator (a large model streamed file by file); an exception it raises rolls
    the whole change set back. Flows with origin 'observed' and assets with declared=False that are
    absent are kept, so re-importing the architecture files never erases what discovery found.
    Importing the same objects twice records nothing the second time.
    """
    keys: dict[str, set[str]] = {kind: set() for kind in OBJECT_TYPES}
    stream = iter(objects)
    with store.change(author=author, reason=reason, source=source) as cs:
        while chunk := list(islice(stream, _CHUNK)):
            for obj in chunk:
                keys[obj.kind_name].add(obj.key)
            cs.put_many(chunk)
        for kind in reversed(OBJECT_TYPES):
            gone = [key for key in repo.declared_keys(cs.connection, kind) if key not in keys[kind]]
            cs.delete_many(kind, gone)
    result = SyncResult(revision=cs.revision)
    buckets = {"add": result.added, "update": result.updated, "delete": result.deleted}
    for kind in OBJECT_TYPES:
        for op, bucket in buckets.items():
            if n := cs.tally.get((op, kind)):
                bucket[kind] = n
    return result


def sync_declared_model(
    store: Store, model: PlantModel, *, author: str, reason: str = "import model", source: str = "yaml"
) -> SyncResult:
    """Make the stored declared model equal to `model` as one change set (see `sync_declared`)."""
    objects = (obj for _, obj in model.all_objects())
    return sync_declared(store, objects, author=author, reason=reason, source=source)
