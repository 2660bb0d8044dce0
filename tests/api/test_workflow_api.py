"""The whole review through the API: propose, review, comment, vote, approve, apply, history, diff."""

from __future__ import annotations

from api.conftest import Api
from governance.plant import vision_proposal


def test_a_proposal_goes_from_submission_to_one_applied_change_set(api: Api) -> None:
    created = api.client.post("/api/proposals", json=vision_proposal(risk="high"), headers=api.headers("ann"))
    assert created.status_code == 201, created.text
    proposal = created.json()
    pid = proposal["id"]
    assert proposal["state"] == "in-review"
    review = api.client.get(f"/api/proposals/{pid}/review", headers=api.headers("vera")).json()
    assert review["verdict"] == "approve-with-conditions"
    assert review["impact"]["capability_overlaps"][0]["existing"] == ["qms"]
    assert review["model_revision"] == 1

    api.client.post(
        f"/api/proposals/{pid}/comments", json={"text": "Camera vendor?"}, headers=api.headers("ed")
    )
    too_few = api.client.post(f"/api/proposals/{pid}/approve", json={}, headers=api.headers("rita"))
    assert too_few.status_code == 409
    assert "needs 2 approving reviewer votes" in too_few.json()["detail"]
    votes = api.client.post(
        f"/api/proposals/{pid}/votes", json={"choice": "approve"}, headers=api.headers("rob")
    )
    assert votes.json() == {"rob": "approve"}
    decided = api.client.post(
        f"/api/proposals/{pid}/approve",
        json={"conditions": ["move the QMS link onto the broker by Q3"]},
        headers=api.headers("rita"),
    )
    assert decided.status_code == 200, decided.text
    decision = decided.json()
    assert decision["outcome"] == "approved-with-conditions"
    assert decision["revision"] == 2
    assert decision["decided_by"] == "rita"

    assert api.client.get("/api/systems/vision-1", headers=api.headers("vera")).json()["zone"] == "cell-1"
    history = api.client.get("/api/history", headers=api.headers("vera")).json()
    assert history[0]["revision"] == 2 and history[0]["author"] == "rita"
    assert history[0]["reason"] == f"proposal #{pid}: Vision inspection on line 1"
    diff = api.client.get("/api/diff", params={"from": 1, "to": 2}, headers=api.headers("vera")).json()
    assert sorted(c["key"] for c in diff) == ["vision-1", "vision-mes", "vision-qms"]
    again = api.client.post(f"/api/proposals/{pid}/approve", json={}, headers=api.headers("rob"))
    assert again.status_code == 409
    assert api.client.get("/api/decisions", headers=api.headers("vera")).json()[0]["proposal_id"] == pid
    queue = api.client.get(
        "/api/proposals", params={"state": "approved-with-conditions"}, headers=api.headers("vera")
    )
    assert queue.json()["total"] == 1


def test_approval_is_refused_while_the_review_is_stale(api: Api) -> None:
    pid = api.client.post("/api/proposals", json=vision_proposal(), headers=api.headers("ann")).json()["id"]
    changed = api.client.patch("/api/systems/mes", json={"owner": "operations"}, headers=api.headers("ed"))
    assert changed.status_code == 200 and changed.json()["owner"] == "operations"
    stale = api.client.post(f"/api/proposals/{pid}/approve", json={}, headers=api.headers("rita"))
    assert stale.status_code == 409
    assert "review was re-run at revision 2" in stale.json()["detail"]
    assert (
        api.client.post(f"/api/proposals/{pid}/approve", json={}, headers=api.headers("rita")).status_code
        == 200
    )
    assert api.store.revision == 3


def test_drafts_are_edited_by_their_author_then_submitted_or_withdrawn(api: Api) -> None:
    draft = api.client.post(
        "/api/proposals", params={"submit": "false"}, json=vision_proposal(), headers=api.headers("ann")
    ).json()
    assert draft["state"] == "draft" and draft["review"] is None
    edited = vision_proposal(title="Vision inspection on line 1, phase 1")
    assert (
        api.client.put(f"/api/proposals/{draft['id']}", json=edited, headers=api.headers("ed")).status_code
        == 403
    )
    assert (
        api.client.put(f"/api/proposals/{draft['id']}", json=edited, headers=api.headers("ann")).status_code
        == 200
    )
    submitted = api.client.post(f"/api/proposals/{draft['id']}/submit", headers=api.headers("ann")).json()
    assert submitted["state"] == "in-review" and submitted["title"].endswith("phase 1")
    withdrawn = api.client.post(f"/api/proposals/{draft['id']}/withdraw", headers=api.headers("ann"))
    assert withdrawn.json()["state"] == "withdrawn"
    rejected = api.client.post(f"/api/proposals/{draft['id']}/reject", json={}, headers=api.headers("rita"))
    assert rejected.status_code == 409


def test_invalid_proposals_get_422_with_the_field_location(api: Api) -> None:
    bad = vision_proposal()
    bad["systems"][0]["kind"] = "spaceship"
    answer = api.client.post("/api/proposals", json=bad, headers=api.headers("ann"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "systems", 0, "kind"]
    answer = api.client.post("/api/proposals", json={"title": "empty"}, headers=api.headers("ann"))
    assert answer.status_code == 422
    assert "at least one object" in answer.json()["detail"][0]["msg"]
    answer = api.client.post("/api/proposals", content=b"{not json", headers=api.headers("ann"))
    assert answer.status_code == 422
    assert api.client.get("/api/proposals/999", headers=api.headers("vera")).status_code == 404
