"""Each baseline rule on a compliant plant (passes) and on a plant that breaks it, on declared and on
observed data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from conftest import findings_of, observed_flow
from plantarch.model import Asset, ConduitRule, Flow, PlantModel
from plantarch.standards import CheckResult

Check = Callable[[PlantModel], CheckResult]


def rules_hit(result: CheckResult) -> dict[str, set[str]]:
    """Rule id -> keys of the objects it found."""
    hits: dict[str, set[str]] = {}
    for f in result.findings:
        hits.setdefault(f.rule, set()).add(f.key)
    return hits


def test_the_compliant_plant_has_no_findings(plant: PlantModel, check: Check) -> None:
    result = check(plant)
    assert result.findings == []
    assert len(result.rules) >= 13


# --- SEG-001 / SEG-002: Purdue levels and the DMZ ------------------------------------------------


def test_declared_level4_to_level1_flow_is_critical(plant: PlantModel, check: Check) -> None:
    plant.flows.append(Flow(key="erp-plc", source="erp", target="plc-1", protocol="opcua", port=4840))
    result = check(plant)
    [finding] = findings_of(result, "SEG-001")
    assert finding.key == "erp-plc" and finding.severity == "critical"
    assert "level 4 to level 1" in finding.message
    assert finding.evidence["source_zone"] == "enterprise" and finding.evidence["target_level"] == 1
    # the same flow also crosses IT/OT outside the DMZ and has no conduit
    assert {"SEG-001", "SEG-002", "SEG-005"} <= set(rules_hit(result))


def test_observed_enterprise_host_talking_to_a_plc_is_found_from_subnets(
    plant: PlantModel, check: Check
) -> None:
    hosts, flow = observed_flow("obs-1", "10.4.1.50", "10.1.0.10", "s7comm", 102)
    plant.assets.append(hosts[0])  # 10.1.0.10 is the declared PLC CPU
    flow.target = "plc-1-cpu"
    plant.flows.append(flow)
    result = check(plant)
    [finding] = findings_of(result, "SEG-001")
    assert finding.key == "obs-1"
    assert finding.evidence["origin"] == "observed"
    assert finding.evidence["seen"][0]["source"] == "pcap"
    assert finding.evidence["seen"][0]["reference"] == "line1.pcapng"


def test_level4_to_level1_through_a_dmz_system_is_not_direct(plant: PlantModel, check: Check) -> None:
    plant.flows.append(
        Flow(key="erp-plc", source="erp", target="plc-1", protocol="opcua", port=4840, via="broker")
    )
    assert findings_of(check(plant), "SEG-001") == []
    assert findings_of(check(plant), "SEG-002") == []


def test_it_to_level3_flow_must_terminate_in_the_dmz(plant: PlantModel, check: Check) -> None:
    plant.flows.append(Flow(key="erp-mes", source="erp", target="mes", protocol="https", port=443))
    result = check(plant)
    assert [f.key for f in findings_of(result, "SEG-002")] == ["erp-mes"]
    assert findings_of(result, "SEG-001") == []


def test_observed_it_to_level3_flow_breaks_the_dmz_rule(plant: PlantModel, check: Check) -> None:
    hosts, flow = observed_flow("obs-2", "10.4.9.9", "10.3.0.77", "sql", 1433)
    plant.assets.extend(hosts)
    plant.flows.append(flow)
    result = check(plant)
    assert [f.key for f in findings_of(result, "SEG-002")] == ["obs-2"]


# --- SEG-003: cleartext industrial protocols ----------------------------------------------------


def test_cleartext_modbus_across_zones_is_flagged_but_not_inside_a_zone(
    plant: PlantModel, check: Check
) -> None:
    plant.conduits[2].allowed.append(ConduitRule(protocol="modbus", port=502, source_zone="ops"))
    plant.flows.append(
        Flow(key="hist-plc-modbus", source="historian", target="plc-1", protocol="modbus", port=502)
    )
    result = check(plant)
    assert [f.key for f in findings_of(result, "SEG-003")] == ["hist-plc-modbus"]
    assert findings_of(result, "SEG-005") == []  # the conduit allows it; the protocol is the problem


def test_secure_protocol_variants_may_cross_zones(plant: PlantModel, check: Check) -> None:
    plant.conduits[2].allowed.append(ConduitRule(protocol="dnp3", port=20000, source_zone="ops"))
    plant.flows.append(
        Flow(
            key="dnp3-sav5",
            source="historian",
            target="plc-1",
            protocol="dnp3",
            port=20000,
            authenticated=True,
        )
    )
    assert findings_of(check(plant), "SEG-003") == []


def test_observed_cleartext_s7_across_zones_is_flagged(plant: PlantModel, check: Check) -> None:
    hosts, flow = observed_flow("obs-s7", "10.3.0.99", "10.1.0.10", "s7comm", 102)
    plant.assets.append(hosts[0])
    flow.target = "plc-1-cpu"
    plant.flows.append(flow)
    assert [f.key for f in findings_of(check(plant), "SEG-003")] == ["obs-s7"]


# --- SEG-004 / SEG-005: conduits -------------------------------------------------------------------


def test_conduit_that_allows_everything_is_flagged(plant: PlantModel, check: Check) -> None:
    plant.conduits[1].default_deny = False
    plant.conduits[2].allowed.append(ConduitRule(description="any"))
    result = check(plant)
    assert {f.key for f in findings_of(result, "SEG-004")} == {"c-dmz-ops", "c-ops-cell"}


def test_observed_flow_no_conduit_allows_is_a_violation_though_nobody_declared_it(
    plant: PlantModel, check: Check
) -> None:
    _hosts, flow = observed_flow("obs-smb", "10.3.0.5", "10.1.0.20", "smb", 445)
    flow.source, flow.target = "hist-srv", "scada-srv"
    plant.flows.append(flow)
    result = check(plant)
    [finding] = findings_of(result, "SEG-005")
    assert finding.key == "obs-smb"
    assert "observed flow" in finding.message and "c-ops-cell" in finding.message
    assert finding.evidence["conduits"] == ["c-ops-cell"]
    assert finding.evidence["seen"][0]["observed_at"].startswith("2026-05-30")


def test_flow_between_zones_without_any_conduit(plant: PlantModel, check: Check) -> None:
    plant.flows.append(Flow(key="mes-scada", source="mes", target="scada", protocol="opcua", port=4840))
    plant.flows.append(Flow(key="ent-cell", source="erp", target="scada", protocol="https", port=443))
    result = check(plant)
    messages = {f.key: f.message for f in findings_of(result, "SEG-005")}
    assert set(messages) == {"ent-cell"}  # mes→scada is opcua from ops, which c-ops-cell allows
    assert "no conduit joins" in messages["ent-cell"]


def test_conduit_direction_matters(plant: PlantModel, check: Check) -> None:
    plant.flows.append(Flow(key="plc-hist", source="plc-1", target="historian", protocol="opcua", port=4840))
    assert [f.key for f in findings_of(check(plant), "SEG-005")] == ["plc-hist"]


# --- SEG-006: dual-homed hosts ---------------------------------------------------------------------


def test_dual_homed_workstation_bridging_zones_of_different_sl(plant: PlantModel, check: Check) -> None:
    plant.assets.append(
        Asset(key="ews", name="Engineering PC", kind="workstation", ips=["10.3.0.40", "10.1.0.40"])
    )
    [finding] = findings_of(check(plant), "SEG-006")
    assert finding.key == "ews" and finding.evidence["zones"] == {"cell": 3, "ops": 2}


def test_observed_host_seen_with_addresses_in_two_zones(plant: PlantModel, check: Check) -> None:
    hosts, _ = observed_flow("unused", "10.4.0.8", "10.1.0.8", "smb", 445)
    hosts[0].ips.append("10.1.0.8")
    plant.assets.append(hosts[0])
    assert [f.key for f in findings_of(check(plant), "SEG-006")] == ["host-10.4.0.8"]


def test_system_on_hosts_in_two_zones_is_dual_homed_but_firewalls_are_not(
    plant: PlantModel, check: Check
) -> None:
    plant.assets.append(Asset(key="hist-replica", name="Replica", ips=["10.1.0.60"], systems=["historian"]))
    result = check(plant)
    assert [f.key for f in findings_of(result, "SEG-006")] == ["historian"]
    assert "fw-1" not in {f.key for f in result.findings}


def test_two_zones_with_the_same_sl_may_share_a_host(plant: PlantModel, check: Check) -> None:
    plant.zones[2].security_level_target = 2  # dmz now SL-T 2 like ops
    plant.zones[2].security_level_achieved = 2
    plant.assets.append(Asset(key="shared", name="Shared", ips=["10.35.0.9", "10.3.0.9"]))
    assert findings_of(check(plant), "SEG-006") == []


# --- SL-001 / SL-002: security levels --------------------------------------------------------------


def test_zone_and_conduit_without_target_sl(plant: PlantModel, check: Check) -> None:
    plant.zones[3].security_level_target = None
    plant.conduits[0].security_level_target = None
    assert {f.object_ref for f in findings_of(check(plant), "SL-001")} == {"zone/ops", "conduit/c-ent-dmz"}


def test_achieved_below_target_and_unassessed(plant: PlantModel, check: Check) -> None:
    plant.zones[4].security_level_achieved = 1
    plant.conduits[2].security_level_achieved = None
    result = check(plant)
    messages = {f.object_ref: f.message for f in findings_of(result, "SL-002")}
    assert set(messages) == {"zone/cell", "conduit/c-ops-cell"}
    assert "below its target SL 3" in messages["zone/cell"]
    assert "never assessed" in messages["conduit/c-ops-cell"]


# --- ACC-001: remote access ------------------------------------------------------------------------


def test_vendor_straight_into_scada_is_critical(plant: PlantModel, check: Check) -> None:
    plant.flows.append(Flow(key="vendor-scada", source="vendor", target="scada", protocol="vnc", port=5900))
    [finding] = findings_of(check(plant), "ACC-001")
    assert finding.key == "vendor-scada" and finding.severity == "critical"


def test_observed_internet_address_reaching_level3_is_flagged(plant: PlantModel, check: Check) -> None:
    hosts, flow = observed_flow("obs-rdp", "203.0.113.7", "10.3.0.5", "rdp", 3389)
    plant.assets.append(hosts[0])
    flow.target = "hist-srv"
    plant.flows.append(flow)
    [finding] = findings_of(check(plant), "ACC-001")
    assert finding.key == "obs-rdp" and finding.evidence["source_zone"] == "internet"


def test_remote_access_via_the_dmz_jump_host_is_fine(plant: PlantModel, check: Check) -> None:
    plant.flows.append(
        Flow(key="vendor-scada", source="vendor", target="scada", protocol="rdp", port=3389, via="jump")
    )
    assert findings_of(check(plant), "ACC-001") == []


# --- INV-001 / LIFE-001: inventory and lifecycle ---------------------------------------------------


def test_system_without_owner_or_lifecycle_dates(plant: PlantModel, check: Check) -> None:
    plant.systems[3].owner = None
    plant.systems[3].lifecycle.end_of_support = None
    [finding] = findings_of(check(plant), "INV-001")
    assert finding.key == "mes" and finding.evidence["missing"] == ["owner", "lifecycle.end_of_support"]


def test_end_of_support_software_in_level2_but_not_in_level4(plant: PlantModel, check: Check) -> None:
    for system in plant.systems:
        if system.key in ("scada", "erp"):
            system.lifecycle.end_of_support = date(2025, 1, 1)
    result = check(plant)
    [finding] = findings_of(result, "LIFE-001")
    assert finding.key == "scada" and "2025-01-01" in finding.message


def test_end_of_support_level_comes_from_discovery_when_not_declared(plant: PlantModel, check: Check) -> None:
    plant.systems[5].purdue_level = None  # scada: level from its zone (cell, levels 1-2)
    plant.systems[5].lifecycle.end_of_support = date(2026, 5, 31)
    assert [f.key for f in findings_of(check(plant), "LIFE-001")] == ["scada"]


# --- INT-001: integration patterns -----------------------------------------------------------------


def test_point_to_point_between_business_systems(plant: PlantModel, check: Check) -> None:
    plant.flows += [
        Flow(key="mes-qms-sql", source="mes", target="qms", protocol="sql", port=1433),
        Flow(key="mes-qms-opcua", source="mes", target="qms", protocol="opcua", port=4840),
        Flow(key="mes-qms-broker", source="mes", target="qms", protocol="https", via="broker"),
        Flow(key="mes-qms-file", source="mes", target="qms", protocol="https", via="broker", pattern="file"),
        Flow(key="mes-hist-sql", source="mes", target="historian", protocol="sql", port=1433),
    ]
    # a declared pattern decides, even through the broker; a historian is not a business system
    assert sorted(f.key for f in findings_of(check(plant), "INT-001")) == ["mes-qms-file", "mes-qms-sql"]


def test_observed_point_to_point_between_business_hosts(plant: PlantModel, check: Check) -> None:
    plant.assets.append(Asset(key="mes-srv", name="MES server", ips=["10.3.0.6"], systems=["mes"]))
    _hosts, flow = observed_flow("obs-p2p", "10.3.0.6", "10.3.0.7", "sql", 1433)
    flow.source, flow.target = "mes-srv", "qms-srv"
    plant.flows.append(flow)
    assert [f.key for f in findings_of(check(plant), "INT-001")] == ["obs-p2p"]


# --- CAP-001: duplicated capabilities --------------------------------------------------------------


def test_second_historian_at_the_same_site_needs_a_justification(plant: PlantModel, check: Check) -> None:
    newer = plant.systems[4].model_copy(update={"key": "historian-2", "name": "Second historian"})
    newer.lifecycle = newer.lifecycle.model_copy(update={"installed": date(2024, 3, 1)})
    plant.systems.append(newer)
    [finding] = findings_of(check(plant), "CAP-001")
    assert finding.key == "historian-2"
    assert finding.evidence["duplicates"] == {"historian": ["historian"]}
    newer.justification = "migration from the old historian until 2027"
    assert findings_of(check(plant), "CAP-001") == []


def test_a_flow_via_a_dmz_relay_needs_a_conduit_for_each_leg(plant: PlantModel, check: Check) -> None:
    plant.flows.append(
        Flow(key="erp-mes", source="erp", target="mes", protocol="mqtt", port=8883, via="broker")
    )
    [finding] = findings_of(check(plant), "SEG-005")
    assert finding.evidence["crossing"] == ["dmz", "ops"] and "leg via broker" in finding.message
    assert findings_of(check(plant), "SEG-002") == []  # it does terminate in the DMZ
    plant.conduits[1].allowed.append(ConduitRule(protocol="mqtt", port=8883, source_zone="dmz"))
    assert findings_of(check(plant), "SEG-005") == []


def test_an_out_of_support_system_is_not_the_incumbent(plant: PlantModel, check: Check) -> None:
    older = plant.systems[4].model_copy(update={"key": "historian-old", "name": "Old historian"})
    older.lifecycle = older.lifecycle.model_copy(
        update={"installed": date(2005, 1, 1), "end_of_support": date(2015, 1, 1)}
    )
    plant.systems.append(older)
    assert [f.key for f in findings_of(check(plant), "CAP-001")] == ["historian-old"]
