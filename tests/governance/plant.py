"""A small plant for governance and API tests: one site, three zones, a few systems and flows."""

from __future__ import annotations

from typing import Any

from plantarch.model import (
    Capability,
    Conduit,
    ConduitRule,
    Flow,
    Location,
    PlantModel,
    System,
    Zone,
)


def small_plant() -> PlantModel:
    """Enterprise > site > area > line, zones enterprise / operations / cell, ERP, MES, QMS, PLC."""
    return PlantModel(
        locations=[
            Location(key="acme", name="Acme", kind="enterprise"),
            Location(key="lyon", name="Lyon plant", kind="site", parent="acme"),
            Location(key="lyon-assembly", name="Assembly", kind="area", parent="lyon"),
            Location(key="lyon-line-1", name="Line 1", kind="line", parent="lyon-assembly"),
        ],
        capabilities=[
            Capability(
                key="quality-management", name="Quality management", category="manufacturing-operations"
            ),
            Capability(
                key="production-execution", name="Production execution", category="manufacturing-operations"
            ),
            Capability(key="erp", name="Enterprise resource planning", category="business"),
        ],
        zones=[
            Zone(key="enterprise", name="Enterprise", site="lyon", purdue_levels=[4.0]),
            Zone(key="operations", name="Site operations", site="lyon", purdue_levels=[3.0]),
            Zone(key="cell-1", name="Line 1 cell", site="lyon", purdue_levels=[1.0, 2.0]),
        ],
        conduits=[
            Conduit(
                key="ops-cell-1",
                name="Operations to cell 1",
                zones=["operations", "cell-1"],
                allowed=[ConduitRule(protocol="opcua"), ConduitRule(protocol="https", source_zone="cell-1")],
            ),
        ],
        systems=[
            System(
                key="erp",
                name="SAP ERP",
                kind="erp",
                purdue_level=4.0,
                zone="enterprise",
                location="lyon",
                capabilities=["erp"],
                criticality="high",
                costs={"licence": 100000.0},
            ),
            System(
                key="mes",
                name="MES",
                kind="mes",
                purdue_level=3.0,
                zone="operations",
                location="lyon",
                capabilities=["production-execution"],
                criticality="high",
            ),
            System(
                key="qms",
                name="QMS",
                kind="qms",
                purdue_level=3.0,
                zone="operations",
                location="lyon",
                capabilities=["quality-management"],
                costs={"licence": 20000.0},
            ),
            System(
                key="plc-1",
                name="Line 1 PLC",
                kind="plc",
                purdue_level=1.0,
                zone="cell-1",
                location="lyon-line-1",
            ),
        ],
        flows=[
            Flow(key="mes-plc-1", source="mes", target="plc-1", protocol="opcua", pattern="opc-ua"),
            Flow(key="erp-mes", source="erp", target="mes", protocol="https", pattern="middleware"),
        ],
    )


def vision_proposal(**overrides: Any) -> dict[str, Any]:
    """A proposal document: a vision-inspection system on line 1 that reports to the MES and the QMS."""
    doc: dict[str, Any] = {
        "title": "Vision inspection on line 1",
        "context": "Manual inspection misses surface defects; scrap rate is 2%.",
        "one_off_cost": 85000,
        "systems": [
            {
                "key": "vision-1",
                "name": "Line 1 vision inspection",
                "kind": "analytics",
                "purdue_level": 2,
                "zone": "cell-1",
                "location": "lyon-line-1",
                "capabilities": ["quality-management"],
                "criticality": "medium",
                "owner": "quality",
                "costs": {"licence": 12000, "maintenance": 3000},
            }
        ],
        "flows": [
            {
                "key": "vision-mes",
                "source": "vision-1",
                "target": "mes",
                "protocol": "opcua",
                "pattern": "opc-ua",
            },
            {
                "key": "vision-qms",
                "source": "vision-1",
                "target": "qms",
                "protocol": "https",
                "pattern": "point-to-point",
            },
        ],
    }
    doc.update(overrides)
    return doc
