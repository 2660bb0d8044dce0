"""A small plant for governance and API tests: one site, three zones, a few systems and flows."""

from __future__ import annotations

from typing import Any

from plant_builder import allow, capability, conduit, flow, location, system, zone
from plantarch.model import PlantModel


def small_plant() -> PlantModel:
    """Enterprise > site > area > line, zones enterprise / operations / cell, ERP, MES, QMS, PLC."""
    mom = "manufacturing-operations"
    return PlantModel(
        locations=[
            location("acme", "Acme", "enterprise"),
            location("lyon", "Lyon plant", "site", parent="acme"),
            location("lyon-assembly", "Assembly", "area", parent="lyon"),
            location("lyon-line-1", "Line 1", "line", parent="lyon-assembly"),
        ],
        capabilities=[
            capability("quality-management", "Quality management", mom),
            capability("production-execution", "Production execution", mom),
            capability("erp", "Enterprise resource planning", "business"),
        ],
        zones=[
            zone("enterprise", "Enterprise", 4.0, site="lyon"),
            zone("operations", "Site operations", 3.0, site="lyon"),
            zone("cell-1", "Line 1 cell", 1.0, 2.0, site="lyon"),
        ],
        conduits=[
            conduit(
                "ops-cell-1",
                "Operations to cell 1",
                ["operations", "cell-1"],
                allow("opcua"),
                allow("https", source_zone="cell-1"),
            ),
        ],
        systems=[
            system(
                "erp",
                "SAP ERP",
                "erp",
                4.0,
                "enterprise",
                location="lyon",
                capabilities=["erp"],
                criticality="high",
                costs={"licence": 100000.0},
            ),
            system(
                "mes",
                "MES",
                "mes",
                3.0,
                "operations",
                location="lyon",
                capabilities=["production-execution"],
                criticality="high",
            ),
            system(
                "qms",
                "QMS",
                "qms",
                3.0,
                "operations",
                location="lyon",
                capabilities=["quality-management"],
                costs={"licence": 20000.0},
            ),
            system("plc-1", "Line 1 PLC", "plc", 1.0, "cell-1", location="lyon-line-1"),
        ],
        flows=[
            flow("mes-plc-1", "mes", "plc-1", "opcua", pattern="opc-ua"),
            flow("erp-mes", "erp", "mes", "https", pattern="middleware"),
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
