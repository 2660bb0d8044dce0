"""The review workflow: proposal states, the actions that move between them, votes and the quorum rule."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from plantarch.governance.errors import NotPermitted, QuorumNotMet, WorkflowError
from plantarch.governance.proposal import RiskClass
from plantarch.governance.settings import GovernanceSettings


class ProposalState(StrEnum):
    """Where a proposal stands in the review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in-review"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved-with-conditions"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    """What a person (or the automated review) does to a proposal."""

    SUBMIT = "submit"
    START_REVIEW = "start-review"
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve-with-conditions"
    REJECT = "reject"
    WITHDRAW = "withdraw"


class VoteChoice(StrEnum):
    """A reviewer's vote."""

    APPROVE = "approve"
    REJECT = "reject"
    ABSTAIN = "abstain"


OPEN_STATES: frozenset[ProposalState] = frozenset(
    {ProposalState.DRAFT, ProposalState.SUBMITTED, ProposalState.IN_REVIEW}
)
"""States in which a proposal can still change course."""

FINAL_STATES: frozenset[ProposalState] = frozenset(set(ProposalState) - OPEN_STATES)
"""States a proposal never leaves."""

_UNDER_REVIEW = (ProposalState.SUBMITTED, ProposalState.IN_REVIEW)

TRANSITIONS: dict[tuple[ProposalState, Action], ProposalState] = {
    (ProposalState.DRAFT, Action.SUBMIT): ProposalState.SUBMITTED,
    (ProposalState.SUBMITTED, Action.START_REVIEW): ProposalState.IN_REVIEW,
    (ProposalState.IN_REVIEW, Action.START_REVIEW): ProposalState.IN_REVIEW,
    **{(s, Action.APPROVE): ProposalState.APPROVED for s in _UNDER_REVIEW},
    **{(s, Action.APPROVE_WITH_CONDITIONS): ProposalState.APPROVED_WITH_CONDITIONS for s in _UNDER_REVIEW},
    **{(s, Action.REJECT): ProposalState.REJECTED for s in _UNDER_REVIEW},
    **{(s, Action.WITHDRAW): ProposalState.WITHDRAWN for s in OPEN_STATES},
}
"""Every allowed move: (state, action) -> next state."""


def next_state(state: ProposalState | str, action: Action) -> ProposalState:
    """The state after `action`, or WorkflowError saying which actions the current state allows."""
    current = ProposalState(state)
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s == current)
        hint = f"; allowed: {', '.join(allowed)}" if allowed else "; it is final"
        raise WorkflowError(f"cannot {action.value} a proposal that is {current.value}{hint}") from None


def check_vote(author: str, reviewer: str, choice: VoteChoice, settings: GovernanceSettings) -> None:
    """Refuse an author's approving vote on their own proposal unless self-approval is configured."""
    if choice == VoteChoice.APPROVE and reviewer == author and not settings.allow_self_approval:
        raise NotPermitted(f"{reviewer} wrote this proposal and cannot vote to approve it")


def approving_votes(author: str, votes: Mapping[str, VoteChoice | str], settings: GovernanceSettings) -> int:
    """How many votes count towards the quorum (the author's only when self-approval is allowed)."""
    return sum(
        1
        for reviewer, choice in votes.items()
        if VoteChoice(choice) == VoteChoice.APPROVE and (reviewer != author or settings.allow_self_approval)
    )


def check_approval(
    *,
    author: str,
    approver: str,
    votes: Mapping[str, VoteChoice | str],
    risk: RiskClass,
    settings: GovernanceSettings,
) -> None:
    """Raise unless `approver` may approve: not the author (unless configured) and the quorum is met.

    The approver's own decision counts as an approving vote (an earlier abstention is overridden).
    """
    if approver == author and not settings.allow_self_approval:
        raise NotPermitted(f"{approver} wrote this proposal and cannot approve it")
    counted = dict(votes)
    if approver in counted and VoteChoice(counted[approver]) == VoteChoice.REJECT:
        raise WorkflowError(f"{approver} voted to reject; change the vote before approving")
    counted[approver] = VoteChoice.APPROVE
    have = approving_votes(author, counted, settings)
    need = settings.quorum_for(risk)
    if have < need:
        raise QuorumNotMet(
            f"a {risk.value}-risk proposal needs {need} approving reviewer votes; it has {have}"
        )
