"""Waivers: recorded, expiring exceptions to a standards rule."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from plantarch.model.base import Key, ModelObject


class Waiver(ModelObject):
    """An approved exception for one rule on one object, valid until it expires."""

    kind_name: ClassVar[str] = "waiver"

    rule: str = Field(description="Rule id the waiver applies to.")
    object: Key | Literal["*"] = Field(description="Key of the waived object (or '*' for every object).")
    reason: str
    approver: str
    expires: date
