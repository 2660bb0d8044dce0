"""The workflow rules on their own: states, transitions, votes and the quorum."""

from __future__ import annotations

import pytest

from plantarch.governance import GovernanceSettings, NotPermitted, QuorumNotMet, RiskClass, WorkflowError
from plantarch.governance.workflow import Action, ProposalState, check_approval, next_state


def test_a_draft_is_submitted_then_reviewed_then_decided() -> None:
    state = next_state(ProposalState.DRAFT, Action.SUBMIT)
    state = next_state(state, Action.START_REVIEW)
    assert next_state(state, Action.APPROVE_WITH_CONDITIONS) == ProposalState.APPROVED_WITH_CONDITIONS
    assert next_state(state, Action.REJECT) == ProposalState.REJECTED


@pytest.mark.parametrize("final", ["approved", "approved-with-conditions", "rejected", "withdrawn"])
def test_a_decided_proposal_never_moves_again(final: str) -> None:
    for action in Action:
        with pytest.raises(WorkflowError, match="final"):
            next_state(final, action)


def test_a_draft_cannot_be_approved_before_it_is_submitted() -> None:
    with pytest.raises(WorkflowError, match="allowed: submit, withdraw"):
        next_state(ProposalState.DRAFT, Action.APPROVE)


def test_the_quorum_follows_the_risk_class() -> None:
    settings = GovernanceSettings()
    check_approval(author="ann", approver="rev1", votes={}, risk=RiskClass.MEDIUM, settings=settings)
    with pytest.raises(QuorumNotMet, match="needs 2 approving reviewer votes; it has 1"):
        check_approval(author="ann", approver="rev1", votes={}, risk=RiskClass.HIGH, settings=settings)
    check_approval(
        author="ann", approver="rev1", votes={"rev2": "approve"}, risk=RiskClass.HIGH, settings=settings
    )


def test_the_authors_vote_does_not_count_and_the_author_cannot_approve() -> None:
    settings = GovernanceSettings()
    with pytest.raises(NotPermitted):
        check_approval(author="ann", approver="ann", votes={}, risk=RiskClass.LOW, settings=settings)
    with pytest.raises(QuorumNotMet):
        check_approval(
            author="ann", approver="rev1", votes={"ann": "approve"}, risk=RiskClass.HIGH, settings=settings
        )
    allowed = GovernanceSettings(allow_self_approval=True)
    check_approval(author="ann", approver="ann", votes={}, risk=RiskClass.LOW, settings=allowed)


def test_settings_come_from_the_environment_with_defaults() -> None:
    settings = GovernanceSettings.from_env({"PLANTARCH_GOVERNANCE": '{"quorum": {"high": 3}}'})
    assert settings.quorum_for(RiskClass.HIGH) == 3
    assert settings.quorum_for(RiskClass.CRITICAL) == 3
    assert settings.quorum_for(RiskClass.LOW) == 1
    assert not settings.allow_self_approval
