"""Waivers through the API: record, list, get and revoke, each write one change set by the token's user
with its audit entry; the waiving role (reviewer, admin) and 422s naming the field."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from api.conftest import Api
from plantarch.model import Waiver

FUTURE = (date.today() + timedelta(days=90)).isoformat()
BODY = {
    "rule": "SEG-005",
    "object": "mes",
    "reason": "historian pull being reversed",
    "approved_by": "OT board",
    "expires": FUTURE,
}


def _audit(api: Api, key: str) -> list[tuple[str, str, int, dict[str, Any]]]:
    entries = api.client.get("/api/audit", params={"target": f"waiver:{key}"}, headers=api.headers("ada"))
    assert entries.status_code == 200
    return [(e["user"], e["action"], e["revision"], e["detail"]) for e in reversed(entries.json())]


def test_a_reviewer_records_and_revokes_a_waiver_as_change_sets_by_them(api: Api) -> None:
    created = api.client.post("/api/waivers", json=BODY, headers=api.headers("rita"))
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["waiver"] == {
        "key": "SEG-005@mes",
        "rule": "SEG-005",
        "object": "mes",
        "reason": "historian pull being reversed",
        "approver": "OT board",
        "expires": FUTURE,
    }
    recorded = api.store.history(limit=1)[0]
    assert (recorded.revision, recorded.author, recorded.source) == (answer["revision"], "rita", "api")
    one = api.client.get("/api/waivers/SEG-005@mes", headers=api.headers("vera"))
    assert one.status_code == 200 and one.json() == answer["waiver"]

    revoked = api.client.delete(
        "/api/waivers/SEG-005@mes", params={"reason": "reversed early"}, headers=api.headers("ada")
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["waiver"] == answer["waiver"]
    change = api.store.history(limit=1)[0]
    assert (change.revision, change.author, change.source) == (revoked.json()["revision"], "ada", "api")
    assert change.reason == "revoke waiver SEG-005@mes: reversed early"
    assert api.store.get("waiver", "SEG-005@mes") is None
    assert api.client.get("/api/waivers/SEG-005@mes", headers=api.headers("vera")).status_code == 404
    waived = {"rule": "SEG-005", "object": "mes", "expires": FUTURE, "approver": "OT board"}
    audit = _audit(api, "SEG-005@mes")
    assert [entry[:3] for entry in audit] == [
        ("rita", "waive", answer["revision"]),
        ("ada", "revoke", change.revision),
    ]
    assert audit[0][3] | waived == audit[0][3] and audit[1][3] | waived == audit[1][3]
    assert audit[1][3]["reason"] == "revoke waiver SEG-005@mes: reversed early"
    again = api.client.delete("/api/waivers/SEG-005@mes", headers=api.headers("ada"))
    assert again.status_code == 404 and api.store.history(limit=1)[0].revision == change.revision


def test_a_waiver_of_every_object_is_keyed_rule_at_all(api: Api) -> None:
    created = api.client.post("/api/waivers", json=BODY | {"object": "*"}, headers=api.headers("ada"))
    assert created.status_code == 201 and created.json()["waiver"]["key"] == "SEG-005@all"
    assert api.client.delete("/api/waivers/SEG-005@all", headers=api.headers("rob")).status_code == 200


def test_the_list_filters_by_rule_object_and_expiry_and_pages(api: Api) -> None:
    today = date.today()
    with api.store.change(author="seed", reason="waivers") as cs:
        for rule, obj, days in [("SEG-005", "mes", 30), ("SEG-005", "erp", -1), ("LIFE-001", "mes", 0)]:
            cs.put(
                Waiver(
                    key=f"{rule}@{obj}",
                    rule=rule,
                    object=obj,
                    reason="r",
                    approver="a",
                    expires=today + timedelta(days=days),
                )
            )

    def keys(**params: Any) -> list[str]:
        page = api.client.get("/api/waivers", params=params, headers=api.headers("vera"))
        assert page.status_code == 200, page.text
        return [w["key"] for w in page.json()["items"]]

    assert keys() == ["LIFE-001@mes", "SEG-005@erp", "SEG-005@mes"]
    assert keys(rule="SEG-005") == ["SEG-005@erp", "SEG-005@mes"]
    assert keys(object="mes") == ["LIFE-001@mes", "SEG-005@mes"]
    assert keys(active="true") == ["LIFE-001@mes", "SEG-005@mes"]  # a waiver runs through its last day
    assert keys(active="false") == ["SEG-005@erp"]
    assert keys(expires_from=(today + timedelta(days=1)).isoformat()) == ["SEG-005@mes"]
    assert keys(expires_before=today.isoformat(), rule="LIFE-001") == []
    page = api.client.get("/api/waivers", params={"limit": 1, "offset": 1}, headers=api.headers("vera"))
    assert page.json() | {"items": None} == {"items": None, "total": 3, "limit": 1, "offset": 1}
    assert [w["key"] for w in page.json()["items"]] == ["SEG-005@erp"]
    bad = api.client.get("/api/waivers", params={"expires_from": "soon"}, headers=api.headers("vera"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "expires_from"]
    bad = api.client.get("/api/waivers", params={"active": "maybe"}, headers=api.headers("vera"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "active"]


@pytest.mark.parametrize(("user", "status"), [("vera", 403), ("ed", 403), ("rita", 201), ("ada", 201)])
def test_only_reviewers_and_admins_record_waivers(api: Api, user: str, status: int) -> None:
    revision = api.store.revision
    answer = api.client.post("/api/waivers", json=BODY, headers=api.headers(user))
    assert answer.status_code == status
    if status == 403:
        assert "needs the reviewer role" in answer.json()["detail"]
        assert api.store.revision == revision and api.store.get("waiver", "SEG-005@mes") is None
    else:
        assert api.store.get("waiver", "SEG-005@mes") is not None


@pytest.mark.parametrize(("user", "status"), [("vera", 403), ("ed", 403), ("rob", 200), ("ada", 200)])
def test_only_reviewers_and_admins_revoke_waivers(api: Api, user: str, status: int) -> None:
    assert api.client.post("/api/waivers", json=BODY, headers=api.headers("rita")).status_code == 201
    revision = api.store.revision
    answer = api.client.delete("/api/waivers/SEG-005@mes", headers=api.headers(user))
    assert answer.status_code == status
    kept = api.store.get("waiver", "SEG-005@mes")
    if status == 403:
        assert kept is not None and api.store.revision == revision
    else:
        assert kept is None


def test_everyone_authenticated_reads_and_nobody_else(api: Api) -> None:
    assert api.client.post("/api/waivers", json=BODY, headers=api.headers("rita")).status_code == 201
    for user in ("vera", "ed", "rita", "ada"):
        assert api.client.get("/api/waivers", headers=api.headers(user)).json()["total"] == 1
        assert api.client.get("/api/waivers/SEG-005@mes", headers=api.headers(user)).status_code == 200
    assert api.client.get("/api/waivers").status_code == 401
    assert api.client.post("/api/waivers", json=BODY).status_code == 401
    assert api.client.delete("/api/waivers/SEG-005@mes").status_code == 401
    assert api.store.get("waiver", "SEG-005@mes") is not None


@pytest.mark.parametrize(
    ("changes", "loc", "message"),
    [
        ({"rule": "SEG-999"}, ["body", "rule"], "unknown rule 'SEG-999'"),
        ({"object": "ghost"}, ["body", "object"], "no object with key 'ghost'"),
        ({"expires": "2020-01-01"}, ["body", "expires"], "is in the past"),
        ({"expires": (date.today() - timedelta(days=1)).isoformat()}, ["body", "expires"], "in the past"),
        ({"expires": "31/12/2027"}, ["body", "expires"], ""),
        ({"reason": "   "}, ["body", "reason"], "a waiver needs a reason"),
        ({"approved_by": " "}, ["body", "approved_by"], "a waiver needs an approver"),
        ({"reason": ""}, ["body", "reason"], ""),
        ({"approver": "x"}, ["body", "approver"], ""),
        ({"reason": "a\x00b"}, ["body", "reason"], "NUL"),  # PostgreSQL stores no NUL: never a 500
        ({"object": "mes\x00"}, ["body", "object"], "NUL"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(
    api: Api, changes: dict[str, str], loc: list[str], message: str
) -> None:
    revision = api.store.revision
    answer = api.client.post("/api/waivers", json=BODY | changes, headers=api.headers("rita"))
    assert answer.status_code == 422, answer.text
    error = answer.json()["detail"][0]
    assert error["loc"] == loc and message in error["msg"]
    assert api.store.revision == revision and api.store.list("waiver") == []


def test_missing_fields_are_422(api: Api) -> None:
    answer = api.client.post("/api/waivers", json={"rule": "SEG-005"}, headers=api.headers("rita"))
    assert answer.status_code == 422
    missing = sorted(e["loc"][-1] for e in answer.json()["detail"])
    assert missing == ["approved_by", "expires", "object", "reason"]


def test_the_waiver_routes_are_in_the_openapi_document(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    assert set(paths["/api/waivers"]) == {"get", "post"}
    assert set(paths["/api/waivers/{key}"]) == {"get", "delete"}
    query = {p["name"] for p in paths["/api/waivers"]["get"]["parameters"]}
    assert {"rule", "object", "q", "active", "expires_from", "expires_before", "limit", "offset"} <= query


def test_a_key_or_filter_with_a_nul_character_is_422_not_500(api: Api) -> None:
    """PostgreSQL takes no NUL in a text parameter; the routes refuse it before the database sees it."""
    assert api.client.post("/api/waivers", json=BODY, headers=api.headers("rita")).status_code == 201
    for method in ("GET", "DELETE"):
        answer = api.client.request(method, "/api/waivers/SEG-005%00", headers=api.headers("ada"))
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["path", "key"]
    listed = api.client.get("/api/waivers", params={"object": "mes\x00"}, headers=api.headers("vera"))
    assert listed.status_code == 422 and listed.json()["detail"][0]["loc"] == ["query", "object"]
    assert api.store.get("waiver", "SEG-005@mes") is not None
