"""A small hand-built plant for the export, diagram and report tests (every kind, awkward strings)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from plant_builder import allow, asset, capability, conduit, flow, location, system, waiver, zone
from plantarch.model import AnnualCosts, LevelSuggestion, Lifecycle, PlantModel, Provenance

SCRIPT = "<script>alert('x')</script>"


def small_plant() -> PlantModel:
    """Two zones and a DMZ, eight systems, hosts, flows (one cleartext across zones), a waiver."""
    seen = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    mom = "manufacturing-operations"
    return PlantModel(
        locations=[
            location("acme", "ACME Foods", "enterprise"),
            location("lyon", "Lyon plant", "site", parent="acme"),
            location("lyon/packing", "Packing", "area", parent="lyon"),
            location("lyon/packing/line-1", "Line 1", "line", parent="lyon/packing"),
        ],
        capabilities=[
            capability("mom", "Manufacturing operations", mom),
            capability("mom.data", "Data collection", mom, parent="mom"),
            capability("erp", "Enterprise resource planning", "business"),
            capability("control", "Process control", "control"),
        ],
        zones=[
            zone("enterprise", "Enterprise", 4.0, 5.0, site="lyon", security_level_target=1),
            zone("dmz", "Industrial DMZ", 3.5, site="lyon", dmz=True),
            zone(
                "ops",
                "Site operations",
                3.0,
                site="lyon",
                security_level_target=2,
                security_level_achieved=2,
                subnets=["10.3.0.0/24"],
            ),
            zone(
                "cell-1",
                'Cell 1 & 2 "packing"',
                1.0,
                2.0,
                site="lyon",
                security_level_target=3,
                security_level_achieved=1,
                subnets=["10.1.0.0/24"],
            ),
        ],
        conduits=[
            conduit(
                "it-dmz",
                "IT to DMZ",
                ["enterprise", "dmz"],
                allow("https", 443, "enterprise"),
                enforcement="fw-1",
                security_level_target=2,
                security_level_achieved=2,
            ),
            conduit("dmz-ops", "DMZ to operations", ["dmz", "ops"], enforcement="fw-1"),
            conduit("ops-cell", "Operations to cell", ["ops", "cell-1"], default_deny=False),
        ],
        systems=[
            system(
                "erp",
                "SAP S/4 ERP",
                "erp",
                4,
                "enterprise",
                location="acme",
                capabilities=["erp"],
                vendor="SAP",
                owner="IT",
                criticality="high",
                costs=AnnualCosts(licence=250000, maintenance=40000.5),
                lifecycle=Lifecycle(installed=date(2019, 1, 1), end_of_support=date(2030, 12, 31)),
            ),
            system("fw-1", "OT firewall", "firewall", 3.5, "dmz"),
            system("broker", "UNS broker", "broker", 3.5, "dmz", tags=["uns"]),
            system(
                "mes",
                "MES",
                "mes",
                3,
                "ops",
                location="lyon",
                capabilities=["mom", "mom.data"],
                criticality="critical",
                costs=AnnualCosts(licence=90000, support=12000),
            ),
            system("historian-a", "Historian A", "historian", 3, "ops", capabilities=["mom.data"]),
            system(
                "scada",
                "SCADA " + SCRIPT,
                "scada",
                2,
                "cell-1",
                description="Supervises line 1 — with <b>markup</b> & ampersands",
            ),
            system(
                "hmi-1",
                "HMI line 1",
                "hmi",
                2,
                "cell-1",
                location="lyon/packing/line-1",
                lifecycle=Lifecycle(end_of_support=date(2020, 1, 14)),
            ),
            system(
                "plc-1",
                "Filler PLC",
                "plc",
                1,
                "cell-1",
                capabilities=["control"],
                vendor="Siemens",
                product="S7-1500",
                version="2.9",
            ),
        ],
        assets=[
            asset(
                "srv-mes",
                "srv-mes",
                "server",
                ["10.3.0.10"],
                systems=["mes"],
                zone="ops",
                purdue_level=3,
                os="Windows Server 2019",
            ),
            asset(
                "10.1.0.23",
                "unknown 10.1.0.23",
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
            asset("plc-1-hw", "PLC rack", "plc", systems=["plc-1"], zone="cell-1", vendor="Siemens"),
        ],
        flows=[
            flow(
                "erp-mes",
                "erp",
                "mes",
                "https",
                port=443,
                pattern="middleware",
                information=["production-schedule"],
                encrypted=True,
                via="fw-1",
            ),
            flow(
                "mes-erp",
                "mes",
                "erp",
                "https",
                port=443,
                information=["production-performance", "material-consumption"],
            ),
            flow("scada-plc", "scada", "plc-1", "s7comm", port=102, transport="tcp"),
            flow("hmi-plc", "hmi-1", "plc-1", "modbus", port=502),
            flow("erp-plc", "erp", "plc-1", "modbus", port=502, description="the level 4 to level 1 flow"),
            flow(
                "hist-scada",
                "historian-a",
                "scada",
                "opcua",
                port=4840,
                direction="bidirectional",
                encrypted=False,
            ),
            flow(
                "obs-1",
                "scada",
                "10.1.0.23",
                "modbus",
                port=502,
                origin="observed",
                packets=1200,
                bytes=96000,
                first_seen=seen,
                last_seen=seen,
            ),
        ],
        waivers=[
            waiver(
                "w-1", "cleartext-across-zones", "hmi-plc", "replaced in 2027", "ot-lead", date(2027, 6, 30)
            )
        ],
    )
