"""A small compliant plant every standards test starts from, and helpers to check it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

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
    Zone,
)
from plantarch.standards import CheckResult, Finding, check_model, load_baseline

TODAY = date(2026, 6, 1)


def _system(key: str, kind: str, zone: str, level: float, **extra: object) -> System:
    fields: dict[str, object] = {
        "key": key,
        "name": key.upper(),
        "kind": kind,
        "zone": zone,
        "purdue_level": level,
        "location": "site",
        "owner": "ot-team",
        "criticality": "high",
        "lifecycle": Lifecycle(installed=date(2020, 1, 1), end_of_support=date(2030, 1, 1)),
    }
    fields.update(extra)
    return System.model_validate(fields)


def compliant_plant() -> PlantModel:
    """A plant that satisfies every baseline rule: IT and OT meet only in the DMZ, conduits allow
    exactly the flows there are, remote access lands on a DMZ jump host."""
    return PlantModel(
        locations=[Location(key="site", name="Site", kind="site")],
        capabilities=[
            Capability(key="historian", name="Process historian", category="data"),
            Capability(key="mes", name="Production execution", category="manufacturing-operations"),
        ],
        zones=[
            Zone(
                key="internet",
                name="Internet",
                untrusted=True,
                subnets=["0.0.0.0/0"],
                security_level_target=0,
                security_level_achieved=0,
            ),
            Zone(
                key="enterprise",
                name="Enterprise",
                purdue_levels=[4, 5],
                subnets=["10.4.0.0/16"],
                security_level_target=1,
                security_level_achieved=1,
            ),
            Zone(
                key="dmz",
                name="Industrial DMZ",
                dmz=True,
                purdue_levels=[3.5],
                subnets=["10.35.0.0/16"],
                security_level_target=3,
                security_level_achieved=3,
            ),
            Zone(
                key="ops",
                name="Site operations",
                purdue_levels=[3],
                subnets=["10.3.0.0/16"],
                security_level_target=2,
                security_level_achieved=2,
            ),
            Zone(
                key="cell",
                name="Line 1 cell",
                purdue_levels=[1, 2],
                subnets=["10.1.0.0/16"],
                security_level_target=3,
                security_level_achieved=3,
            ),
        ],
        conduits=[
            Conduit(
                key="c-ent-dmz",
                name="Enterprise to DMZ",
                zones=["enterprise", "dmz"],
                allowed=[ConduitRule(protocol="mqtt", port=8883, source_zone="enterprise")],
                security_level_target=3,
                security_level_achieved=3,
            ),
            Conduit(
                key="c-dmz-ops",
                name="DMZ to operations",
                zones=["dmz", "ops"],
                allowed=[
                    ConduitRule(protocol="mqtt", port=8883, source_zone="ops"),
                    ConduitRule(protocol="rdp", port=3389, source_zone="dmz"),
                ],
                security_level_target=2,
                security_level_achieved=2,
            ),
            Conduit(
                key="c-ops-cell",
                name="Operations to cell",
                zones=["ops", "cell"],
                allowed=[ConduitRule(protocol="opcua", port=4840, source_zone="ops")],
                security_level_target=3,
                security_level_achieved=3,
            ),
            Conduit(
                key="c-inet-dmz",
                name="Remote access",
                zones=["internet", "dmz"],
                allowed=[ConduitRule(protocol="https", port=443, source_zone="internet")],
                security_level_target=3,
                security_level_achieved=3,
            ),
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
            Asset(key="qms-srv", name="QMS server", kind="server", ips=["10.3.0.7"], systems=["qms"]),
            Asset(key="plc-1-cpu", name="PLC 1 CPU", kind="plc", ips=["10.1.0.10"], systems=["plc-1"]),
            Asset(key="scada-srv", name="SCADA server", kind="server", ips=["10.1.0.20"], systems=["scada"]),
            Asset(
                key="hist-srv",
                name="Historian server",
                kind="server",
                ips=["10.3.0.5"],
                systems=["historian"],
            ),
            Asset(key="fw-1", name="Cell firewall", kind="firewall", ips=["10.3.0.1", "10.1.0.1"]),
        ],
        flows=[
            Flow(
                key="erp-broker", source="erp", target="broker", protocol="mqtt", port=8883, pattern="broker"
            ),
            Flow(
                key="mes-broker", source="mes", target="broker", protocol="mqtt", port=8883, pattern="broker"
            ),
            Flow(key="hist-plc", source="historian", target="plc-1", protocol="opcua", port=4840),
            Flow(key="scada-plc", source="scada", target="plc-1", protocol="modbus", port=502),
            Flow(key="vendor-jump", source="vendor", target="jump", protocol="https", port=443),
            Flow(key="jump-mes", source="jump", target="mes", protocol="rdp", port=3389),
        ],
    )


def observed_flow(key: str, src_ip: str, dst_ip: str, protocol: str, port: int) -> tuple[list[Asset], Flow]:
    """Two hosts discovery found (no declared zone: zones come from subnets) and a flow seen between them."""
    seen = Provenance(source="pcap", reference="line1.pcapng", observed_at=datetime(2026, 5, 30, 8, 0))
    hosts = [
        Asset(key=f"host-{ip}", name=ip, ips=[ip], declared=False, provenance=[seen])
        for ip in (src_ip, dst_ip)
    ]
    flow = Flow(
        key=key,
        source=f"host-{src_ip}",
        target=f"host-{dst_ip}",
        protocol=protocol,
        port=port,
        transport="tcp",
        origin="observed",
        packets=120,
        provenance=[seen],
    )
    return hosts, flow


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
