"""The common shape of everything an analysis reports: where, which objects, and why."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AnalysisItem(BaseModel):
    """One result of an analysis, with the objects involved and the reason it was reported."""

    model_config = ConfigDict(extra="forbid")

    site: str | None = Field(default=None, description="Site key; none for enterprise-wide items.")
    objects: list[str] = Field(default_factory=list, description="Keys of the objects involved.")
    why: str = Field(description="Why this was reported, in one or two sentences.")
