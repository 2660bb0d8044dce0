"""A small plant with every object kind, shared by the interchange tests."""

from __future__ import annotations

from datetime import date

from plant_builder import allow, asset, capability, conduit, flow, location, system, waiver, zone
from plantarch.model import Lifecycle, PlantModel, Provenance


def small_plant() -> PlantModel:
    """Two sites, every object kind, nested fields, and an object without a site."""
    return PlantModel(
        locations=[
            location("acme", "ACME", "enterprise"),
            location("north", "North plant", "site", parent="acme"),
            location("south", "South plant", "site", parent="acme"),
            location("north-line-1", "Line 1", "area", parent="north"),
        ],
        capabilities=[capability("mom.quality", "Quality", "manufacturing-operations")],
        zones=[
            zone("north-cell", "North cell", 1, 2, site="north"),
            zone("north-dmz", "North DMZ", 3.5, site="north", dmz=True),
        ],
        conduits=[
            conduit("cell-dmz", "Cell to DMZ", ["north-cell", "north-dmz"], allow("opcua", 4840, "north-dmz"))
        ],
        systems=[
            system(
                "plc-1",
                "Filler PLC",
                "plc",
                1,
                "north-cell",
                location="north-line-1",
                lifecycle=Lifecycle(end_of_support=date(2027, 6, 30)),
            ),
            system("qms", "QMS: global", "qms", 4, capabilities=["mom.quality"]),
            system("mes-s", "MES south", "mes", location="south", description="yes"),
        ],
        assets=[
            asset(
                "plc-1-cpu",
                "CPU 1516",
                ips=["10.1.1.10"],
                systems=["plc-1"],
                provenance=[Provenance(source="nmap", reference="scan.xml", confidence=0.8)],
            )
        ],
        flows=[
            flow("f-plc-qms", "plc-1", "qms", "https", port=443),
            flow("f-south", "mes-s", "qms", origin="observed", packets=12),
        ],
        waivers=[waiver("w1", "no-l4-to-l1", "f-plc-qms", "legacy", "cso", date(2027, 1, 1))],
    )
