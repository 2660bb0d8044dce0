"""Waiving a finding in real headless Chromium: a reviewer records a waiver and sees it in the findings
and the history, a bad expiry is refused beside its field, a viewer gets no form and cannot post one."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from web.conftest import Plant, screenshot

pytestmark = pytest.mark.browser


def _row(page: Any, rule: str, key: str) -> Any:
    return page.locator(f'#findings tr[data-rule="{rule}"][data-object="{key}"]')


def test_reviewer_waives_a_finding_and_sees_it_waived_and_in_history(plant: Plant, as_user: Any) -> None:
    """Waive… on a finding, reason and expiry, Record: back on the findings with the finding waived;
    the waiver's page shows the change set by the reviewer."""
    rule, key = "SEG-006", "l2-ews-pc"
    expires = (date.today() + timedelta(days=120)).isoformat()
    page = as_user("rita")
    page.goto(f"{plant.url}/findings?rule={rule}")
    row = _row(page, rule, key)
    assert row.locator(".status").inner_text().strip() == "open"
    row.locator("a.waive").click()
    page.wait_for_url("**/findings/waive?*")
    assert key in page.locator("#waive-title").inner_text()
    assert "dual-homed" in page.locator("#finding").inner_text().lower()
    assert page.locator("#approver").input_value() == "rita"
    page.fill(
        "#reason", "Engineering PC keeps both NICs until the jump host is commissioned; NIC 2 disabled."
    )
    page.fill("#approver", "OT security board")
    page.fill("#expires", expires)
    screenshot(page, "waive-form")
    page.click("#waive")
    page.wait_for_url(f"**/findings?rule={rule}&q={key}&waived=*")
    assert "recorded" in page.locator("#waiver-recorded").inner_text()
    assert f"waived until {expires}" in _row(page, rule, key).locator(".status").inner_text()
    assert _row(page, rule, key).locator("a.waive").count() == 0
    assert "active" in page.locator(f'#waivers tr[data-waiver="{rule}@{key}"]').inner_text()
    screenshot(page, "waive-recorded")
    page.locator("#waiver-recorded a").first.click()
    page.wait_for_url(f"**/inventory/waiver/{quote(rule + '@' + key, safe='')}")
    history = page.locator("#history").inner_text()
    assert "rita" in history and f"waive {rule} on {key}" in history
    assert "OT security board" in page.locator("#fields").inner_text()


def test_past_expiry_is_refused_beside_the_field_and_nothing_is_stored(plant: Plant, as_user: Any) -> None:
    """An expiry in the past: the form comes back with the error at the date field, nothing written."""
    rule, key = "LIFE-001", "l2-hmi-erector"
    revision = plant.store.revision
    page = as_user("rita")
    page.goto(f"{plant.url}/findings?rule={rule}")
    _row(page, rule, key).locator("a.waive").click()
    page.wait_for_url("**/findings/waive?*")
    page.fill("#reason", "spare parts in stock")
    page.fill("#expires", "2020-01-01")
    with page.expect_response(lambda r: r.url.endswith("/findings/waive")) as answer:
        page.click("#waive")
    assert answer.value.status == 422
    error = page.locator("#expires-error")
    assert "expiry 2020-01-01 is in the past" in error.inner_text()
    assert page.locator("#expires").get_attribute("aria-invalid") == "true"
    assert page.locator("#reason").input_value() == "spare parts in stock"
    screenshot(page, "waive-bad-expiry")
    assert plant.store.revision == revision
    assert plant.store.get("waiver", f"{rule}@{key}") is None


def test_viewer_gets_no_waive_form_and_a_forged_post_is_refused(plant: Plant, as_user: Any) -> None:
    """A viewer sees the findings without Waive links; the form answers 403, and so does a post, with a
    forged form token or with the viewer's genuine one."""
    rule, key = "LIFE-001", "l1-hmi-labeller"
    revision = plant.store.revision
    page = as_user("vera")
    page.goto(f"{plant.url}/findings?rule={rule}")
    assert _row(page, rule, key).count() == 1
    assert page.locator("a.waive").count() == 0
    screenshot(page, "waive-viewer")
    assert page.goto(f"{plant.url}/findings/waive?rule={rule}&object={key}").status == 403
    genuine = hmac.new(plant.app.state.web_secret, plant.tokens["vera"].encode(), hashlib.sha256).hexdigest()
    form = {"rule": rule, "object": key, "reason": "r", "approver": "vera", "expires": "2099-01-01"}
    for csrf in ("forged", genuine):
        assert page.request.post(f"{plant.url}/findings/waive", form=form | {"csrf": csrf}).status == 403
    assert plant.store.revision == revision
    assert plant.store.get("waiver", f"{rule}@{key}") is None


def test_reviewer_revokes_a_waiver_and_the_finding_is_open_again(plant: Plant, as_user: Any) -> None:
    """Revoke on the findings page's waivers table: back on the findings with a notice, the finding open
    again with a Waive link, the waiver gone and the change set by the reviewer."""
    from plantarch.model import Waiver

    rule, key = "LIFE-001", "hist-proficy-legacy"
    waiver = f"{rule}@{key}"
    expires = date.today() + timedelta(days=30)
    with plant.store.change(author="test", reason="a waiver to revoke") as cs:
        cs.put(Waiver(key=waiver, rule=rule, object=key, reason="spares", approver="board", expires=expires))
    page = as_user("rita")
    page.goto(f"{plant.url}/findings?rule={rule}")
    assert "waived until" in _row(page, rule, key).locator(".status").inner_text()
    page.locator(f'#waivers tr[data-waiver="{waiver}"] form.revoke button').click()
    page.wait_for_url(f"**/findings?revoked={quote(waiver)}")
    assert waiver in page.locator("#waiver-revoked").inner_text()
    assert page.locator(f'#waivers tr[data-waiver="{waiver}"]').count() == 0
    page.goto(f"{plant.url}/findings?rule={rule}")
    row = _row(page, rule, key)
    assert row.locator(".status").inner_text().strip() == "open" and row.locator("a.waive").count() == 1
    screenshot(page, "waiver-revoked")
    assert plant.store.get("waiver", waiver) is None
    change = plant.store.history(limit=1)[0]
    assert (change.author, change.source, change.reason) == ("rita", "web", f"revoke waiver {waiver}")
