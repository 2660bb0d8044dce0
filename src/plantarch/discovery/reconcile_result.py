"""What one reconcile did: the revision it recorded, the objects it touched, where sources disagreed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model.base import FieldSource


class FieldConflict(BaseModel):
    """Sources disagree about one field; the value shown won by precedence."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    key: str
    field: str
    value: Any
    source: str
    values: list[FieldSource]


class ReconcileResult(BaseModel):
    """What one reconcile did: the change set's revision and every object it created or changed."""

    model_config = ConfigDict(extra="forbid")

    revision: int | None = Field(default=None, description="Revision of the change set; none if unchanged.")
    created: dict[str, list[str]] = Field(default_factory=dict)
    updated: dict[str, list[str]] = Field(default_factory=dict)
    unchanged: dict[str, int] = Field(default_factory=dict)
    conflicts: list[FieldConflict] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    group_flows: int = Field(
        default=0, description="Observed flows to or from multicast / broadcast addresses, not stored."
    )
    group_addresses: list[str] = Field(
        default_factory=list, description="The multicast / broadcast / unspecified addresses left out."
    )

    @property
    def changed(self) -> bool:
        """True when the inventory changed."""
        return any(self.created.values()) or any(self.updated.values())

    def outcome_lines(self, most_conflicts: int = 20) -> list[str]:
        """What the change set did, for people: the revision and counts, then values sources disagree on."""
        if self.revision is None:
            lines = ["nothing changed: the inventory already holds everything observed"]
        else:
            parts = [
                f"{kind}s {n['created']} created, {n['updated']} updated, {n['unchanged']} unchanged"
                for kind, n in self.counts().items()
            ]
            lines = [f"revision {self.revision}: " + "; ".join(parts)]
        if self.group_addresses:
            shown = ", ".join(self.group_addresses[:8]) + (" ..." if len(self.group_addresses) > 8 else "")
            lines.append(
                f"{self.group_flows} flows to {len(self.group_addresses)} multicast/broadcast addresses "
                f"kept out of the inventory (a group is no device): {shown}"
            )
        if self.conflicts:
            lines.append(f"{len(self.conflicts)} values disagree between sources (the most trusted is kept):")
            for c in self.conflicts[:most_conflicts]:
                others = ", ".join(f"{v.source}={v.value!r}" for v in c.values if v.source != c.source)
                lines.append(f"  {c.kind} {c.key} {c.field}: {c.value!r} ({c.source}); {others}")
            if len(self.conflicts) > most_conflicts:
                lines.append(
                    f"  ... and {len(self.conflicts) - most_conflicts} more (--format json lists them all)"
                )
        return lines

    def counts(self) -> dict[str, dict[str, int]]:
        """How many objects of each kind were created, updated and left as they were."""
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return {
            kind: {
                "created": len(self.created.get(kind, [])),
                "updated": len(self.updated.get(kind, [])),
                "unchanged": self.unchanged.get(kind, 0),
            }
            for kind in kinds
        }
