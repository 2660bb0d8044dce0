"""Waivers (waived until they expire) and incremental re-checks that agree with a full check."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import TODAY, compliant_plant, findings_of, observed_flow, run_check
from plantarch.errors import InputError
from plantarch.model import Asset, Conduit, ConduitRule, Flow, PlantModel, System, Waiver
from plantarch.standards import Checker, load_baseline, new_waiver


def summary(findings: list) -> set[tuple[str, str, str, str]]:  # type: ignore[type-arg]
    return {(f.rule, f.kind, f.key, f.status) for f in findings}


def with_violation() -> PlantModel:
    plant = compliant_plant()
    plant.flows.append(Flow(key="erp-plc", source="erp", target="plc-1", protocol="opcua", port=4840))
    return plant


def test_waived_finding_is_reported_as_waived_and_does_not_fail_the_gate() -> None:
    plant = with_violation()
    plant.waivers.append(
        Waiver(
            key="w1",
            rule="SEG-001",
            object="erp-plc",
            reason="cut-over weekend",
            approver="ciso",
            expires=date(2026, 12, 31),
        )
    )
    result = run_check(plant)
    [waived] = findings_of(result, "SEG-001")
    assert waived.status == "waived" and waived.waiver and waived.waiver["approver"] == "ciso"
    assert [f.rule for f in result.open] == ["SEG-002", "SEG-005"]
    assert result.counts()["waived"] == 1 and result.counts()["critical"] == 0
    assert not result.fails(__import__("plantarch.standards", fromlist=["Severity"]).Severity.CRITICAL)


def test_expired_waiver_brings_the_finding_back_with_a_note() -> None:
    plant = with_violation()
    plant.waivers.append(
        Waiver(
            key="w1",
            rule="SEG-001",
            object="erp-plc",
            reason="cut-over weekend",
            approver="ciso",
            expires=date(2026, 5, 1),
        )
    )
    [finding] = findings_of(run_check(plant), "SEG-001")
    assert finding.status == "open"
    assert finding.note is not None and "expired on 2026-05-01" in finding.note and "ciso" in finding.note


def test_a_waiver_for_every_object_of_a_rule() -> None:
    plant = with_violation()
    plant.waivers.append(
        Waiver(
            key="w-all",
            rule="SEG-005",
            object="*",
            reason="conduits being redrawn",
            approver="arch",
            expires=date(2027, 1, 1),
        )
    )
    assert [f.status for f in findings_of(run_check(plant), "SEG-005")] == ["waived"]


def test_new_waiver_checks_rule_object_and_dates() -> None:
    plant = with_violation()
    rules = [r.id for r in load_baseline().rules]
    waiver = new_waiver(
        plant,
        rules,
        rule="SEG-001",
        object_key="erp-plc",
        reason="r",
        approver="a",
        expires=date(2026, 7, 1),
        today=TODAY,
    )
    assert waiver.key == "SEG-001@erp-plc"
    with pytest.raises(InputError, match="unknown rule 'SEG-999'"):
        new_waiver(
            plant,
            rules,
            rule="SEG-999",
            object_key="erp-plc",
            reason="r",
            approver="a",
            expires=date(2026, 7, 1),
            today=TODAY,
        )
    with pytest.raises(InputError, match="no object with key 'ghost'"):
        new_waiver(
            plant,
            rules,
            rule="SEG-001",
            object_key="ghost",
            reason="r",
            approver="a",
            expires=date(2026, 7, 1),
            today=TODAY,
        )
    with pytest.raises(InputError, match="in the past"):
        new_waiver(
            plant,
            rules,
            rule="SEG-001",
            object_key="erp-plc",
            reason="r",
            approver="a",
            expires=date(2026, 1, 1),
            today=TODAY,
        )


def _replace(objects: list, new: object) -> None:  # type: ignore[type-arg]
    for i, obj in enumerate(objects):
        if obj.key == new.key:  # type: ignore[attr-defined]
            objects[i] = new
            return
    objects.append(new)


def _changes(plant: PlantModel) -> list[tuple[str, str, object]]:
    """Edits to apply one at a time: (kind, key, new object or None to delete)."""
    hosts, observed = observed_flow("obs-x", "10.4.7.7", "10.1.0.20", "modbus", 502)
    scada = next(s for s in plant.systems if s.key == "scada")
    return [
        ("flow", "erp-plc", Flow(key="erp-plc", source="erp", target="plc-1", protocol="modbus", port=502)),
        ("asset", hosts[0].key, hosts[0]),
        ("asset", hosts[1].key, hosts[1]),
        ("flow", "obs-x", observed),
        ("system", "scada", scada.model_copy(update={"zone": "ops", "purdue_level": None, "owner": None})),
        ("asset", "ews", Asset(key="ews", name="EWS", kind="workstation", ips=["10.3.0.40", "10.1.0.40"])),
        (
            "zone",
            "ops",
            plant.zones[3].model_copy(update={"security_level_target": 3, "subnets": ["10.3.0.0/17"]}),
        ),
        (
            "conduit",
            "c-ops-cell",
            Conduit(key="c-ops-cell", name="open", zones=["ops", "cell"], default_deny=False),
        ),
        (
            "waiver",
            "w1",
            Waiver(
                key="w1", rule="SEG-001", object="erp-plc", reason="r", approver="a", expires=date(2027, 1, 1)
            ),
        ),
        (
            "system",
            "historian-2",
            System(
                key="historian-2",
                name="H2",
                kind="historian",
                location="site",
                capabilities=["historian"],
                zone="ops",
            ),
        ),
        ("flow", "hist-plc", None),
        (
            "conduit",
            "c-ops-cell",
            Conduit(
                key="c-ops-cell",
                name="strict",
                zones=["ops", "cell"],
                allowed=[ConduitRule(protocol="modbus", port=502)],
            ),
        ),
        ("asset", "ews", None),
        ("zone", "dmz", None),
        ("system", "broker", None),
    ]


def test_recheck_after_each_change_agrees_with_a_full_check() -> None:
    plant = compliant_plant()
    checker = Checker(plant, [load_baseline()], today=TODAY)
    checker.run()
    for kind, key, new in _changes(compliant_plant()):
        objects = getattr(
            plant,
            {
                "flow": "flows",
                "asset": "assets",
                "system": "systems",
                "zone": "zones",
                "conduit": "conduits",
                "waiver": "waivers",
            }[kind],
        )
        if new is None:
            objects[:] = [o for o in objects if o.key != key]
        else:
            _replace(objects, new)
        incremental = checker.recheck({(kind, key)})
        full = Checker(plant, [load_baseline()], today=TODAY).run()
        assert summary(incremental.findings) == summary(full.findings), f"after changing {kind} {key}"
        assert incremental.evaluated < full.evaluated


def test_recheck_evaluates_only_rules_whose_scope_touches_the_change() -> None:
    plant = compliant_plant()
    checker = Checker(plant, [load_baseline()], today=TODAY)
    checker.run()
    plant.flows.append(Flow(key="new", source="mes", target="qms", protocol="sql", port=1433))
    result = checker.recheck({("flow", "new")})
    flow_rules = sum(1 for r in checker.rules if "flow" in r.kinds)
    neighbours = len(checker.ctx.flows_of("mes")) + len(checker.ctx.flows_of("qms"))
    # the new flow once per flow rule, plus flows between the same systems for the integration rule
    # (it compares observed with declared flows); no zone, conduit or system rule ran
    assert flow_rules <= result.evaluated <= flow_rules + neighbours
    assert [f.rule for f in result.findings] == ["INT-001"]


def test_progress_is_reported_rule_by_rule() -> None:
    from plantarch.standards import check_model

    seen: list[tuple[int, int, str]] = []
    result = check_model(
        compliant_plant(), [load_baseline()], today=TODAY, progress=lambda *a: seen.append(a)
    )
    assert [s[2] for s in seen] == [r.id for r in result.rules]
    assert seen[0][:2] == (0, len(result.rules)) and seen[-1][0] == len(result.rules) - 1
