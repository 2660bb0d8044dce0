"""The pages over HTTP (no browser): login and cookie, CSRF and roles on decisions, escaping, filters,
sorting and pages, the topology's aggregation, the fallback without the built script, background analysis."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.conftest import asgi_client
from plantarch.api.app import create_app
from plantarch.api.auth import create_token
from plantarch.api.settings import ApiSettings
from plantarch.store import Store, open_store
from plantarch.web.snapshot import SnapshotCache
from plantarch.web.topology import TopologyIndex, topology_graph
from web.capture import EVIL_HOSTNAME
from web.conftest import EVIL_SYSTEM_NAME, USERS, fill_store


class Site:
    """The app over a filled store, with a token per user."""

    def __init__(self, store: Store, proposals: dict[str, int], evil_asset: str) -> None:
        self.store = store
        self.proposals = proposals
        self.evil_asset = evil_asset
        self.tokens = {user: create_token(store, user, role)[1] for user, role in USERS.items()}
        self.app = create_app(store, ApiSettings())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo plant (with the script-carrying capture and proposals) behind the app."""
    tmp = tmp_path_factory.mktemp("pages")
    store = open_store(workspace=tmp / ".plantarch")
    proposals, evil = fill_store(store, tmp)
    yield Site(store, proposals, evil)
    store.close()


@pytest.fixture
def client(site: Site) -> Iterator[httpx.Client]:
    """A client without a cookie."""
    with asgi_client(site.app) as c:
        yield c


def _as(client: httpx.Client, site: Site, user: str) -> httpx.Client:
    client.cookies.set("plantarch_token", site.tokens[user])
    return client


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def test_pages_need_a_login(client: httpx.Client) -> None:
    """Without a token every page redirects to the login form, keeping where the user wanted to go."""
    answer = client.get("/inventory/asset?zone=z-idmz")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=%2Finventory%2Fasset%3Fzone%3Dz-idmz")


