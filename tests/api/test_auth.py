"""Authentication and every role boundary: viewer reads, editor writes, reviewer decides, admin all."""

from __future__ import annotations

import pytest

from api.conftest import Api
from governance.plant import vision_proposal
from plantarch.api.auth import auth_configured, hash_token, list_tokens, revoke_token


def test_no_token_or_a_wrong_one_is_refused(api: Api) -> None:
    answer = api.client.get("/api/systems")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert api.client.get("/api/systems", headers={"Authorization": "Bearer pat_wrong"}).status_code == 401


def test_tokens_are_stored_hashed_and_a_revoked_token_stops_working(api: Api) -> None:
    token = api.tokens["vera"]
    listed = {t.user: t for t in list_tokens(api.store)}
    assert token not in str([t.model_dump() for t in listed.values()])
    from sqlalchemy import text

    with api.store.engine.connect() as conn:
        hashes = set(conn.scalars(text("SELECT token_hash FROM api_tokens")))
    assert hash_token(token) in hashes and token not in hashes
    assert api.client.get("/api/systems", headers=api.headers("vera")).status_code == 200
    revoke_token(api.store, listed["vera"].id)
    assert api.client.get("/api/systems", headers=api.headers("vera")).status_code == 401
    assert auth_configured(api.store)


def test_the_token_is_also_accepted_from_the_web_ui_cookie(api: Api) -> None:
    api.client.cookies.set("plantarch_token", api.tokens["vera"])
    try:
        assert api.client.get("/api/systems").status_code == 200
    finally:
        api.client.cookies.clear()


NEW_SYSTEM = {"key": "hist-2", "name": "Historian 2", "kind": "historian", "zone": "operations"}


@pytest.mark.parametrize(("user", "status"), [("vera", 403), ("ed", 201), ("rita", 201), ("ada", 201)])
def test_a_viewer_cannot_write_the_inventory(api: Api, user: str, status: int) -> None:
    answer = api.client.post("/api/systems", json=NEW_SYSTEM, headers=api.headers(user))
    assert answer.status_code == status, answer.text
    assert (api.store.get("system", "hist-2") is not None) == (status == 201)


def test_a_viewer_cannot_propose_and_an_editor_cannot_vote_or_approve(api: Api) -> None:
    assert (
        api.client.post("/api/proposals", json=vision_proposal(), headers=api.headers("vera")).status_code
        == 403
    )
    created = api.client.post("/api/proposals", json=vision_proposal(), headers=api.headers("ann"))
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    vote = api.client.post(
        f"/api/proposals/{pid}/votes", json={"choice": "approve"}, headers=api.headers("ed")
    )
    assert vote.status_code == 403
    assert "needs the reviewer role" in vote.json()["detail"]
    for path in ("approve", "reject"):
        assert (
            api.client.post(f"/api/proposals/{pid}/{path}", json={}, headers=api.headers("ed")).status_code
            == 403
        )
    assert api.store.revision == 1


def test_nobody_approves_their_own_proposal(api: Api) -> None:
    pid = api.client.post("/api/proposals", json=vision_proposal(), headers=api.headers("rita")).json()["id"]
    own = api.client.post(f"/api/proposals/{pid}/approve", json={}, headers=api.headers("rita"))
    assert own.status_code == 403
    assert "cannot approve" in own.json()["detail"]
    assert (
        api.client.post(f"/api/proposals/{pid}/approve", json={}, headers=api.headers("rob")).status_code
        == 200
    )


def test_only_reviewers_read_the_audit_log(api: Api) -> None:
    assert api.client.get("/api/audit", headers=api.headers("ed")).status_code == 403
    entries = api.client.get("/api/audit", headers=api.headers("rita")).json()
    assert {(e["user"], e["action"]) for e in entries if e["action"] != "token-create"} == {
        ("seed", "change")
    }


def test_a_cached_token_is_looked_up_again_after_its_seconds(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from plantarch.api import auth

    now = [1000.0]  # the cache's clock, moved by hand: a loaded machine cannot make the test flaky
    monkeypatch.setattr(auth, "time", SimpleNamespace(monotonic=lambda: now[0]))
    cache = auth.TokenCache(seconds=0.2)
    token = api.tokens["vera"]
    assert cache.authenticate(api.store, token) is not None
    revoke_token(api.store, next(t.id for t in list_tokens(api.store) if t.user == "vera"))
    now[0] += 0.19
    assert cache.authenticate(api.store, token) is not None  # still trusted for up to 0.2 s
    now[0] += 0.02
    assert cache.authenticate(api.store, token) is None


def test_the_api_trusts_a_checked_token_for_its_cache_seconds_then_looks_again(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the app: a checked token answers from the cache (no lookup), a revoked one stops working
    once the entry is older than token_cache_seconds, and a wrong token is refused from the cache too."""
    from types import SimpleNamespace

    from api.conftest import asgi_client
    from plantarch.api import auth
    from plantarch.api.app import create_app
    from plantarch.api.settings import ApiSettings

    now = [1000.0]  # the cache's clock, moved by hand
    monkeypatch.setattr(auth, "time", SimpleNamespace(monotonic=lambda: now[0]))
    headers = api.headers("vera")
    with asgi_client(create_app(api.store, ApiSettings(token_cache_seconds=5))) as client:
        assert client.get("/api/systems", headers=headers).status_code == 200
        assert client.get("/api/systems", headers={"Authorization": "Bearer pat_wrong"}).status_code == 401
        revoke_token(api.store, next(t.id for t in list_tokens(api.store) if t.user == "vera"))
        now[0] += 4.9
        assert client.get("/api/systems/mes", headers=headers).status_code == 200  # cached
        assert client.get("/api/systems", headers={"Authorization": "Bearer pat_wrong"}).status_code == 401
        now[0] += 0.2
        assert client.get("/api/systems", headers=headers).status_code == 401


def test_the_openapi_spec_and_docs_are_served_and_list_every_resource(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    for path in ("/api/systems", "/api/assets/{key}", "/api/proposals/{proposal_id}/approve", "/api/diff"):
        assert path in spec["paths"]
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert api.client.get("/docs").status_code == 200


def test_without_tokens_a_loopback_server_acts_as_the_local_admin(api: Api) -> None:
    from api.conftest import asgi_client
    from plantarch.api.app import create_app
    from plantarch.api.auth import Role
    from plantarch.api.settings import ApiSettings

    with asgi_client(create_app(api.store, ApiSettings(anonymous_role=Role.ADMIN))) as client:
        created = client.post("/api/zones", json={"key": "dmz", "name": "DMZ"})
        assert created.status_code == 201
    assert (
        api.client.get("/api/audit", params={"target": "zone:dmz"}, headers=api.headers("ada")).json()[0][
            "user"
        ]
        == "local"
    )
