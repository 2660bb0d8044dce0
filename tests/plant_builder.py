"""Short builders for hand-written test plants, so each fixture module declares only its data.

Each builder takes the fields most plants set, in the order people say them ("the MES, a level 3
system in the operations zone"), and passes any other field by keyword. A field left out (or None)
is not set at all, exactly as if the model had been built without it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from plantarch.model import Asset, Capability, Conduit, ConduitRule, Flow, Location, System, Waiver, Zone


def _given(**fields: Any) -> dict[str, Any]:
    """The fields that were given a value; None means: leave the model's default, unset."""
    return {name: value for name, value in fields.items() if value is not None}


def location(key: str, name: str, kind: str, parent: str | None = None) -> Location:
    """A place in the ISA-95 hierarchy: enterprise, site, area, line or cell."""
    return Location.model_validate(_given(key=key, name=name, kind=kind, parent=parent))


def capability(key: str, name: str, category: str, parent: str | None = None) -> Capability:
    """A business or manufacturing capability systems provide."""
    return Capability.model_validate(_given(key=key, name=name, category=category, parent=parent))


def zone(key: str, name: str, *purdue_levels: float, **fields: Any) -> Zone:
    """A security zone spanning the given Purdue levels (none: levels not declared)."""
    levels = list(purdue_levels) if purdue_levels else None
    return Zone.model_validate(_given(key=key, name=name, purdue_levels=levels) | fields)


def allow(protocol: str, port: int | None = None, source_zone: str | None = None) -> ConduitRule:
    """One allow-list entry of a conduit: a protocol, optionally a port and the zone that opens it."""
    return ConduitRule.model_validate(_given(protocol=protocol, port=port, source_zone=source_zone))


def conduit(key: str, name: str, zones: list[str], *allowed: ConduitRule, **fields: Any) -> Conduit:
    """A conduit between zones with its allow-list (none given: no allow-list declared)."""
    rules = list(allowed) if allowed else None
    return Conduit.model_validate(_given(key=key, name=name, zones=zones, allowed=rules) | fields)


def system(
    key: str,
    name: str,
    kind: str,
    purdue_level: float | None = None,
    zone: str | None = None,
    **fields: Any,
) -> System:
    """An application or control system at a Purdue level in a zone."""
    given = _given(key=key, name=name, kind=kind, purdue_level=purdue_level, zone=zone)
    return System.model_validate(given | fields)


def asset(key: str, name: str, kind: str | None = None, ips: list[str] | None = None, **fields: Any) -> Asset:
    """A host or device, with its addresses."""
    return Asset.model_validate(_given(key=key, name=name, kind=kind, ips=ips) | fields)


def flow(key: str, source: str, target: str, protocol: str | None = None, **fields: Any) -> Flow:
    """A data flow from one system or host to another, over a protocol (port and the rest by keyword)."""
    return Flow.model_validate(_given(key=key, source=source, target=target, protocol=protocol) | fields)


def waiver(key: str, rule: str, on: str, reason: str, approver: str, expires: date) -> Waiver:
    """An accepted exception: `rule` does not apply to the object `on` until `expires`."""
    return Waiver(key=key, rule=rule, object=on, reason=reason, approver=approver, expires=expires)
