"""Waiving a finding from the web UI over HTTP (no browser): the form's errors beside their fields,
roles and CSRF, the change set and audit entry of a recorded waiver, expired waivers shown as expired."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from api.conftest import asgi_client
from plantarch.api.app import create_app
from plantarch.api.auth import create_token
from plantarch.api.settings import ApiSettings
from plantarch.governance import read_audit
from plantarch.model import Waiver
from plantarch.store import Store, open_store
from plantarch.web.snapshot import SnapshotCache
from web.conftest import USERS

RULE, OBJECT = "SEG-006", "l2-ews-pc"
"""A finding of the demo plant: the dual-homed engineering PC."""
FUTURE = (date.today() + timedelta(days=90)).isoformat()


class Site:
    """The demo plant behind the app, with a token per user."""

    def __init__(self, tmp: Path) -> None:
        from plantarch.demo.run import demo_plant_dir
        from plantarch.interchange.model_io import import_model

        self.store: Store = open_store(workspace=tmp / ".plantarch")
        import_model(self.store, demo_plant_dir(), author="test", reason="import the demo plant")
        self.tokens = {user: create_token(self.store, user, role)[1] for user, role in USERS.items()}
        self.app = create_app(self.store, ApiSettings())

    def csrf(self, user: str) -> str:
        """The user's form token as the server computes it (for users whose pages carry no form)."""
        secret: bytes = self.app.state.web_secret
        return hmac.new(secret, self.tokens[user].encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo plant served in-process."""
    built = Site(tmp_path_factory.mktemp("waive"))
    yield built
    built.store.close()


@pytest.fixture
def client(site: Site) -> Iterator[httpx.Client]:
    """A client without a cookie; `_as` logs it in."""
    with asgi_client(site.app) as c:
        yield c


def _as(client: httpx.Client, site: Site, user: str) -> httpx.Client:
    client.cookies.set("plantarch_token", site.tokens[user])
    return client


def _form(client: httpx.Client, rule: str = RULE, obj: str = OBJECT) -> dict[str, str]:
    """The waive form's hidden fields (CSRF token, rule, object) as the page gives them."""
    page = client.get("/findings/waive", params={"rule": rule, "object": obj})
    assert page.status_code == 200, page.text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text))
    assert set(hidden) == {"csrf", "rule", "object"}
    return hidden


