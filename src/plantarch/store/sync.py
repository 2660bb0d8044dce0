"""Making the stored declared model equal to a model read from files, as one change set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plantarch.model import OBJECT_TYPES, PlantModel
from plantarch.store import repository as repo
from plantarch.store.store import Store


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


def sync_declared_model(
    store: Store, model: PlantModel, *, author: str, reason: str = "import model", source: str = "yaml"
) -> SyncResult:
    """Put every object of `model` and delete declared objects it lacks; discovery's findings stay.

    Flows with origin 'observed' and assets with declared=False that are absent from `model` are kept,
    so re-importing the architecture files never erases what discovery found. Importing the same model
    twice records nothing the second time.
    """
    result = SyncResult(revision=None)
    with store.change(author=author, reason=reason, source=source) as cs:
        for kind in OBJECT_TYPES:
            before = dict(cs.counts)
            cs.put_many(model.objects(kind))
            _tally(result, kind, before, cs.counts)
        for kind in reversed(OBJECT_TYPES):
            wanted = {obj.key for obj in model.objects(kind)}
            gone = [key for key in repo.declared_keys(cs.connection, kind) if key not in wanted]
            if gone:
                before = dict(cs.counts)
                cs.delete_many(kind, gone)
                _tally(result, kind, before, cs.counts)
    result.revision = cs.revision
    return result


def _tally(result: SyncResult, kind: str, before: dict[str, int], after: dict[str, int]) -> None:
    for op, bucket in (("add", result.added), ("update", result.updated), ("delete", result.deleted)):
        if n := after[op] - before[op]:
            bucket[kind] = bucket.get(kind, 0) + n
