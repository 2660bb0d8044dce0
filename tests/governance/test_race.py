"""Two approvals racing on PostgreSQL: exactly one change set is applied, nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from governance.plant import vision_proposal
from plantarch import governance as gov
from plantarch.governance import Proposal
from plantarch.store import Store, open_store

pytestmark = pytest.mark.postgres


def _race(*approvals: Callable[[], gov.DecisionRecord]) -> list[object]:
    barrier = threading.Barrier(len(approvals))
    results: list[object] = [None] * len(approvals)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = approvals[index]()
        except Exception as exc:  # reported in the assertion below, not lost in the thread
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(approvals))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _approve(url: str, proposal_id: int, reviewer: str) -> gov.DecisionRecord:
    with open_store(database=url) as store:
        return gov.approve(store, proposal_id, reviewer)


def _seeded(postgres_url: str) -> Store:
    from governance.plant import small_plant

    store = open_store(database=postgres_url)
    with store.change(author="seed", reason="small plant") as cs:
        cs.put_many(obj for _, obj in small_plant().all_objects())
    return store


def test_two_reviewers_approving_at_once_apply_the_proposal_once(postgres_url: str) -> None:
    store = _seeded(postgres_url)
    try:
        record = gov.create_proposal(store, Proposal.model_validate(vision_proposal()), "ann")
        results = _race(
            lambda: _approve(postgres_url, record.id, "rev1"),
            lambda: _approve(postgres_url, record.id, "rev2"),
        )
        decisions = [r for r in results if isinstance(r, gov.DecisionRecord)]
        refused = [r for r in results if isinstance(r, gov.WorkflowError)]
        assert len(decisions) == 1 and len(refused) == 1, results
        assert store.revision == 2
        assert len(store.history()) == 2
        assert len(gov.list_decisions(store)) == 1
    finally:
        store.close()


def test_two_proposals_changing_one_system_cannot_both_apply_on_the_same_review(postgres_url: str) -> None:
    store = _seeded(postgres_url)
    try:
        first = vision_proposal()
        second = vision_proposal(title="Vision inspection, other vendor")
        second["systems"][0]["vendor"] = "Keyence"
        a = gov.create_proposal(store, Proposal.model_validate(first), "ann")
        b = gov.create_proposal(store, Proposal.model_validate(second), "bob")
        results = _race(
            lambda: _approve(postgres_url, a.id, "rev1"),
            lambda: _approve(postgres_url, b.id, "rev2"),
        )
        applied = [r for r in results if isinstance(r, gov.DecisionRecord)]
        stale = [r for r in results if isinstance(r, gov.StaleReview)]
        assert len(applied) == 1 and len(stale) == 1, results
        assert store.revision == 2
        winner = applied[0]
        assert isinstance(winner, gov.DecisionRecord)
        vision = store.get("system", "vision-1")
        expected = "Keyence" if winner.proposal_id == b.id else None
        assert vision is not None and vision.vendor == expected  # type: ignore[attr-defined]
    finally:
        store.close()


def test_two_editors_changing_one_system_at_once_lose_neither_change(postgres_url: str) -> None:
    from plantarch.governance.edits import update_object

    store = _seeded(postgres_url)

    def edit(changes: dict[str, str], user: str) -> object:
        with open_store(database=postgres_url) as own:
            return update_object(own, "system", "mes", changes, user)

    try:
        results = _race(
            lambda: edit({"owner": "operations"}, "ed"),  # type: ignore[arg-type,return-value]
            lambda: edit({"vendor": "Siemens"}, "ann"),  # type: ignore[arg-type,return-value]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        mes = store.get("system", "mes")
        assert mes is not None
        assert (mes.owner, mes.vendor) == ("operations", "Siemens")  # type: ignore[attr-defined]
        assert store.revision == 3
    finally:
        store.close()