def test_login_sets_an_httponly_strict_cookie(client: httpx.Client, site: Site) -> None:
    """A valid token logs in (HttpOnly, SameSite=Strict cookie); a wrong one is refused with a message."""
    refused = client.post("/login", data={"token": "pat_wrong", "next": "/"})
    assert refused.status_code == 401
    assert "not valid" in refused.text
    answer = client.post("/login", data={"token": site.tokens["vera"], "next": "//evil.example/"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "vera (viewer)" in client.get("/").text


def test_decisions_need_the_form_token_and_the_reviewer_role(client: httpx.Client, site: Site) -> None:
    """A post without the page's CSRF token is refused; a viewer's post with one is refused too."""
    number = site.proposals["viewer-sees"]
    _as(client, site, "rita")
    assert client.post(f"/reviews/{number}/approve", data={"csrf": "0" * 64}).status_code == 403
    _as(client, site, "vera")
    page = client.get(f"/reviews/{number}").text
    assert 'id="approve"' not in page
    answer = client.post(f"/reviews/{number}/approve", data={"csrf": _viewer_csrf(site)})
    assert answer.status_code == 403
    assert site.store.get("system", "vision-2") is None


def _viewer_csrf(site: Site) -> str:
    """The viewer's CSRF token as the server computes it (a viewer's pages carry no decision form)."""
    import hashlib
    import hmac

    secret: bytes = site.app.state.web_secret
    return hmac.new(secret, site.tokens["vera"].encode(), hashlib.sha256).hexdigest()


def test_reviewer_rejects_through_the_governance_rules(
    client: httpx.Client, site: Site, tmp_path: Path
) -> None:
    """Rejecting from the page records the decision with the logged-in reviewer."""
    from plantarch.governance import create_proposal, get_proposal, proposal_from_data

    proposal = proposal_from_data(
        {"title": "Spare HMI", "systems": [{"key": "hmi-x", "name": "X", "kind": "hmi"}]}
    )
    number = create_proposal(site.store, proposal, "ed").id
    _as(client, site, "rita")
    page = client.get(f"/reviews/{number}").text
    answer = client.post(f"/reviews/{number}/reject", data={"csrf": _csrf(page), "reason": "duplicate"})
    assert answer.status_code == 303
    record = get_proposal(site.store, number)
    assert record.state == "rejected"
    assert record.decision is not None and record.decision.decided_by == "rita"


def test_user_strings_are_escaped_and_scripts_blocked(client: httpx.Client, site: Site) -> None:
    """Names from captures and people arrive HTML-escaped, and the CSP forbids inline scripts anyway."""
    _as(client, site, "vera")
    page = client.get(f"/inventory/asset/{site.evil_asset}")
    assert page.status_code == 200
    assert "&lt;script&gt;document.title=" in page.text
    assert EVIL_HOSTNAME not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    system = client.get("/inventory/system/evil-system").text
    assert EVIL_SYSTEM_NAME not in system and "&lt;img src=x onerror=" in system
    graph = client.get("/topology/graph?view=purdue").json()
    assert EVIL_SYSTEM_NAME in {n["data"].get("label") for n in graph["nodes"]}  # JSON, drawn as canvas text


def test_inventory_filters_sorts_and_pages(client: httpx.Client, site: Site) -> None:
    """Filters come from plantarch.filters; sorting and pages follow the query string; bad input says why."""
    _as(client, site, "vera")
    first = client.get("/inventory/asset?size=25&sort=name&dir=desc").text
    names = re.findall(r'<tr><td><a href="/inventory/asset/[^"]+">[^<]+</a></td><td>([^<]*)</td>', first)
    assert len(names) == 25 and names == sorted(names, reverse=True)
    total = int(re.search(r'id="total">([\d,]+) found', first).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert f"page 1 of {-(-total // 25)}" in first
    second = client.get("/inventory/asset?size=25&sort=name&dir=desc&page=2").text
    assert "page 2 of" in second and names[0] not in second
    modbus = client.get("/inventory/flow?protocol=modbus").text
    assert "<td>modbus</td>" in modbus and "<td>https</td>" not in modbus
    bad = client.get("/inventory/system?purdue_level=high")
    assert bad.status_code == 400 and "needs a number" in bad.text
    assert client.get("/inventory/system?sort=secret").status_code == 400
    assert client.get("/inventory/nonsense").status_code == 404


def test_detail_page_shows_sources_and_history(client: httpx.Client, site: Site) -> None:
    """An asset found in the capture shows which source gave its hostname and the change that added it."""
    _as(client, site, "vera")
    page = client.get(f"/inventory/asset/{site.evil_asset}").text
    assert 'id="provenance"' in page and "pcap" in page
    history = page.split('id="history"')[1]
    assert "capture" in history and "test" in history


def test_topology_aggregates_above_the_threshold(site: Site) -> None:
    """Above the threshold the graph holds groups whose sizes add up to every endpoint drawn."""
    topo = TopologyIndex.build(site.store.load_model())
    whole = topology_graph(topo, "purdue", threshold=50)
    groups = [n for n in whole["nodes"] if n["data"].get("group") == "level"]
    assert whole["aggregated"] and sum(n["data"]["count"] for n in groups) == whole["endpoints"] > 50
    ids = {n["data"]["id"] for n in whole["nodes"]}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in whole["edges"])
    zones = topology_graph(topo, "zones", threshold=50)
    assert zones["aggregated"] and any(e["data"].get("conduit") for e in zones["edges"])
    detailed = topology_graph(topo, "zones", site="riverside-plant", protocol="modbus")
    assert not detailed["aggregated"]
    endpoints = [n for n in detailed["nodes"] if n["data"].get("kind")]
    assert endpoints and all(n["data"]["url"].startswith("/inventory/") for n in endpoints)
    assert detailed["flows"] == sum(
        e["data"]["count"] for e in detailed["edges"] if not e["data"].get("conduit")
    )


def test_topology_endpoint_uses_the_app_threshold(client: httpx.Client, site: Site) -> None:
    """The graph endpoint aggregates with the app's threshold."""
    _as(client, site, "vera")
    site.app.state.web_threshold = 40
    try:
        graph = client.get("/topology/graph?view=zones").json()
    finally:
        site.app.state.web_threshold = 500
    assert graph["aggregated"] and len(graph["nodes"]) < graph["endpoints"]


def test_topology_page_without_the_built_script(client: httpx.Client, site: Site) -> None:
    """Without the npm bundle the topology page still renders and says what is missing."""
    _as(client, site, "vera")
    site.app.state.web_bundle = False
    try:
        page = client.get("/topology").text
    finally:
        site.app.state.web_bundle = True
    assert 'id="no-bundle"' in page and "make web-assets" in page and "<script" not in page


def test_large_models_are_analysed_in_the_background(site: Site) -> None:
    """A model above the size limit is analysed in a thread; pages answer at once meanwhile."""
    cache = SnapshotCache(background_above=0)
    first = cache.get(site.store)
    snapshot = cache.wait(site.store, timeout=120)
    assert first is None or first.revision == snapshot.revision
    assert snapshot.revision == site.store.revision and snapshot.analysis is not None
    assert cache.get(site.store) is snapshot


def test_dashboard_says_when_figures_are_being_computed(client: httpx.Client, site: Site) -> None:
    """While the analysis runs the dashboard shows counts and a notice instead of waiting."""
    _as(client, site, "vera")
    original = site.app.state.web_snapshots
    site.app.state.web_snapshots = _Never()
    try:
        page = client.get("/")
        findings = client.get("/findings")
    finally:
        site.app.state.web_snapshots = original
    assert page.status_code == 200 and 'id="computing"' in page.text and 'id="counts"' in page.text
    assert findings.status_code == 202


class _Never:
    """A snapshot cache still computing."""

    def get(self, store: Any) -> None:
        return None


def test_every_answer_carries_the_security_headers(client: httpx.Client, site: Site) -> None:
    """Pages carry the CSP; API answers and /docs do not (Swagger UI runs inline script), but every answer,
    errors included, says nosniff and a same-origin referrer policy."""
    _as(client, site, "vera")
    page = client.get("/inventory/asset")
    api = client.get("/api/assets", params={"limit": 1})
    missing = client.get("/api/assets/no-such-asset")
    docs = client.get("/docs")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for answer in (api, missing, docs):
        assert "content-security-policy" not in answer.headers
    assert [a.status_code for a in (page, api, missing, docs)] == [200, 200, 404, 200]
    for answer in (page, api, missing, docs):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
