"""Waivers: recorded, expiring exceptions; a waived finding is reported as waived until it expires."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from plantarch.errors import InputError
from plantarch.model import PlantModel, Waiver
from plantarch.standards.findings import Finding

ANY_OBJECT = "*"

ObjectLookup = Callable[[str], bool]
"""Whether an object with this key exists (in a model, or in a store inside a change set)."""


class WaiverIndex:
    """Waivers by (rule, object key); the one expiring last wins when several cover a finding."""

    def __init__(self, waivers: Iterable[Waiver]) -> None:
        self._by_target: dict[tuple[str, str], Waiver] = {}
        for waiver in waivers:
            self.add(waiver)

    def add(self, waiver: Waiver) -> None:
        """Index one waiver."""
        target = (waiver.rule, waiver.object)
        current = self._by_target.get(target)
        if current is None or (waiver.expires, waiver.key) > (current.expires, current.key):
            self._by_target[target] = waiver

    def covering(self, rule: str, key: str) -> Waiver | None:
        """The waiver for this rule and object (or for this rule on every object)."""
        return self._by_target.get((rule, key)) or self._by_target.get((rule, ANY_OBJECT))


def apply_waiver(finding: Finding, index: WaiverIndex, today: date) -> Finding:
    """Mark a finding waived when an unexpired waiver covers it; note an expired one."""
    waiver = index.covering(finding.rule, finding.key)
    finding.status, finding.waiver, finding.note = "open", None, None
    if waiver is None:
        return finding
    record = {
        "key": waiver.key,
        "reason": waiver.reason,
        "approver": waiver.approver,
        "expires": waiver.expires.isoformat(),
    }
    finding.waiver = record
    if waiver.expires >= today:
        finding.status = "waived"
    else:
        finding.note = (
            f"waiver {waiver.key} (approved by {waiver.approver}: {waiver.reason}) "
            f"expired on {waiver.expires.isoformat()}"
        )
    return finding


def waiver_key(rule: str, object_key: str) -> str:
    """The key a waiver of one rule on one object is stored under."""
    return f"{rule}@{'all' if object_key == ANY_OBJECT else object_key}"


def parse_date(value: str, field: str = "expires") -> date:
    """A YYYY-MM-DD date, or an InputError naming the field."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"'{value}' is not a date (expected YYYY-MM-DD)", field=field) from None


def new_waiver(
    objects: PlantModel | ObjectLookup,
    rule_ids: Iterable[str],
    *,
    rule: str,
    object_key: str,
    reason: str,
    approver: str,
    expires: date,
    today: date,
) -> Waiver:
    """A waiver for an existing rule and object (looked up in a model or by a function), checked before
    it is stored."""
    for field, text in (("rule", rule), ("object", object_key), ("reason", reason), ("approver", approver)):
        if "\x00" in text:  # PostgreSQL stores no NUL character in text or JSON
            raise InputError("a NUL character cannot be stored", field=field)
    known = set(rule_ids)
    exists = _in_model(objects) if isinstance(objects, PlantModel) else objects
    if rule not in known:
        raise InputError(f"unknown rule '{rule}' (see `plantarch docs rules`)", field="rule")
    if object_key != ANY_OBJECT and not exists(object_key):
        raise InputError(f"no object with key '{object_key}' in the model", field="object")
    if not reason.strip():
        raise InputError("a waiver needs a reason", field="reason")
    if not approver.strip():
        raise InputError("a waiver needs an approver", field="approver")
    if expires < today:
        raise InputError(
            f"expiry {expires.isoformat()} is in the past; a waiver must run at least until today "
            f"({today.isoformat()})",
            field="expires",
        )
    return Waiver(
        key=waiver_key(rule, object_key),
        rule=rule,
        object=object_key,
        reason=reason.strip(),
        approver=approver.strip(),
        expires=expires,
    )


def _in_model(model: PlantModel) -> ObjectLookup:
    return lambda key: any(obj.key == key for _, obj in model.all_objects())
