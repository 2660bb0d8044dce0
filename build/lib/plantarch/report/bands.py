"""Purdue bands: the order and names diagrams and views use for the levels of the reference model."""

from __future__ import annotations

from plantarch.model import PURDUE_LEVELS, format_level

LEVEL_NAMES: dict[float, str] = {
    5.0: "Enterprise network",
    4.0: "Business planning and logistics",
    3.5: "Industrial DMZ",
    3.0: "Site operations",
    2.0: "Area supervisory control",
    1.0: "Basic control",
    0.0: "Physical process",
}

PURDUE_ORDER: tuple[float, ...] = tuple(sorted(PURDUE_LEVELS, reverse=True))
"""Purdue levels top to bottom: 5, 4, 3.5, 3, 2, 1, 0."""


def level_label(level: float | None) -> str:
    """'Level 3.5 · Industrial DMZ' for a Purdue level, 'No Purdue level' when unset."""
    if level is None:
        return "No Purdue level"
    return f"Level {format_level(level)} · {LEVEL_NAMES[float(level)]}"
