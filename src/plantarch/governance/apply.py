"""Deciding a proposal: approval applies it as one change set linked to its decision record."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, text

from plantarch.governance.board import (
    current_votes,
    latest_review,
    move,
    proposal_row,
    run_review,
    write_session,
)
from plantarch.governance.decisions import DecisionRecord
from plantarch.governance.errors import StaleReview, WorkflowError
from plantarch.governance.proposal import Proposal, RiskClass
from plantarch.governance.review import ReviewReport
from plantarch.governance.settings import GovernanceSettings
from plantarch.governance.workflow import Action, ProposalState, check_approval, next_state
from plantarch.store import Store
from plantarch.store.governance_tables import decisions
from plantarch.store.history import latest_revision

APPROVAL_LOCK = 7_000_007
"""PostgreSQL advisory lock key that serialises approvals."""


class _Stale(Exception):
    """Raised inside the approval transaction to roll it back when the review is out of date."""


def _consequences(report: ReviewReport) -> list[str]:
    impact = report.impact
    said = [
        f"adds {len(impact.added)}, changes {len(impact.changed)}, removes {len(impact.removed)} objects",
        f"annual running cost changes by {impact.annual_cost_delta:+,.2f}",
        f"one-off cost {impact.one_off_cost:,.2f}",
    ]
    if impact.new_conduits:
        said.append("new conduits: " + ", ".join(impact.new_conduits))
    if impact.cross_zone_flows:
        said.append("cross-zone flows: " + ", ".join(c.flow for c in impact.cross_zone_flows))
    if impact.systems_affected:
        said.append("systems affected: " + ", ".join(impact.systems_affected))
    return said


def _insert_decision(conn: Connection, record: DecisionRecord) -> DecisionRecord:
    new_id = conn.execute(
        insert(decisions).values(
            proposal_id=record.proposal_id,
            outcome=record.outcome.value,
            decided_by=record.decided_by,
            decided_at=record.decided_at,
            revision=record.revision,
            doc=record.model_dump(mode="json", exclude={"id", "revision"}),
        )
    ).inserted_primary_key
    assert new_id is not None
    return record.model_copy(update={"id": int(new_id[0])})


def _current_review(conn: Connection, proposal_id: int) -> tuple[int, ReviewReport]:
    reviewed = latest_review(conn, proposal_id)
    if reviewed is None:
        raise WorkflowError(f"proposal #{proposal_id} has no automated review yet; run `plantarch review`")
    return reviewed


def approve(
    store: Store,
    proposal_id: int,
    approver: str,
    *,
    conditions: list[str] | None = None,
    note: str = "",
    settings: GovernanceSettings | None = None,
) -> DecisionRecord:
    """Approve a proposal and apply it to the model as ONE change set linked to the decision record.

    Refused (StaleReview) when the model changed since the review: the review is re-run and the board
    must look at the new one. Two approvals racing end with exactly one change set: the proposal row is
    locked (SELECT ... FOR UPDATE) and its state re-checked inside the applying transaction.
    """
    settings = settings or GovernanceSettings()
    conditions = [c.strip() for c in conditions or [] if c.strip()]
    action = Action.APPROVE_WITH_CONDITIONS if conditions else Action.APPROVE
    try:
        with store.change(author=approver, reason=f"proposal #{proposal_id}", source="governance") as cs:
            conn = cs.connection
            if conn.dialect.name == "postgresql":
                # Approvals queue up behind each other, so the revision check below sees every
                # approval committed before it (SQLite's BEGIN IMMEDIATE does the same).
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPROVAL_LOCK})
            row = proposal_row(conn, proposal_id, lock=True)
            outcome = next_state(row["state"], action)
            review_id, report = _current_review(conn, proposal_id)
            if report.model_revision != latest_revision(conn):
                raise _Stale
            if report.impact.reference_errors:
                # Applying would leave references to keys that do not exist in the model.
                raise WorkflowError(
                    f"proposal #{proposal_id} cannot be applied: " + "; ".join(report.impact.reference_errors)
                )
            proposal = Proposal.model_validate(row["doc"])
            votes = current_votes(conn, proposal_id)
            check_approval(
                author=row["author"],
                approver=approver,
                votes=votes,
                risk=RiskClass(row["risk"]),
                settings=settings,
            )
            cs.reason = f"proposal #{proposal_id}: {proposal.title}"
            cs.put_many(obj for _, obj in proposal.objects())
            for removal in proposal.remove:
                cs.delete(removal.kind, removal.key)
            record = DecisionRecord(
                proposal_id=proposal_id,
                title=proposal.title,
                outcome=outcome,
                context=proposal.context,
                decision=note or f"{outcome.value.replace('-', ' ').capitalize()}: {proposal.title}",
                consequences=_consequences(report),
                conditions=conditions,
                decided_by=approver,
                decided_at=datetime.now(UTC),
                votes={**{k: v.value for k, v in votes.items()}, approver: "approve"},
                review_id=review_id,
                revision=cs.revision,
            )
            record = _insert_decision(conn, record)
            move(conn, row, action, approver, {"decision": record.id, "conditions": conditions})
            cs.audit_as("apply", detail={"proposal": proposal_id, "decision": record.id})
    except _Stale:
        fresh = run_review(store, proposal_id)
        raise StaleReview(
            f"the model changed since proposal #{proposal_id} was reviewed; the review was re-run at "
            f"revision {fresh.model_revision} (verdict: {fresh.verdict.value}); look at it and approve again"
        ) from None
    return record


def reject(store: Store, proposal_id: int, reviewer: str, *, reason: str = "") -> DecisionRecord:
    """Reject a proposal in review and record the decision; the model is not touched."""
    with write_session(store) as session, session.begin():
        conn = session.connection()
        row = proposal_row(conn, proposal_id, lock=True)
        next_state(row["state"], Action.REJECT)
        proposal = Proposal.model_validate(row["doc"])
        reviewed = latest_review(conn, proposal_id)
        votes = current_votes(conn, proposal_id)
        record = _insert_decision(
            conn,
            DecisionRecord(
                proposal_id=proposal_id,
                title=proposal.title,
                outcome=ProposalState.REJECTED,
                context=proposal.context,
                decision=reason or f"Rejected: {proposal.title}",
                consequences=["the model is unchanged"],
                decided_by=reviewer,
                decided_at=datetime.now(UTC),
                votes={k: v.value for k, v in votes.items()},
                review_id=reviewed[0] if reviewed else None,
            ),
        )
        move(conn, row, Action.REJECT, reviewer, {"decision": record.id, "reason": reason})
    return record
