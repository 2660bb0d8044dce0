"""Governance settings: approval quorum per risk class and whether authors may approve their own work."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plantarch.errors import InputError
from plantarch.governance.proposal import RiskClass

SETTINGS_ENV = "PLANTARCH_GOVERNANCE"
"""Environment variable holding governance settings as JSON, e.g. {"quorum": {"high": 3}}."""


def _default_quorum() -> dict[RiskClass, int]:
    return {RiskClass.LOW: 1, RiskClass.MEDIUM: 1, RiskClass.HIGH: 2, RiskClass.CRITICAL: 3}


class GovernanceSettings(BaseModel):
    """How the review board decides; defaults suit a small plant team."""

    model_config = ConfigDict(extra="forbid")

    quorum: dict[RiskClass, int] = Field(
        default_factory=_default_quorum, description="Approving reviewer votes needed per risk class."
    )
    allow_self_approval: bool = Field(
        default=False, description="Whether the author of a proposal may vote for it and approve it."
    )

    def quorum_for(self, risk: RiskClass) -> int:
        """Approving votes needed for a proposal of this risk class."""
        return max(1, self.quorum.get(risk, _default_quorum()[risk]))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GovernanceSettings:
        """Settings from PLANTARCH_GOVERNANCE (JSON), defaults for whatever it leaves out."""
        raw = (environ if environ is not None else os.environ).get(SETTINGS_ENV, "").strip()
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
            quorum = {**_default_quorum(), **{RiskClass(k): v for k, v in data.pop("quorum", {}).items()}}
            return cls(quorum=quorum, **data)
        except (ValueError, TypeError, ValidationError) as exc:
            raise InputError(f"invalid governance settings: {exc}", field=SETTINGS_ENV) from exc
