"""The whole review on a real store (SQLite and PostgreSQL): propose, vote, approve, apply, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from governance.plant import vision_proposal
from plantarch import governance as gov
from plantarch.governance import NotPermitted, Proposal, ProposalState, StaleReview, VoteChoice, WorkflowError
from plantarch.model import System
from plantarch.store import Store


def test_approval_applies_the_proposal_as_one_change_set_linked_to_the_decision(plant_store: Store) -> None:
    record = gov.create_proposal(plant_store, Proposal.model_validate(vision_proposal()), "ann")
    assert record.state == ProposalState.IN_REVIEW
    assert record.review is not None and record.review.model_revision == 1
    gov.comment(plant_store, record.id, "rev1", "Which camera vendor?")
    gov.vote(plant_store, record.id, "rev1", VoteChoice.APPROVE)

    decision = gov.approve(plant_store, record.id, "rev2", conditions=["put the QMS link on the broker"])

    assert decision.outcome == ProposalState.APPROVED_WITH_CONDITIONS
    assert decision.revision == 2 == plant_store.revision
    assert decision.votes == {"rev1": "approve", "rev2": "approve"}
    [change_set] = plant_store.history(limit=1)
    assert change_set.author == "rev2" and change_set.source == "governance"
    assert change_set.reason == f"proposal #{record.id}: Vision inspection on line 1"
    assert {(c.kind, c.key) for c in plant_store.diff(1, 2)} == {
        ("system", "vision-1"),
        ("flow", "vision-mes"),
        ("flow", "vision-qms"),
    }
    after = gov.get_proposal(plant_store, record.id)
    assert after.state == ProposalState.APPROVED_WITH_CONDITIONS
    assert after.decision is not None and after.decision.conditions == ["put the QMS link on the broker"]
    assert [c.text for c in after.comments] == ["Which camera vendor?"]
    actions = [(e.user, e.action) for e in gov.read_audit(plant_store, target=f"proposal:{record.id}")]
    assert actions[::-1] == [
        ("ann", "propose"),
        ("ann", "submit"),
        ("automated-review", "start-review"),
        ("rev1", "comment"),
        ("rev1", "vote"),
        ("rev2", "approve-with-conditions"),
    ]
    applied = gov.read_audit(plant_store, target="revision:2")
    assert [(e.user, e.action, e.detail["proposal"], e.detail["counts"]["add"]) for e in applied] == [
        ("rev2", "apply", record.id, 3)
    ]


def test_a_model_changed_since_the_review_refuses_approval_until_reviewed_again(plant_store: Store) -> None:
    record = gov.create_proposal(plant_store, Proposal.model_validate(vision_proposal()), "ann")
    with plant_store.change(author="bob", reason="rename") as cs:
        cs.put(System(key="mes", name="MES v2", kind="mes", zone="operations"))
    with pytest.raises(StaleReview, match="review was re-run at revision 2"):
        gov.approve(plant_store, record.id, "rev1")
    assert plant_store.revision == 2
    assert gov.get_proposal(plant_store, record.id).review.model_revision == 2  # type: ignore[union-attr]
    decision = gov.approve(plant_store, record.id, "rev1")
    assert decision.revision == 3


def test_nobody_approves_their_own_proposal_and_the_quorum_holds(plant_store: Store) -> None:
    record = gov.create_proposal(plant_store, Proposal.model_validate(vision_proposal(risk="high")), "ann")
    with pytest.raises(NotPermitted):
        gov.approve(plant_store, record.id, "ann")
    with pytest.raises(NotPermitted):
        gov.vote(plant_store, record.id, "ann", VoteChoice.APPROVE)
    with pytest.raises(gov.QuorumNotMet):
        gov.approve(plant_store, record.id, "rev1")
    assert plant_store.revision == 1
    allowed = gov.GovernanceSettings(allow_self_approval=True, quorum={"high": 1})
    assert gov.approve(plant_store, record.id, "ann", settings=allowed).revision == 2


def test_rejected_and_withdrawn_proposals_leave_the_model_alone(plant_store: Store) -> None:
    first = gov.create_proposal(plant_store, Proposal.model_validate(vision_proposal()), "ann")
    decision = gov.reject(plant_store, first.id, "rev1", reason="use the existing QMS")
    assert decision.outcome == ProposalState.REJECTED and decision.revision is None
    with pytest.raises(WorkflowError, match="rejected"):
        gov.approve(plant_store, first.id, "rev1")
    second = gov.create_proposal(plant_store, Proposal.model_validate(vision_proposal()), "ann", submit=False)
    assert second.state == ProposalState.DRAFT
    with pytest.raises(NotPermitted):
        gov.withdraw(plant_store, second.id, "bob")
    assert gov.withdraw(plant_store, second.id, "ann").state == ProposalState.WITHDRAWN
    assert plant_store.revision == 1
    assert [d.outcome for d in gov.list_decisions(plant_store)] == [ProposalState.REJECTED]
    queue, total = gov.list_proposals(plant_store)
    assert total == 2 and [p.state for p in queue] == [ProposalState.WITHDRAWN, ProposalState.REJECTED]


def test_the_audit_log_refuses_updates_and_deletes(plant_store: Store) -> None:
    gov.create_proposal(plant_store, Proposal.model_validate(vision_proposal()), "ann", submit=False)
    for statement in ("UPDATE audit_log SET \"user\" = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), plant_store.engine.begin() as conn:
            conn.execute(text(statement))
    assert gov.read_audit(plant_store)[0].user == "ann"


def test_a_proposal_with_broken_references_is_never_applied(plant_store: Store) -> None:
    doc = vision_proposal()
    doc["flows"][0]["target"] = "mes-typo"
    record = gov.create_proposal(plant_store, Proposal.model_validate(doc), "ann")
    assert record.review is not None and record.review.verdict == gov.Verdict.REJECT
    with pytest.raises(WorkflowError, match="target refers to unknown 'mes-typo'"):
        gov.approve(plant_store, record.id, "rev1")
    assert plant_store.revision == 1
    assert gov.get_proposal(plant_store, record.id).state == ProposalState.IN_REVIEW
