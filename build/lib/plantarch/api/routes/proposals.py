"""/api/proposals and /api/decisions: submit, review, comment, vote, approve, reject, withdraw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from plantarch import governance as gov
from plantarch.api.auth import Role
from plantarch.api.deps import Editor, Reviewer, SettingsDep, StoreDep, Viewer
from plantarch.api.schemas import ApproveIn, CommentIn, ProposalPage, RejectIn, VoteIn
from plantarch.governance import (
    Comment,
    DecisionRecord,
    Proposal,
    ProposalRecord,
    ProposalState,
    ReviewReport,
    VoteChoice,
)

router = APIRouter(tags=["proposals"])

ProposalId = Annotated[int, Path(ge=1, le=2_147_483_647, description="Proposal id.")]


@router.get("/proposals", response_model=ProposalPage, summary="The review queue")
def list_proposals(
    store: StoreDep,
    user: Viewer,
    state: ProposalState | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ProposalPage:
    """Proposals, newest first, optionally in one state."""
    items, total = gov.list_proposals(store, state=state, limit=limit, offset=offset)
    return ProposalPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/proposals", status_code=201, response_model=ProposalRecord, summary="Propose a change")
def create_proposal(proposal: Proposal, store: StoreDep, user: Editor, submit: bool = True) -> ProposalRecord:
    """Record a proposal; unless `submit=false` it is submitted and the automated review runs at once."""
    return gov.create_proposal(store, proposal, user.user, submit=submit)


@router.get("/proposals/{proposal_id}", response_model=ProposalRecord, summary="One proposal")
def get_proposal(proposal_id: ProposalId, store: StoreDep, user: Viewer) -> ProposalRecord:
    """A proposal with its review, votes, comments and decision."""
    return gov.get_proposal(store, proposal_id)


@router.put("/proposals/{proposal_id}", response_model=ProposalRecord, summary="Edit a draft")
def edit_draft(proposal_id: ProposalId, proposal: Proposal, store: StoreDep, user: Editor) -> ProposalRecord:
    """Replace the document of a draft (its author only)."""
    return gov.update_draft(store, proposal_id, proposal, user.user)


@router.post("/proposals/{proposal_id}/submit", response_model=ProposalRecord, summary="Submit a draft")
def submit(proposal_id: ProposalId, store: StoreDep, user: Editor) -> ProposalRecord:
    """Submit a draft and run the automated review."""
    return gov.submit_proposal(store, proposal_id, user.user)


@router.get(
    "/proposals/{proposal_id}/review", response_model=ReviewReport | None, summary="The latest review"
)
def latest_review(proposal_id: ProposalId, store: StoreDep, user: Viewer) -> ReviewReport | None:
    """The newest automated review report (none for a draft)."""
    return gov.get_proposal(store, proposal_id).review


@router.post("/proposals/{proposal_id}/review", response_model=ReviewReport, summary="Run the review again")
def rerun_review(proposal_id: ProposalId, store: StoreDep, user: Editor) -> ReviewReport:
    """Re-run the automated review against the current model."""
    return gov.run_review(store, proposal_id)


@router.post("/proposals/{proposal_id}/comments", status_code=201, response_model=Comment, summary="Comment")
def comment(proposal_id: ProposalId, body: CommentIn, store: StoreDep, user: Editor) -> Comment:
    """Add a comment."""
    return gov.comment(store, proposal_id, user.user, body.text)


@router.post("/proposals/{proposal_id}/votes", response_model=dict[str, VoteChoice], summary="Vote")
def vote(
    proposal_id: ProposalId, body: VoteIn, store: StoreDep, settings: SettingsDep, user: Reviewer
) -> dict[str, VoteChoice]:
    """Record or replace the reviewer's vote; returns every current vote."""
    return gov.vote(store, proposal_id, user.user, body.choice, settings=settings.governance)


@router.post("/proposals/{proposal_id}/approve", response_model=DecisionRecord, summary="Approve and apply")
def approve(
    proposal_id: ProposalId, body: ApproveIn, store: StoreDep, settings: SettingsDep, user: Reviewer
) -> DecisionRecord:
    """Approve (with conditions if given) and apply it as one change set; 409 when the review is stale."""
    return gov.approve(
        store,
        proposal_id,
        user.user,
        conditions=body.conditions,
        note=body.note,
        settings=settings.governance,
    )


@router.post("/proposals/{proposal_id}/reject", response_model=DecisionRecord, summary="Reject")
def reject(proposal_id: ProposalId, body: RejectIn, store: StoreDep, user: Reviewer) -> DecisionRecord:
    """Reject the proposal and record the decision."""
    return gov.reject(store, proposal_id, user.user, reason=body.reason)


@router.post("/proposals/{proposal_id}/withdraw", response_model=ProposalRecord, summary="Withdraw")
def withdraw(proposal_id: ProposalId, store: StoreDep, user: Editor) -> ProposalRecord:
    """Withdraw an open proposal (its author or an admin)."""
    return gov.withdraw(store, proposal_id, user.user, admin=user.has(Role.ADMIN))


@router.get("/decisions", response_model=list[DecisionRecord], summary="Decision records", tags=["decisions"])
def decisions(
    store: StoreDep,
    user: Viewer,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[DecisionRecord]:
    """Decision records, newest first."""
    return gov.list_decisions(store, limit=limit, offset=offset)
