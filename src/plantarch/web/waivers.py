"""Waiving a finding from the findings page: a form per finding, stored by the same library call as
`plantarch waive` (`plantarch.standards.run.record_waiver`) as one change set by the logged-in user; and
revoking a waiver (a Revoke button per waiver), by the call behind `plantarch unwaive` (`revoke_waiver`).

Only reviewers and admins may waive or revoke (a waiver is an approved exception that takes a finding out
of `--fail-on`; `plantarch.api.auth.may_waive`); the routes refuse everyone else with 403, not only the
page hiding the forms.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plantarch.api.auth import Principal
from plantarch.errors import InputError
from plantarch.governance.edits import ObjectNotFound
from plantarch.standards import Finding
from plantarch.standards.run import record_waiver, revoke_waiver
from plantarch.standards.waivers import parse_date, waiver_key
from plantarch.web.overview import snapshot
from plantarch.web.session import FormUser, PageUser, may_waive
from plantarch.web.snapshot import Snapshot
from plantarch.web.templating import render

router = APIRouter()

FIELDS = ("reason", "approver", "expires")
"""Form fields an error can be shown beside; errors on other fields (rule, object) go above the form."""


def _finding(snap: Snapshot | None, rule: str, key: str) -> Finding | None:
    """The finding of `rule` on `key` in the current snapshot (None while a large model is analysed)."""
    if snap is None or snap.check is None:
        return None
    return next((f for f in snap.check.findings if f.rule == rule and f.key == key), None)


def _refusal(user: Principal, what: str = "waiving a finding") -> str:
    return f"{user.user} is a {user.role.value}; {what} needs the reviewer role."


def _form(
    request: Request,
    user: Principal,
    rule: str,
    key: str,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    snap = snapshot(request)
    existing = request.app.state.store.get("waiver", waiver_key(rule, key)) if rule and key else None
    return render(
        request,
        "waive.html",
        status_code=status_code,
        user=user,
        rule=rule,
        key=key,
        finding=_finding(snap, rule, key),
        computing=snap is None,
        existing=existing,
        today=date.today(),
        values=values,
        errors=errors or {},
    )


@router.get("/findings/waive", response_class=HTMLResponse, include_in_schema=False)
def waive_form(request: Request, user: PageUser, rule: str = "", object: str = "") -> Response:
    """The form that waives one rule on one object: the finding, then reason, approver and expiry."""
    if not may_waive(user):
        return render(
            request, "error.html", status_code=403, user=user, heading="Not allowed", message=_refusal(user)
        )
    if not rule or not object:
        return render(
            request,
            "error.html",
            status_code=404,
            user=user,
            message="Choose a finding to waive on the findings page.",
        )
    return _form(request, user, rule, object, {"reason": "", "approver": user.user, "expires": ""})


@router.post("/findings/waive", include_in_schema=False)
def waive(
    request: Request,
    user: FormUser,
    rule: Annotated[str, Form()] = "",
    object: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    approver: Annotated[str, Form()] = "",
    expires: Annotated[str, Form()] = "",
) -> Response:
    """Record the waiver as the logged-in user and go back to the finding, now waived; on bad input
    show the form again with the error beside its field (nothing is stored)."""
    if not may_waive(user):
        raise HTTPException(403, _refusal(user))
    values = {"reason": reason, "approver": approver, "expires": expires}
    try:
        if not expires.strip():
            raise InputError("give the date the waiver ends", field="expires")
        waiver, _revision = record_waiver(
            request.app.state.store,
            [],
            rule=rule,
            object_key=object,
            reason=reason,
            approver=approver,
            expires=parse_date(expires, "expires"),
            author=user.user,
            source="web",
        )
    except InputError as exc:
        field = exc.field if exc.field in FIELDS else "form"
        return _form(request, user, rule, object, values, {field: exc.message}, status_code=422)
    query = urlencode({"rule": rule, "q": object, "waived": waiver.key})
    return RedirectResponse(f"/findings?{query}", status_code=303)


@router.post("/findings/revoke", include_in_schema=False)
def revoke(
    request: Request,
    user: FormUser,
    key: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Revoke the waiver `key` as the logged-in user and go back to the findings page, where the findings
    it covered are open again."""
    if not may_waive(user):
        raise HTTPException(403, _refusal(user, "revoking a waiver"))
    try:
        revoke_waiver(request.app.state.store, key, author=user.user, source="web", reason=reason)
    except ObjectNotFound:
        return render(
            request,
            "error.html",
            status_code=404,
            user=user,
            message=f"There is no waiver '{key}' (any more): it may have been revoked already.",
        )
    return RedirectResponse(f"/findings?{urlencode({'revoked': key})}", status_code=303)
