"""A small plant with every object kind, shared by the interchange tests."""

from __future__ import annotations

from datetime import date

from plantarch.model import (
    Asset,
    Capability,
    Conduit,
    ConduitRule,
    Flow,
    Lifecycle,
    Location,
    PlantModel,
    Provenance,
    System,
    Waiver,
    Zone,
)


def small_plant() -> PlantModel:
    """Two sites, every object kind, nested fields, and an object without a site."""
    return PlantModel(
        locations=[
            Location(key="acme", name="ACME", kind="enterprise"),
            Location(key="north", name="North plant", kind="site", parent="acme"),
            Location(key="south", name="South plant", kind="site", parent="acme"),
            Location(key="north-line-1", name="Line 1", kind="area", parent="north"),
        ],
        capabilities=[Capability(key="mom.quality", name="Quality", category="manufacturing-operations")],
        zones=[
            Zone(key="north-cell", name="North cell", site="north", purdue_levels=[1, 2]),
            Zone(key="north-dmz", name="North DMZ", site="north", purdue_levels=[3.5], dmz=True),
        ],
        conduits=[
            Conduit(
                key="cell-dmz",
                name="Cell to DMZ",
                zones=["north-cell", "north-dmz"],
                allowed=[ConduitRule(protocol="opcua", port=4840, source_zone="north-dmz")],
            )
        ],
        systems=[
            System(
                key="plc-1",
                name="Filler PLC",
                kind="plc",
                purdue_level=1,
                location="north-line-1",
                zone="north-cell",
                lifecycle=Lifecycle(end_of_support=date(2027, 6, 30)),
            ),
            System(key="qms", name="QMS: global", kind="qms", purdue_level=4, capabilities=["mom.quality"]),
            System(key="mes-s", name="MES south", kind="mes", location="south", description="yes"),
        ],
        assets=[
            Asset(
                key="plc-1-cpu",
                name="CPU 1516",
                ips=["10.1.1.10"],
                systems=["plc-1"],
                provenance=[Provenance(source="nmap", reference="scan.xml", confidence=0.8)],
            )
        ],
        flows=[
            Flow(key="f-plc-qms", source="plc-1", target="qms", protocol="https", port=443),
            Flow(key="f-south", source="mes-s", target="qms", origin="observed", packets=12),
        ],
        waivers=[
            Waiver(
                key="w1",
                rule="no-l4-to-l1",
                object="f-plc-qms",
                reason="legacy",
                approver="cso",
                expires=date(2027, 1, 1),
            )
        ],
    )
