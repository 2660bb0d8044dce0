"""A small hand-built plant for the export, diagram and report tests (every kind, awkward strings)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from plantarch.model import (
    AnnualCosts,
    Asset,
    Capability,
    Conduit,
    ConduitRule,
    Flow,
    LevelSuggestion,
    Lifecycle,
    Location,
    PlantModel,
    Provenance,
    System,
    Waiver,
    Zone,
)

SCRIPT = "<script>alert('x')</script>"


def small_plant() -> PlantModel:
    """Two zones and a DMZ, eight systems, hosts, flows (one cleartext across zones), a waiver."""
    seen = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    return PlantModel(
        locations=[
            Location(key="acme", name="ACME Foods", kind="enterprise"),
            Location(key="lyon", name="Lyon plant", kind="site", parent="acme"),
            Location(key="lyon/packing", name="Packing", kind="area", parent="lyon"),
            Location(key="lyon/packing/line-1", name="Line 1", kind="line", parent="lyon/packing"),
        ],
        capabilities=[
            Capability(key="mom", name="Manufacturing operations", category="manufacturing-operations"),
            Capability(
                key="mom.data", name="Data collection", category="manufacturing-operations", parent="mom"
            ),
            Capability(key="erp", name="Enterprise resource planning", category="business"),
            Capability(key="control", name="Process control", category="control"),
        ],
        zones=[
            Zone(
                key="enterprise",
                name="Enterprise",
                site="lyon",
                purdue_levels=[4.0, 5.0],
                security_level_target=1,
            ),
            Zone(key="dmz", name="Industrial DMZ", site="lyon", purdue_levels=[3.5], dmz=True),
            Zone(
                key="ops",
                name="Site operations",
                site="lyon",
                purdue_levels=[3.0],
                security_level_target=2,
                security_level_achieved=2,
                subnets=["10.3.0.0/24"],
            ),
            Zone(
                key="cell-1",
                name='Cell 1 & 2 "packing"',
                site="lyon",
                purdue_levels=[1.0, 2.0],
                security_level_target=3,
                security_level_achieved=1,
                subnets=["10.1.0.0/24"],
            ),
        ],
        conduits=[
            Conduit(
                key="it-dmz",
                name="IT to DMZ",
                zones=["enterprise", "dmz"],
                allowed=[ConduitRule(protocol="https", port=443, source_zone="enterprise")],
                enforcement="fw-1",
                security_level_target=2,
                security_level_achieved=2,
            ),
            Conduit(key="dmz-ops", name="DMZ to operations", zones=["dmz", "ops"], enforcement="fw-1"),
            Conduit(key="ops-cell", name="Operations to cell", zones=["ops", "cell-1"], default_deny=False),
        ],
        systems=[
            System(
                key="erp",
                name="SAP S/4 ERP",
                kind="erp",
                purdue_level=4,
                location="acme",
                zone="enterprise",
                capabilities=["erp"],
                vendor="SAP",
                owner="IT",
                criticality="high",
                costs=AnnualCosts(licence=250000, maintenance=40000.5),
                lifecycle=Lifecycle(installed=date(2019, 1, 1), end_of_support=date(2030, 12, 31)),
            ),
            System(key="fw-1", name="OT firewall", kind="firewall", purdue_level=3.5, zone="dmz"),
            System(
                key="broker", name="UNS broker", kind="broker", purdue_level=3.5, zone="dmz", tags=["uns"]
            ),
            System(
                key="mes",
                name="MES",
                kind="mes",
                purdue_level=3,
                location="lyon",
                zone="ops",
                capabilities=["mom", "mom.data"],
                criticality="critical",
                costs=AnnualCosts(licence=90000, support=12000),
            ),
            System(
                key="historian-a",
                name="Historian A",
                kind="historian",
                purdue_level=3,
                zone="ops",
                capabilities=["mom.data"],
            ),
            System(
                key="scada",
                name="SCADA " + SCRIPT,
                kind="scada",
                purdue_level=2,
                zone="cell-1",
                description="Supervises line 1 — with <b>markup</b> & ampersands",
            ),
            System(
                key="hmi-1",
                name="HMI line 1",
                kind="hmi",
                purdue_level=2,
                location="lyon/packing/line-1",
                zone="cell-1",
                lifecycle=Lifecycle(end_of_support=date(2020, 1, 14)),
            ),
            System(
                key="plc-1",
                name="Filler PLC",
                kind="plc",
                purdue_level=1,
                zone="cell-1",
                capabilities=["control"],
                vendor="Siemens",
                product="S7-1500",
                version="2.9",
            ),
        ],
        assets=[
            Asset(
                key="srv-mes",
                name="srv-mes",
                kind="server",
                ips=["10.3.0.10"],
                systems=["mes"],
                zone="ops",
                purdue_level=3,
                os="Windows Server 2019",
            ),
            Asset(
                key="10.1.0.23",
                name="unknown 10.1.0.23",
                ips=["10.1.0.23"],
                macs=["00:1b:1b:00:00:23"],
                hostnames=[SCRIPT + ".plant.local"],
                suggested_level=LevelSuggestion(level=1, reasons=["modbus slave"]),
                declared=False,
                roles=["modbus-slave"],
                services=["tcp/502/modbus"],
                first_seen=seen,
                provenance=[
                    Provenance(source="pcap", reference="line1.pcap", observed_at=seen, confidence=0.8)
                ],
            ),
            Asset(
                key="plc-1-hw",
                name="PLC rack",
                kind="plc",
                systems=["plc-1"],
                zone="cell-1",
                vendor="Siemens",
            ),
        ],
        flows=[
            Flow(
                key="erp-mes",
                source="erp",
                target="mes",
                protocol="https",
                port=443,
                pattern="middleware",
                information=["production-schedule"],
                encrypted=True,
                via="fw-1",
            ),
            Flow(
                key="mes-erp",
                source="mes",
                target="erp",
                protocol="https",
                port=443,
                information=["production-performance", "material-consumption"],
            ),
            Flow(
                key="scada-plc", source="scada", target="plc-1", protocol="s7comm", port=102, transport="tcp"
            ),
            Flow(key="hmi-plc", source="hmi-1", target="plc-1", protocol="modbus", port=502),
            Flow(
                key="erp-plc",
                source="erp",
                target="plc-1",
                protocol="modbus",
                port=502,
                description="the level 4 to level 1 flow",
            ),
            Flow(
                key="hist-scada",
                source="historian-a",
                target="scada",
                protocol="opcua",
                port=4840,
                direction="bidirectional",
                encrypted=False,
            ),
            Flow(
                key="obs-1",
                source="scada",
                target="10.1.0.23",
                protocol="modbus",
                port=502,
                origin="observed",
                packets=1200,
                bytes=96000,
                first_seen=seen,
                last_seen=seen,
            ),
        ],
        waivers=[
            Waiver(
                key="w-1",
                rule="cleartext-across-zones",
                object="hmi-plc",
                reason="replaced in 2027",
                approver="ot-lead",
                expires=date(2027, 6, 30),
            ),
        ],
    )
