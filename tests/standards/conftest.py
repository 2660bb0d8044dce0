"""A small compliant plant every standards test starts from, and helpers to check it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from plant_builder import allow, asset, capability, conduit, flow, location, system, zone
from plantarch.model import Asset, Conduit, ConduitRule, Flow, Lifecycle, PlantModel, Provenance, System
from plantarch.standards import CheckResult, Finding, check_model, load_baseline

TODAY = date(2026, 6, 1)


def _system(key: str, kind: str, zone: str, level: float, **extra: object) -> System:
    """A system of the site with an owner, high criticality and a supported lifecycle."""
    fields: dict[str, object] = {
        "location": "site",
        "owner": "ot-team",
        "criticality": "high",
        "lifecycle": Lifecycle(installed=date(2020, 1, 1), end_of_support=date(2030, 1, 1)),
    }
    return system(key, key.upper(), kind, level, zone, **(fields | extra))


def _secured(level: int) -> dict[str, int]:
    """The security level of a zone or conduit, both targeted and achieved."""
    return {"security_level_target": level, "security_level_achieved": level}


def _conduit(key: str, name: str, zones: list[str], level: int, *allowed: ConduitRule) -> Conduit:
    """A conduit at a security level (targeted and achieved) allowing exactly `allowed`."""
    return conduit(key, name, zones, *allowed, **_secured(level))


def compliant_plant() -> PlantModel:
    """A plant that satisfies every baseline rule: IT and OT meet only in the DMZ, conduits allow
    exactly the flows there are, remote access lands on a DMZ jump host."""
    return PlantModel(
        locations=[location("site", "Site", "site")],
        capabilities=[
            capability("historian", "Process historian", "data"),
            capability("mes", "Production execution", "manufacturing-operations"),
        ],
        zones=[
            zone("internet", "Internet", untrusted=True, subnets=["0.0.0.0/0"], **_secured(0)),
            zone("enterprise", "Enterprise", 4, 5, subnets=["10.4.0.0/16"], **_secured(1)),
            zone("dmz", "Industrial DMZ", 3.5, dmz=True, subnets=["10.35.0.0/16"], **_secured(3)),
            zone("ops", "Site operations", 3, subnets=["10.3.0.0/16"], **_secured(2)),
            zone("cell", "Line 1 cell", 1, 2, subnets=["10.1.0.0/16"], **_secured(3)),
        ],
        conduits=[
            _conduit(
                "c-ent-dmz", "Enterprise to DMZ", ["enterprise", "dmz"], 3, allow("mqtt", 8883, "enterprise")
            ),
            _conduit(
                "c-dmz-ops",
                "DMZ to operations",
                ["dmz", "ops"],
                2,
                allow("mqtt", 8883, "ops"),
                allow("rdp", 3389, "dmz"),
            ),
            _conduit("c-ops-cell", "Operations to cell", ["ops", "cell"], 3, allow("opcua", 4840, "ops")),
            _conduit("c-inet-dmz", "Remote access", ["internet", "dmz"], 3, allow("https", 443, "internet")),
        ],
        systems=[
            _system("erp", "erp", "enterprise", 4),
            _system("broker", "broker", "dmz", 3.5),
            _system("jump", "jump-host", "dmz", 3.5),
            _system("mes", "mes", "ops", 3, capabilities=["mes"]),
            _system("historian", "historian", "ops", 3, capabilities=["historian"]),
            _system("scada", "scada", "cell", 2),
            _system("plc-1", "plc", "cell", 1),
            _system("vendor", "vendor", "internet", 5),
            _system("qms", "qms", "ops", 3),
        ],
        assets=[
            asset("qms-srv", "QMS server", "server", ["10.3.0.7"], systems=["qms"]),
            asset("plc-1-cpu", "PLC 1 CPU", "plc", ["10.1.0.10"], systems=["plc-1"]),
            asset("scada-srv", "SCADA server", "server", ["10.1.0.20"], systems=["scada"]),
            asset("hist-srv", "Historian server", "server", ["10.3.0.5"], systems=["historian"]),
            asset("fw-1", "Cell firewall", "firewall", ["10.3.0.1", "10.1.0.1"]),
        ],
        flows=[
            flow("erp-broker", "erp", "broker", "mqtt", port=8883, pattern="broker"),
            flow("mes-broker", "mes", "broker", "mqtt", port=8883, pattern="broker"),
            flow("hist-plc", "historian", "plc-1", "opcua", port=4840),
            flow("scada-plc", "scada", "plc-1", "modbus", port=502),
            flow("vendor-jump", "vendor", "jump", "https", port=443),
            flow("jump-mes", "jump", "mes", "rdp", port=3389),
        ],
    )


def observed_flow(key: str, src_ip: str, dst_ip: str, protocol: str, port: int) -> tuple[list[Asset], Flow]:
    """Two hosts discovery found (no declared zone: zones come from subnets) and a flow seen between them."""
    seen = Provenance(source="pcap", reference="line1.pcapng", observed_at=datetime(2026, 5, 30, 8, 0))
    hosts = [asset(f"host-{ip}", ip, ips=[ip], declared=False, provenance=[seen]) for ip in (src_ip, dst_ip)]
    observed = flow(
        key,
        f"host-{src_ip}",
        f"host-{dst_ip}",
        protocol,
        port=port,
        transport="tcp",
        origin="observed",
        packets=120,
        provenance=[seen],
    )
    return hosts, observed


def run_check(model: PlantModel) -> CheckResult:
    """The baseline check of a model, as of TODAY."""
    return check_model(model, [load_baseline()], today=TODAY)


def findings_of(result: CheckResult, rule: str) -> list[Finding]:
    """The findings of one rule."""
    return [f for f in result.findings if f.rule == rule]


@pytest.fixture
def plant() -> PlantModel:
    """A fresh compliant plant to modify."""
    return compliant_plant()


@pytest.fixture
def check() -> Callable[[PlantModel], CheckResult]:
    """Check a model against the baseline pack as of a fixed date."""
    return run_check