def _field_error(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert found, f"no error beside the {field} field"
    return found.group(1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"expires": "2020-01-01"}, "expires", "expiry 2020-01-01 is in the past"),
        ({"expires": (date.today() - timedelta(days=1)).isoformat()}, "expires", "is in the past"),
        ({"expires": "31/12/2027"}, "expires", "is not a date (expected YYYY-MM-DD)"),
        ({"expires": ""}, "expires", "give the date the waiver ends"),
        ({"reason": "   "}, "reason", "a waiver needs a reason"),
        ({"approver": ""}, "approver", "a waiver needs an approver"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_stores_nothing(
    client: httpx.Client, site: Site, changes: dict[str, str], field: str, message: str
) -> None:
    """A past, malformed or missing expiry, or a blank reason or approver: 422, the form again with the
    message beside the field and what was typed kept, and no change set."""
    _as(client, site, "rita")
    revision = site.store.revision
    data = _form(client) | {
        "reason": "jump host replaces it in Q2",
        "approver": "OT board",
        "expires": FUTURE,
    }
    answer = client.post("/findings/waive", data=data | changes)
    assert answer.status_code == 422
    assert message in _field_error(answer.text, field)
    assert 'aria-invalid="true"' in answer.text
    if field != "reason":
        assert "jump host replaces it in Q2</textarea>" in answer.text
    assert site.store.revision == revision
    assert site.store.get("waiver", f"{RULE}@{OBJECT}") is None


@pytest.mark.parametrize(
    ("rule", "obj", "message"), [("SEG-999", OBJECT, "unknown rule"), (RULE, "ghost", "no object")]
)
def test_unknown_rule_or_object_is_a_form_error(
    client: httpx.Client, site: Site, rule: str, obj: str, message: str
) -> None:
    """A forged or stale rule or object is refused by the library's checks, shown above the form."""
    _as(client, site, "rita")
    revision = site.store.revision
    data = _form(client) | {"rule": rule, "object": obj, "reason": "r", "approver": "a", "expires": FUTURE}
    answer = client.post("/findings/waive", data=data)
    assert answer.status_code == 422
    assert message in answer.text.split('id="form-error">')[1]
    assert site.store.revision == revision


def test_viewers_and_editors_get_no_form_and_their_posts_are_refused(
    client: httpx.Client, site: Site
) -> None:
    """Waiving needs the reviewer role: no Waive link or form for others, and the route answers 403
    (with the user's genuine form token, and without one)."""
    revision = site.store.revision
    data = {"rule": RULE, "object": OBJECT, "reason": "r", "approver": "a", "expires": FUTURE}
    for user in ("vera", "ed"):
        _as(client, site, user)
        findings = client.get("/findings", params={"rule": RULE})
        assert findings.status_code == 200 and OBJECT in findings.text
        assert "/findings/waive" not in findings.text
        refused = client.get("/findings/waive", params={"rule": RULE, "object": OBJECT})
        assert refused.status_code == 403 and "needs the reviewer role" in refused.text
        assert 'name="reason"' not in refused.text
        assert client.post("/findings/waive", data=data | {"csrf": site.csrf(user)}).status_code == 403
        assert client.post("/findings/waive", data=data | {"csrf": "0" * 64}).status_code == 403
    _as(client, site, "rita")
    assert client.post("/findings/waive", data=data | {"csrf": "0" * 64}).status_code == 403
    assert site.store.revision == revision
    assert site.store.get("waiver", f"{RULE}@{OBJECT}") is None


def test_reviewer_waives_a_finding_as_one_change_set_by_them(client: httpx.Client, site: Site) -> None:
    """The waiver is stored by the logged-in reviewer (change set and audit entry), and the findings
    page they return to shows the finding waived, without a Waive link."""
    _as(client, site, "rita")
    findings = client.get("/findings", params={"rule": RULE}).text
    assert f'href="/findings/waive?rule={RULE}&amp;object={OBJECT}"' in findings
    data = _form(client) | {
        "reason": "  jump host replaces it in Q2 ",
        "approver": "OT board",
        "expires": FUTURE,
    }
    answer = client.post("/findings/waive", data=data)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/findings?rule={RULE}&q={OBJECT}&waived={RULE}%40{OBJECT}"
    waiver = site.store.get("waiver", f"{RULE}@{OBJECT}")
    assert isinstance(waiver, Waiver)
    assert (waiver.reason, waiver.approver, waiver.expires.isoformat()) == (
        "jump host replaces it in Q2",
        "OT board",
        FUTURE,
    )
    change = site.store.history(limit=1)[0]
    assert (change.author, change.source, change.reason) == ("rita", "web", f"waive {RULE} on {OBJECT}")
    audit = read_audit(site.store, target=f"waiver:{RULE}@{OBJECT}")
    assert [(a.user, a.action, a.revision) for a in audit] == [("rita", "waive", change.revision)]
    page = client.get(answer.headers["location"]).text
    assert "recorded" in page.split('id="waiver-recorded"')[1].split("</p>")[0]
    row = page.split(f'data-object="{OBJECT}"')[1].split("</tr>")[0]
    assert f"waived until {FUTURE}" in row
    assert "/findings/waive" not in row


def test_expired_waiver_is_shown_expired_and_can_be_renewed(client: httpx.Client, site: Site) -> None:
    """A waiver past its date: the finding is open with the note, the waiver is marked expired, and a
    reviewer gets Renew, whose form says which waiver it replaces."""
    lapsed = date.today() - timedelta(days=3)
    with site.store.change(author="test", reason="an old waiver") as cs:
        cs.put(
            Waiver(
                key="LIFE-001@l2-hmi-erector",
                rule="LIFE-001",
                object="l2-hmi-erector",
                reason="spares",
                approver="board",
                expires=lapsed,
            )
        )
    _as(client, site, "rita")
    page = client.get("/findings", params={"rule": "LIFE-001"}).text
    row = page.split('data-object="l2-hmi-erector"')[1].split("</tr>")[0]
    assert f"waiver expired {lapsed.isoformat()}" in row and "Renew…" in row
    waivers = page.split('data-waiver="LIFE-001@l2-hmi-erector"')[1].split("</tr>")[0]
    assert "expired" in waivers and "active" not in waivers
    form = client.get("/findings/waive", params={"rule": "LIFE-001", "object": "l2-hmi-erector"}).text
    assert "This replaces waiver" in form and f"expired on {lapsed.isoformat()}" in form


def test_snapshot_is_rebuilt_when_the_day_changes(site: Site) -> None:
    """A server running past midnight re-checks: yesterday's snapshot is not served today."""
    cache = SnapshotCache()
    first = cache.get(site.store)
    assert first is not None
    first.day -= timedelta(days=1)
    second = cache.get(site.store)
    assert second is not None and second is not first and second.day == date.today()


def _revoke_form(page: str, key: str) -> dict[str, str]:
    """The hidden fields of the Revoke button of waiver `key` in the findings page's waivers table."""
    row = page.split(f'data-waiver="{key}"')[1].split("</tr>")[0]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', row))
    assert set(hidden) == {"csrf", "key"} and hidden["key"] == key
    return hidden


def test_reviewer_revokes_a_waiver_and_the_finding_is_open_again(client: httpx.Client, site: Site) -> None:
    """Revoke on the waivers table: one change set by the reviewer with its audit entry, back on the
    findings page with a notice, the finding open again (with a Waive link) and the waiver gone."""
    rule, obj = "SEG-006", "l2-ews"
    key = f"{rule}@{obj}"
    with site.store.change(author="test", reason="a waiver to revoke") as cs:
        cs.put(
            Waiver(
                key=key, rule=rule, object=obj, reason="r", approver="a", expires=date.fromisoformat(FUTURE)
            )
        )
    _as(client, site, "ada")
    page = client.get("/findings", params={"rule": rule}).text
    assert f"waived until {FUTURE}" in page.split(f'data-object="{obj}"')[1].split("</tr>")[0]
    answer = client.post("/findings/revoke", data=_revoke_form(page, key))
    assert answer.status_code == 303 and answer.headers["location"] == f"/findings?revoked={rule}%40{obj}"
    assert site.store.get("waiver", key) is None
    change = site.store.history(limit=1)[0]
    assert (change.author, change.source, change.reason) == ("ada", "web", f"revoke waiver {key}")
    audit = read_audit(site.store, target=f"waiver:{key}")
    assert (audit[0].user, audit[0].action, audit[0].revision) == ("ada", "revoke", change.revision)
    after = client.get(answer.headers["location"] + f"&rule={rule}").text
    assert "revoked" in after.split('id="waiver-revoked"')[1].split("</p>")[0]
    row = after.split(f'data-object="{obj}"')[1].split("</tr>")[0]
    assert "waived until" not in row and "Waive…" in row
    assert f'data-waiver="{key}"' not in after
    gone = client.post("/findings/revoke", data=_revoke_form(page, key))
    assert gone.status_code == 404 and "no waiver" in gone.text
    assert site.store.history(limit=1)[0].revision == change.revision


def test_the_waiver_page_has_a_revoke_form_with_a_reason_for_reviewers(
    client: httpx.Client, site: Site
) -> None:
    """The waiver's own page: reviewers get Revoke with an optional reason (kept in the change set)."""
    key = "SEG-005@all"
    with site.store.change(author="test", reason="a waiver to revoke") as cs:
        cs.put(
            Waiver(
                key=key,
                rule="SEG-005",
                object="*",
                reason="r",
                approver="a",
                expires=date.fromisoformat(FUTURE),
            )
        )
    _as(client, site, "vera")
    assert 'id="revoke-form"' not in client.get(f"/inventory/waiver/{key}").text
    _as(client, site, "rita")
    page = client.get(f"/inventory/waiver/{key}").text
    form = page.split('id="revoke-form"')[1].split("</form>")[0]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    answer = client.post("/findings/revoke", data=hidden | {"reason": "segmentation fixed"})
    assert answer.status_code == 303 and site.store.get("waiver", key) is None
    assert site.store.history(limit=1)[0].reason == f"revoke waiver {key}: segmentation fixed"


def test_viewers_and_editors_get_no_revoke_button_and_their_posts_are_refused(
    client: httpx.Client, site: Site
) -> None:
    """Revoking needs the reviewer role (as waiving): no button for others, 403 from the route, and a
    post without the session's form token is refused for reviewers too."""
    key = "SEG-005@l2-ews"
    with site.store.change(author="test", reason="a waiver to keep") as cs:
        cs.put(
            Waiver(
                key=key,
                rule="SEG-005",
                object="l2-ews",
                reason="r",
                approver="a",
                expires=date.fromisoformat(FUTURE),
            )
        )
    revision = site.store.revision
    for user in ("vera", "ed"):
        _as(client, site, user)
        page = client.get("/findings").text
        assert f'data-waiver="{key}"' in page and "/findings/revoke" not in page
        refused = client.post("/findings/revoke", data={"key": key, "csrf": site.csrf(user)})
        assert refused.status_code == 403 and "needs the reviewer role" in refused.text
    _as(client, site, "rita")
    assert client.post("/findings/revoke", data={"key": key, "csrf": "0" * 64}).status_code == 403
    assert client.post("/findings/revoke", data={"key": key}).status_code == 403
    assert site.store.revision == revision and site.store.get("waiver", key) is not None
