"""Decision records: what the board decided about a proposal, why, with which conditions, who and when."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from plantarch.governance.workflow import ProposalState


class DecisionRecord(BaseModel):
    """An architecture decision record (context, decision, consequences, conditions, who, when)."""

    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    proposal_id: int
    title: str
    outcome: ProposalState
    context: str = Field(description="The problem and the situation the proposal addressed.")
    decision: str = Field(description="What was decided.")
    consequences: list[str] = Field(default_factory=list, description="What follows from the decision.")
    conditions: list[str] = Field(default_factory=list, description="Conditions attached to an approval.")
    decided_by: str
    decided_at: datetime
    votes: dict[str, str] = Field(default_factory=dict, description="Reviewer -> vote at decision time.")
    review_id: int | None = Field(default=None, description="The automated review the decision relied on.")
    revision: int | None = Field(default=None, description="Change set that applied an approved proposal.")

    def markdown(self) -> str:
        """The record as a Markdown ADR, for docs repositories and printing."""
        lines = [
            f"# Decision {self.id or '-'}: {self.title}",
            "",
            f"- proposal: #{self.proposal_id}",
            f"- outcome: {self.outcome}",
            f"- decided by: {self.decided_by} at {self.decided_at.isoformat(timespec='seconds')}",
        ]
        if self.revision is not None:
            lines.append(f"- applied as change set: r{self.revision}")
        if self.votes:
            lines.append(
                "- votes: " + ", ".join(f"{who}: {vote}" for who, vote in sorted(self.votes.items()))
            )
        lines += ["", "## Context", "", self.context or "-", "", "## Decision", "", self.decision]
        if self.conditions:
            lines += ["", "## Conditions", "", *(f"- {c}" for c in self.conditions)]
        lines += ["", "## Consequences", "", *(f"- {c}" for c in self.consequences or ["-"])]
        return "\n".join(lines) + "\n"
