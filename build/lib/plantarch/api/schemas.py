"""Request and response bodies of the API that are not plant-model objects themselves."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model

from plantarch.governance import ProposalSummary, VoteChoice
from plantarch.model import ModelObject


class CommentIn(BaseModel):
    """A comment on a proposal."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10_000)


class VoteIn(BaseModel):
    """A reviewer's vote."""

    model_config = ConfigDict(extra="forbid")

    choice: VoteChoice


class ApproveIn(BaseModel):
    """An approval, with conditions when it is approved with conditions."""

    model_config = ConfigDict(extra="forbid")

    conditions: list[str] = Field(default_factory=list)
    note: str = Field(default="", description="The decision in the reviewer's words.")


class RejectIn(BaseModel):
    """A rejection and why."""

    model_config = ConfigDict(extra="forbid")

    reason: str = ""


class ProposalPage(BaseModel):
    """One page of the review queue."""

    items: list[ProposalSummary]
    total: int
    limit: int
    offset: int


class WriteResult(BaseModel):
    """The revision a write produced (none when nothing changed)."""

    revision: int | None


def update_schema(model: type[ModelObject]) -> type[BaseModel]:
    """The PATCH body of a kind: every field but the key, all optional."""
    fields: dict[str, Any] = {
        name: (Optional[info.annotation], Field(default=None, description=info.description))  # noqa: UP045
        for name, info in model.model_fields.items()
        if name != "key"
    }
    return create_model(f"{model.__name__}Update", __config__=ConfigDict(extra="forbid"), **fields)


def page_schema(model: type[ModelObject]) -> type[BaseModel]:
    """The list answer of a kind: items, total, limit, offset."""
    items: Any = list[model]  # type: ignore[valid-type]
    return create_model(
        f"{model.__name__}Page",
        items=(items, ...),
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
    )
