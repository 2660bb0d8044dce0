"""The library calls behind `plantarch check`, `plantarch waive` and `plantarch unwaive` (and the web UI's
Waive and Revoke forms and the API's /api/waivers): packs first, then the model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from plantarch.errors import InputError
from plantarch.model import OBJECT_TYPES, PlantModel, Waiver
from plantarch.standards.checker import CheckResult, Progress, check_model
from plantarch.standards.ci import render_junit, render_sarif
from plantarch.standards.findings import Severity
from plantarch.standards.pack import load_packs
from plantarch.standards.waivers import new_waiver
from plantarch.standards.writers import render_json, render_text
from plantarch.store import Store

FORMATS = ("text", "json", "junit", "sarif")


def render(result: CheckResult, fmt: str, *, color: bool = False) -> str:
    """The result in one of the output formats (text, json, junit, sarif)."""
    if fmt == "text":
        return render_text(result, color=color)
    if fmt == "json":
        return render_json(result)
    if fmt == "junit":
        return render_junit(result)
    if fmt == "sarif":
        return render_sarif(result)
    raise InputError(f"unknown format '{fmt}' (use {', '.join(FORMATS)})", field="--format")


def parse_threshold(value: str | None) -> Severity | None:
    """The --fail-on severity, or None for 'never fail'."""
    if value is None or value.lower() == "none":
        return None
    return Severity.parse(value, field="--fail-on")


def check_packs_then_model(
    load_model: object,
    pack_files: list[Path],
    *,
    baseline: bool = True,
    today: date | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Load and validate every pack, then load the model (a zero-argument callable) and check it."""
    packs = load_packs(pack_files, baseline=baseline)
    if not packs or not any(p.rules for p in packs):
        raise InputError("no rules to check: give --pack FILE or keep the baseline pack", field="--pack")
    model = load_model() if callable(load_model) else load_model
    if not isinstance(model, PlantModel):
        raise TypeError("load_model must return a PlantModel")
    return check_model(model, packs, today=today, progress=progress)


def waive(
    model: PlantModel,
    pack_files: list[Path],
    *,
    rule: str,
    object_key: str,
    reason: str,
    approver: str,
    expires: date,
    today: date | None = None,
) -> Waiver:
    """A validated waiver of `rule` on `object_key` (not yet stored)."""
    packs = load_packs(pack_files)
    rule_ids = [r.id for p in packs for r in p.rules]
    return new_waiver(
        model,
        rule_ids,
        rule=rule,
        object_key=object_key,
        reason=reason,
        approver=approver,
        expires=expires,
        today=today or date.today(),
    )


def record_waiver(
    store: Store,
    pack_files: list[Path],
    *,
    rule: str,
    object_key: str,
    reason: str,
    approver: str,
    expires: date,
    author: str,
    source: str,
    today: date | None = None,
) -> tuple[Waiver, int | None]:
    """Validate a waiver and store it as one change set (with its audit entry) by `author`; a waiver of
    the same rule and object is replaced. Returns the waiver and the change set's revision."""
    packs = load_packs(pack_files)
    rule_ids = [r.id for p in packs for r in p.rules]
    with store.change(author=author, reason=f"waive {rule} on {object_key}", source=source) as cs:

        def exists(key: str) -> bool:
            return any(cs.get(kind, key) is not None for kind in OBJECT_TYPES if kind != "waiver")

        waiver = new_waiver(
            exists,
            rule_ids,
            rule=rule,
            object_key=object_key,
            reason=reason,
            approver=approver,
            expires=expires,
            today=today or date.today(),
        )
        cs.put(waiver)
        detail = {"rule": rule, "object": object_key, "expires": expires.isoformat()}
        cs.audit_as("waive", f"waiver:{waiver.key}", detail | {"approver": waiver.approver})
    return waiver, cs.revision


def revoke_waiver(
    store: Store, key: str, *, author: str, source: str, reason: str = ""
) -> tuple[Waiver, int | None]:
    """Remove the waiver `key` as one change set (with its audit entry) by `author`, before its expiry;
    ObjectNotFound if there is none. Returns the revoked waiver and the change set's revision."""
    # Imported here: `plantarch check` imports this module and does not need the governance package.
    from plantarch.governance.edits import ObjectNotFound

    if "\x00" in key:  # PostgreSQL takes no NUL in a text parameter
        raise InputError("a waiver key cannot contain a NUL character", field="key")
    why = reason.strip()
    with store.change(
        author=author, reason=f"revoke waiver {key}" + (f": {why}" if why else ""), source=source
    ) as cs:
        waiver = cs.get("waiver", key)
        if not isinstance(waiver, Waiver) or not cs.delete("waiver", key):
            raise ObjectNotFound(f"no waiver '{key}'")
        detail = {
            "rule": waiver.rule,
            "object": waiver.object,
            "expires": waiver.expires.isoformat(),
            "approver": waiver.approver,
        }
        cs.audit_as("revoke", f"waiver:{key}", detail)  # the audit entry's reason: the change set's
    return waiver, cs.revision
