"""A number in the roadmap together with the inputs that made it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Figure(BaseModel):
    """A value and its basis: the formula and inputs, so every number can be traced."""

    model_config = ConfigDict(extra="forbid")

    value: float
    basis: str = Field(description="How the value was computed, naming its inputs and settings.")


def money(value: float) -> str:
    """Format an amount for a basis string: 12,345."""
    return f"{value:,.0f}"
