"""Systems: the applications, controllers and infrastructure the plant runs on."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model.base import FieldSource, Key, ModelObject, Provenance
from plantarch.model.vocabulary import Criticality, PurdueLevel, SystemKind


class Lifecycle(BaseModel):
    """Dates in the life of a system or product version."""

    model_config = ConfigDict(extra="forbid")

    installed: date | None = None
    end_of_sale: date | None = None
    end_of_support: date | None = None
    planned_retirement: date | None = None


class AnnualCosts(BaseModel):
    """Annual running costs of a system by kind, in the plant's currency."""

    model_config = ConfigDict(extra="forbid")

    licence: float = Field(default=0.0, ge=0)
    maintenance: float = Field(default=0.0, ge=0)
    hosting: float = Field(default=0.0, ge=0)
    support: float = Field(default=0.0, ge=0, description="Internal support effort, costed.")
    integration: float = Field(default=0.0, ge=0, description="Upkeep of its interfaces.")

    @property
    def total(self) -> float:
        """Sum of every cost kind."""
        return self.licence + self.maintenance + self.hosting + self.support + self.integration


class System(ModelObject):
    """An application, controller or infrastructure element with an owner, a place and a cost."""

    kind_name: ClassVar[str] = "system"

    name: str
    kind: SystemKind
    purdue_level: PurdueLevel | None = None
    location: Key | None = Field(
        default=None, description="ISA-95 location (site, area, line, ...) it serves."
    )
    zone: Key | None = None
    capabilities: list[Key] = Field(default_factory=list)
    vendor: str | None = None
    product: str | None = None
    version: str | None = None
    owner: str | None = None
    criticality: Criticality | None = None
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    costs: AnnualCosts = Field(default_factory=AnnualCosts)
    users: int | None = Field(default=None, ge=0, description="How many people use it (functional fit).")
    declared: bool = Field(default=True, description="False when only discovery or an inventory knows of it.")
    justification: str | None = Field(
        default=None, description="Recorded reason it may duplicate a capability already served at its scope."
    )
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    provenance: list[Provenance] = Field(default_factory=list)
    field_sources: list[FieldSource] = Field(
        default_factory=list,
        description="Every value a discovery or inventory source gave, per field (see reconcile).",
    )
