"""The review queue: proposals with their automated review; reviewers approve or reject from the page.

Decisions go through plantarch.governance with the logged-in user, exactly as the API does: the same
quorum, self-approval and stale-review rules apply, and their refusals are shown on the page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plantarch import governance as gov
from plantarch.errors import PlantarchError
from plantarch.governance import ProposalState
from plantarch.web.session import FormUser, PageUser, may_review
from plantarch.web.templating import render

router = APIRouter()

ProposalId = Annotated[int, Path(ge=1, le=2_147_483_647)]
OPEN_STATES = (ProposalState.SUBMITTED, ProposalState.IN_REVIEW)


@router.get("/reviews", response_class=HTMLResponse, include_in_schema=False)
def review_queue(request: Request, user: PageUser, state: str = "") -> HTMLResponse:
    """Proposals, newest first, optionally in one state."""
    chosen = ProposalState(state) if state in set(ProposalState) else None
    items, total = gov.list_proposals(request.app.state.store, state=chosen, limit=200)
    return render(
        request,
        "reviews.html",
        user=user,
        items=items,
        total=total,
        states=[s.value for s in ProposalState],
        state=chosen.value if chosen else "",
        may_review=may_review(user),
    )


@router.get("/reviews/{proposal_id}", response_class=HTMLResponse, include_in_schema=False)
def review_page(request: Request, user: PageUser, proposal_id: ProposalId, error: str = "") -> HTMLResponse:
    """One proposal: its changes, the automated review, votes, comments and the decision."""
    try:
        record = gov.get_proposal(request.app.state.store, proposal_id)
    except gov.ProposalNotFound:
        return render(
            request, "error.html", status_code=404, user=user, message=f"No proposal {proposal_id}."
        )
    return render(
        request,
        "review.html",
        user=user,
        record=record,
        may_decide=may_review(user) and record.state in OPEN_STATES,
        error=error,
    )


def _back(proposal_id: int, error: str = "") -> Response:
    url = f"/reviews/{proposal_id}"
    if error:
        from urllib.parse import urlencode

        url += "?" + urlencode({"error": error})
    return RedirectResponse(url, status_code=303)


@router.post("/reviews/{proposal_id}/approve", include_in_schema=False)
def approve(
    request: Request,
    user: FormUser,
    proposal_id: ProposalId,
    conditions: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Approve (with conditions, one per line) and apply the proposal as the logged-in reviewer."""
    if not may_review(user):
        raise HTTPException(403, f"{user.user} is a {user.role.value}; approving needs the reviewer role")
    try:
        gov.approve(
            request.app.state.store,
            proposal_id,
            user.user,
            conditions=[c.strip() for c in conditions.splitlines() if c.strip()],
            note=note,
            settings=request.app.state.settings.governance,
        )
    except PlantarchError as exc:
        return _back(proposal_id, str(exc))
    return _back(proposal_id)


@router.post("/reviews/{proposal_id}/reject", include_in_schema=False)
def reject(
    request: Request, user: FormUser, proposal_id: ProposalId, reason: Annotated[str, Form()] = ""
) -> Response:
    """Reject the proposal as the logged-in reviewer."""
    if not may_review(user):
        raise HTTPException(403, f"{user.user} is a {user.role.value}; rejecting needs the reviewer role")
    try:
        gov.reject(request.app.state.store, proposal_id, user.user, reason=reason)
    except PlantarchError as exc:
        return _back(proposal_id, str(exc))
    return _back(proposal_id)
