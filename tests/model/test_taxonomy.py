"""The shipped capability taxonomy follows the ISA-95 Part 3 activity model and is well formed."""

from __future__ import annotations

from plantarch.model import CapabilityCategory, load_capability_taxonomy

ACTIVITIES = (
    "definition-management",
    "resource-management",
    "detailed-scheduling",
    "dispatching",
    "execution-management",
    "data-collection",
    "tracking",
    "performance-analysis",
)


def test_every_operations_area_has_the_eight_isa95_activities() -> None:
    keys = {c.key: c for c in load_capability_taxonomy()}
    for area in ("production", "quality", "maintenance", "inventory"):
        assert keys[f"{area}-operations"].parent == "manufacturing-operations"
        for activity in ACTIVITIES:
            assert keys[f"{area}-{activity}"].parent == f"{area}-operations"


def test_keys_are_unique_parents_exist_and_every_category_is_used() -> None:
    taxonomy = load_capability_taxonomy()
    keys = [c.key for c in taxonomy]
    assert len(keys) == len(set(keys))
    seen: set[str] = set()
    for cap in taxonomy:  # parents come before their children
        assert cap.parent is None or cap.parent in seen
        seen.add(cap.key)
    assert {c.category for c in taxonomy} == {c.value for c in CapabilityCategory}
    for key in ("erp-finance", "order-management", "production-planning", "procurement", "plm", "hr"):
        assert key in seen


def test_callers_get_their_own_copies() -> None:
    first = load_capability_taxonomy()
    first[0].name = "changed"
    assert load_capability_taxonomy()[0].name != "changed"
