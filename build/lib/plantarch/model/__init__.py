"""The plant model: pydantic domain types, pure, no I/O."""

from plantarch.model.asset import Asset, LevelSuggestion
from plantarch.model.base import FieldSource, Key, ModelObject, Provenance
from plantarch.model.capability import Capability
from plantarch.model.flow import Flow
from plantarch.model.hierarchy import Location
from plantarch.model.plant import OBJECT_TYPES, PLURALS, PlantModel, ReferenceError_
from plantarch.model.system import AnnualCosts, Lifecycle, System
from plantarch.model.taxonomy import load_capability_taxonomy
from plantarch.model.vocabulary import (
    CLEARTEXT_INDUSTRIAL_PROTOCOLS,
    INDUSTRIAL_PROTOCOLS,
    INFORMATION_OBJECTS,
    PURDUE_LEVELS,
    CapabilityCategory,
    Criticality,
    Direction,
    FlowOrigin,
    IntegrationPattern,
    LocationKind,
    PurdueLevel,
    SystemKind,
    format_level,
)
from plantarch.model.waiver import Waiver
from plantarch.model.zone import Conduit, ConduitRule, Zone

__all__ = [
    "CLEARTEXT_INDUSTRIAL_PROTOCOLS",
    "INDUSTRIAL_PROTOCOLS",
    "INFORMATION_OBJECTS",
    "OBJECT_TYPES",
    "PLURALS",
    "PURDUE_LEVELS",
    "AnnualCosts",
    "Asset",
    "Capability",
    "CapabilityCategory",
    "Conduit",
    "ConduitRule",
    "Criticality",
    "Direction",
    "FieldSource",
    "Flow",
    "FlowOrigin",
    "IntegrationPattern",
    "Key",
    "LevelSuggestion",
    "Lifecycle",
    "Location",
    "LocationKind",
    "ModelObject",
    "PlantModel",
    "Provenance",
    "PurdueLevel",
    "ReferenceError_",
    "System",
    "SystemKind",
    "Waiver",
    "Zone",
    "format_level",
    "load_capability_taxonomy",
]
