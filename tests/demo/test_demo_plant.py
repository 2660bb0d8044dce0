"""The demo plant is a complete, valid model and every planted problem is really in its data."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
import rustworkx as rx

from plantarch.demo import demo_plant_dir, load_demo_model
from plantarch.demo.planted import (
    COMPLIANT_EXAMPLES,
    EOL_HMIS,
    HIDDEN_FLOWS,
    HISTORIANS,
    LINE3_SILO,
    PLANTED_PROBLEMS,
    SPAGHETTI_FLOWS,
    STALE_FLOW,
)
from plantarch.interchange.yaml_model import render_model
from plantarch.model import CLEARTEXT_INDUSTRIAL_PROTOCOLS, PURDUE_LEVELS, Flow, PlantModel, System
from plantarch.model.taxonomy import load_capability_taxonomy

TODAY = date(2026, 11, 24)
BUSINESS_KINDS = {"erp", "mes", "qms", "cmms", "lims", "wms", "plm"}


@pytest.fixture(scope="module")
def model() -> PlantModel:
    return load_demo_model()


def system_of(model: PlantModel, key: str) -> System:
    """The system a flow endpoint names, or the first system its asset runs."""
    found = model.system(key)
    if found is not None:
        return found
    asset = model.index("asset")[key]
    systems = asset.systems  # type: ignore[attr-defined]
    owner = model.system(systems[0])
    assert owner is not None
    return owner


def zone_of(model: PlantModel, key: str) -> str | None:
    obj = model.index("system").get(key) or model.index("asset")[key]
    return obj.zone  # type: ignore[attr-defined, no-any-return]


def legs(flow: Flow) -> list[tuple[str, str]]:
    return [(flow.source, flow.via), (flow.via, flow.target)] if flow.via else [(flow.source, flow.target)]


def test_model_is_valid_and_big_enough(model: PlantModel) -> None:
    assert model.reference_errors() == []
    assert model.duplicate_keys() == []
    counts = model.counts()
    assert counts["systems"] >= 100
    assert counts["assets"] >= 300
    assert counts["zones"] >= 6 and counts["conduits"] >= 6
    assert {s.location for s in model.systems if s.location} >= {"riverside-plant", "millbrook-plant"}


def test_every_purdue_level_has_systems_and_assets(model: PlantModel) -> None:
    assert {s.purdue_level for s in model.systems} >= set(PURDUE_LEVELS)
    assert {a.purdue_level for a in model.assets} >= set(PURDUE_LEVELS)


def test_capabilities_are_the_shipped_taxonomy(model: PlantModel) -> None:
    taxonomy = {c.key: c for c in load_capability_taxonomy()}
    assert {c.key: c for c in model.capabilities} == taxonomy
    used = {c for s in model.systems for c in s.capabilities}
    assert used <= taxonomy.keys()


def test_shipped_yaml_is_the_canonical_export(model: PlantModel) -> None:
    """Exporting the demo model reproduces the shipped files byte for byte."""
    shipped = {
        path.relative_to(demo_plant_dir()).as_posix(): path.read_text(encoding="utf-8")
        for path in demo_plant_dir().rglob("*.yaml")
    }
    assert render_model(model) == shipped


def test_addresses_are_unique(model: PlantModel) -> None:
    ips = [ip for a in model.assets for ip in a.ips]
    macs = [m for a in model.assets for m in a.macs]
    assert len(ips) == len(set(ips))
    assert len(macs) == len(set(macs))


def test_every_planted_and_compliant_object_exists(model: PlantModel) -> None:
    known = {obj.key for _, obj in model.all_objects()}
    for problem in PLANTED_PROBLEMS:
        if not problem.capture_only:
            assert set(problem.objects) <= known, problem.key
    for key, _ in COMPLIANT_EXAMPLES:
        assert key in known


def test_redundant_historians(model: PlantModel) -> None:
    at_site = {
        s.key
        for s in model.systems
        if "process-historian" in s.capabilities and s.location == "riverside-plant"
    }
    assert at_site == set(HISTORIANS)
    spend = sum(model.system(k).costs.total for k in HISTORIANS)  # type: ignore[union-attr]
    assert spend > 100_000


def test_level4_to_level1_flow(model: PlantModel) -> None:
    crossing = {
        f.key
        for f in model.flows
        if {system_of(model, f.source).purdue_level, system_of(model, f.target).purdue_level} & {4.0, 5.0}
        and {system_of(model, f.source).purdue_level, system_of(model, f.target).purdue_level}
        & {0.0, 1.0, 2.0}
    }
    assert crossing == {"erp-sap-to-l1-plc-filler"}


def test_end_of_support_in_levels_up_to_3(model: PlantModel) -> None:
    eol = {
        s.key
        for s in model.systems
        if s.lifecycle.end_of_support and s.lifecycle.end_of_support < TODAY and (s.purdue_level or 9) <= 3
    }
    assert eol == {*EOL_HMIS, "hist-proficy-legacy"}
    assert {model.system(k).kind for k in EOL_HMIS} == {"hmi"}  # type: ignore[union-attr]
    eol_anywhere = {
        s.key for s in model.systems if s.lifecycle.end_of_support and s.lifecycle.end_of_support < TODAY
    }
    assert eol_anywhere - eol == {"it-fileserver"}


def test_erp_to_mes_schedule_is_missing_at_riverside_only(model: PlantModel) -> None:
    schedules = {(f.source, f.target) for f in model.flows if "production-schedule" in f.information}
    assert ("erp-sap", "mes-rp") not in schedules
    assert ("erp-sap", "mb-mes") in schedules
    assert model.system("erp-sap") and model.system("mes-rp")
    exchanged = {
        i for f in model.flows if {f.source, f.target} == {"erp-sap", "mes-rp"} for i in f.information
    }
    assert {"product-definition", "production-performance", "material-consumption"} <= exchanged


def test_point_to_point_spaghetti_between_business_systems(model: PlantModel) -> None:
    p2p = {
        f.key
        for f in model.flows
        if f.pattern == "point-to-point"
        and system_of(model, f.source).kind in BUSINESS_KINDS
        and system_of(model, f.target).kind in BUSINESS_KINDS
    }
    assert p2p == set(SPAGHETTI_FLOWS)
    millbrook = [
        f for f in model.flows if "mb-mes" in (f.source, f.target) and "erp-sap" in (f.source, f.target)
    ]
    assert millbrook and {f.pattern for f in millbrook} == {"middleware"}


def test_cleartext_industrial_protocol_crossing_a_zone(model: PlantModel) -> None:
    crossing = {
        f.key
        for f in model.flows
        for a, b in legs(f)
        if f.protocol in CLEARTEXT_INDUSTRIAL_PROTOCOLS and zone_of(model, a) != zone_of(model, b)
    }
    assert crossing == {"ems-rp-to-power-meters"}


def _conduit_allows(model: PlantModel, flow: Flow, src_zone: str, dst_zone: str) -> bool:
    for conduit in model.conduits:
        if set(conduit.zones) != {src_zone, dst_zone}:
            continue
        for rule in conduit.allowed:
            if (
                rule.protocol in (None, flow.protocol) and rule.port in (None, flow.port)
            ) and rule.source_zone in (
                None,
                src_zone,
            ):
                return True
    return False


def test_only_the_planted_flows_break_conduit_allow_lists(model: PlantModel) -> None:
    violations = set()
    for f in model.flows:
        for a, b in legs(f):
            za, zb = zone_of(model, a), zone_of(model, b)
            assert za and zb
            if za != zb and not _conduit_allows(model, f, za, zb):
                violations.add(f.key)
    assert violations == {
        "mes-rp-to-l1-scada-batch-files",
        "erp-sap-to-l1-plc-filler",
        "vendor-palletizer-oem-to-l2-hmi-palletizer",
    }


def test_dual_homed_host_bridges_zones(model: PlantModel) -> None:
    nets = [(z, ipaddress.ip_network(n)) for z in model.zones for n in z.subnets]
    bridging = set()
    for a in model.assets:
        zones = {z.key for ip in a.ips for z, net in nets if ipaddress.ip_address(ip) in net}
        levels = {z.security_level_target for z in model.zones if z.key in zones}
        if len(zones) > 1 and len(levels) > 1 and a.kind != "firewall":
            bridging.add(a.key)
    assert bridging == {"l2-ews-pc"}


def test_zone_below_target(model: PlantModel) -> None:
    below = [
        o.key
        for o in (*model.zones, *model.conduits)
        if (o.security_level_achieved or 0) < (o.security_level_target or 0)
    ]
    assert below == ["z-utilities"]


def test_vendor_access_bypasses_the_dmz(model: PlantModel) -> None:
    zones = model.index("zone")
    bypass = {
        f.key
        for f in model.flows
        if zones[zone_of(model, f.source) or ""].untrusted  # type: ignore[attr-defined]
        and not zones[zone_of(model, f.via or f.target) or ""].dmz  # type: ignore[attr-defined]
    }
    assert bypass == {"vendor-palletizer-oem-to-l2-hmi-palletizer"}


def test_ownership_and_lifecycle(model: PlantModel) -> None:
    assert {s.key for s in model.systems if not s.owner} == {"oee-grafana-l2"}
    assert all(s.criticality and s.lifecycle.installed and s.lifecycle.end_of_support for s in model.systems)


def test_duplicate_capabilities(model: PlantModel) -> None:
    groups: dict[tuple[str, str | None], list[System]] = defaultdict(list)
    for s in model.systems:
        for c in s.capabilities:
            groups[(c, s.location)].append(s)
    unjustified = {
        g
        for g, members in groups.items()
        if len(members) > 1 and sum(not m.justification for m in members) > 1
    }
    assert unjustified == {
        ("process-historian", "riverside-plant"),
        ("maintenance-execution-management", "riverside-plant"),
        ("maintenance-tracking", "riverside-plant"),
    }
    assert not model.system("cmms-upkeep").justification  # type: ignore[union-attr]


def test_line3_is_a_silo_and_the_other_cells_are_not(model: PlantModel) -> None:
    leaves = defaultdict(set)
    for f in model.flows:
        for a, b in legs(f):
            za, zb = zone_of(model, a), zone_of(model, b)
            if za != zb:
                leaves[za].add(zb)
                leaves[zb].add(za)
    assert "z-line3-cell" not in leaves
    assert {s.key for s in model.systems if s.zone == "z-line3-cell"} == set(LINE3_SILO)
    for cell in ("z-line1-cell", "z-line2-cell", "z-utilities", "z-warehouse", "z-safety", "mb-z-cell"):
        assert leaves[cell], cell


def test_the_broker_is_the_single_point_of_failure(model: PlantModel) -> None:
    critical = [s.key for s in model.systems if s.criticality == "critical"]
    graph = rx.PyGraph()
    index = {key: graph.add_node(key) for key in critical}
    for f in model.flows:
        a, b = system_of(model, f.source).key, system_of(model, f.target).key
        if a in index and b in index and a != b:
            graph.add_edge(index[a], index[b], f.key)
    points = {graph[i] for i in rx.articulation_points(graph)}
    assert points == {"uns-broker"}


def test_hidden_flows_are_undeclared_and_touch_known_or_unknown_hosts(model: PlantModel) -> None:
    by_ip = {ip: a for a in model.assets for ip in a.ips}
    declared = {(system_of(model, f.source).key, system_of(model, f.target).key, f.port) for f in model.flows}
    for hidden in HIDDEN_FLOWS:
        for ip, asset_key in ((hidden.src_ip, hidden.src), (hidden.dst_ip, hidden.dst)):
            if asset_key is None:
                assert ip not in by_ip, f"{ip} should be unknown"
            else:
                assert by_ip[ip].key == asset_key
        if hidden.src and hidden.dst:
            pair = (system_of(model, hidden.src).key, system_of(model, hidden.dst).key, hidden.port)
            assert pair not in declared, hidden.key
    stale = model.index("flow")[STALE_FLOW]
    assert stale.origin == "declared"  # type: ignore[attr-defined]


def test_docs_name_every_planted_problem_and_object() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "demo-plant.md").read_text(encoding="utf-8")
    keys = {p.key for p in PLANTED_PROBLEMS} | {k for p in PLANTED_PROBLEMS for k in p.objects}
    keys |= (
        {k for k, _ in COMPLIANT_EXAMPLES} | {h.key for h in HIDDEN_FLOWS} | {h.src_ip for h in HIDDEN_FLOWS}
    )
    missing = sorted(k for k in keys if f"`{k}`" not in docs and k not in docs)
    assert missing == []


def test_docs_counts_match_the_model(model: PlantModel) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "demo-plant.md").read_text(encoding="utf-8")
    assert f"| systems | {len(model.systems)} " in docs
    assert f"| assets | {len(model.assets)} " in docs
    assert f"| declared flows | {len(model.flows)} |" in docs
    assert f"| zones / conduits | {len(model.zones)} / {len(model.conduits)} |" in docs
    assert f"| annual running cost | {sum(s.costs.total for s in model.systems):,.0f} " in docs
