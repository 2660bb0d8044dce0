"""Common ground of every model object: a stable human-readable key and provenance."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Key = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$"),
]
"""A unique, human-readable identifier (letters, digits and . _ : @ / + -), used by YAML and the API."""


class ModelObject(BaseModel):
    """Base of every plant-model object; unknown fields are refused so typos surface."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=True)

    kind_name: ClassVar[str] = "object"
    """The object kind as used in the CLI, the API and the store (system, asset, flow, ...)."""

    key: Key = Field(description="Unique, human-readable key.")


class Provenance(BaseModel):
    """Where a fact came from: which source, which file or endpoint, when, how sure."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(
        description="Source name: declared, cmdb, inventory, nmap, opcua, mqtt, pcap, zeek, ..."
    )
    reference: str = Field(default="", description="File, endpoint or record the fact came from.")
    observed_at: datetime | None = Field(default=None, description="When the source saw or recorded it.")
    confidence: float = Field(default=1.0, ge=0.0, le=1.0, description="0–1 confidence of the source.")


class FieldSource(BaseModel):
    """One value one source gave for one field of an object; reconcile keeps every one it saw."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="Field name, or 'identity.<name>' for an identity attribute.")
    value: Any = Field(description="The value this source gave.")
    source: str = Field(description="Source name, as in Provenance.source.")
    reference: str = Field(default="", description="File, endpoint or record the value came from.")
    observed_at: datetime | None = Field(default=None, description="When the source first gave this value.")
