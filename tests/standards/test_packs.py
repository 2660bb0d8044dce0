"""Standards packs: the shipped baseline, custom CEL rules, plugin rule types, and pack errors that
name the file, line and rule before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import TODAY, findings_of, observed_flow, run_check
from plantarch.errors import InputError
from plantarch.hookspecs import hookimpl
from plantarch.model import Flow, ModelObject, PlantModel
from plantarch.plugins import plugin_manager
from plantarch.standards import (
    PlantContext,
    RuleType,
    Violation,
    available_rule_types,
    check_model,
    load_baseline,
    load_pack,
    load_packs,
    parse_pack,
)
from plantarch.standards.builtin import BUILTIN_RULE_TYPES

PACK_HEAD = "format: 1\nname: plant-standards\nversion: 2.1.0\nowner: OT architecture\nrules:\n"


def write_pack(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "plant.yaml"
    path.write_text(PACK_HEAD + rules, encoding="utf-8")
    return path


def test_baseline_covers_every_product_rule_with_references() -> None:
    pack = load_baseline()
    types = {r.type_name for r in pack.rules}
    assert types == {cls.name for cls in BUILTIN_RULE_TYPES} - {"expression"}
    for rule in pack.rules:
        assert rule.reference and rule.rationale and rule.fix
    refs = " ".join(ref for r in pack.rules for ref in r.reference)
    for standard in ("IEC 62443-3-3 SR", "IEC 62443-3-2", "NIST SP 800-82", "NAMUR NE 17"):
        assert standard in refs


def test_builtin_rule_types_are_registered_through_the_plugin_hook() -> None:
    names = {name for name, _ in plugin_manager().list_name_plugin()}
    assert "plantarch.standards.builtin" in names
    assert set(available_rule_types()) >= {cls.name for cls in BUILTIN_RULE_TYPES}


class NoTelnet(RuleType):
    """A third-party rule type: no telnet anywhere."""

    name = "no-telnet"
    summary = "No telnet."
    kinds = frozenset({"flow"})

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        return Violation("telnet in use") if getattr(obj, "protocol", None) == "telnet" else None


class TelnetPlugin:
    @hookimpl
    def rule_types(self) -> dict[str, RuleType]:
        return {"no-telnet": NoTelnet()}


def test_a_third_party_rule_type_plugs_in_like_the_builtins(tmp_path: Path, plant: PlantModel) -> None:
    pm = plugin_manager()
    plugin = TelnetPlugin()
    pm.register(plugin, name="test-telnet")
    try:
        path = write_pack(
            tmp_path,
            "  - id: T-1\n    title: No telnet\n    severity: low\n    rationale: cleartext logins\n"
            "    reference: plant standard 7\n    scope: flow\n    type: no-telnet\n",
        )
        pack = load_pack(path)
        hosts, flow = observed_flow("telnet-1", "10.3.0.8", "10.3.0.9", "telnet", 23)
        plant.assets.extend(hosts)
        plant.flows.append(flow)
        result = check_model(plant, [pack], today=TODAY)
        assert [(f.rule, f.key) for f in result.findings] == [("T-1", "telnet-1")]
    finally:
        pm.unregister(name="test-telnet")


def test_cel_expression_rule_over_a_flow_and_its_neighbours(tmp_path: Path, plant: PlantModel) -> None:
    path = write_pack(
        tmp_path,
        """  - id: PLANT-OPCUA-SECURE
    title: OPC UA into the cell is signed and encrypted
    severity: medium
    rationale: The cell zone only accepts secured OPC UA sessions.
    reference: [IEC 62443-3-3 SR 3.1]
    scope:
      kinds: [flow]
      where: 'flow.protocol == "opcua"'
    expression: 'target_zone == null || target_zone.key != "cell" || flow.encrypted == true'
    message: "OPC UA flow {key} into the cell is not encrypted"
""",
    )
    result = check_model(plant, [load_pack(path)], today=TODAY)
    [finding] = result.findings
    assert (
        finding.key == "hist-plc" and finding.message == "OPC UA flow hist-plc into the cell is not encrypted"
    )
    plant.flows[2].encrypted = True
    assert check_model(plant, [load_pack(path)], today=TODAY).findings == []


def test_cel_rule_on_systems_sees_zone_and_level(tmp_path: Path, plant: PlantModel) -> None:
    path = write_pack(
        tmp_path,
        """  - id: PLANT-VENDOR
    title: Plant-floor systems name a vendor
    severity: low
    rationale: Spare parts and support contracts need the vendor.
    reference: plant standard 3
    scope: {kinds: [system], where: 'level != null && level <= 2.0'}
    expression: 'has(system.vendor) && system.vendor != null'
""",
    )
    result = check_model(plant, [load_pack(path)], today=TODAY)
    assert {f.key for f in result.findings} == {"scada", "plc-1"}


R = "    severity: high\n    rationale: r\n    reference: x\n"
"""The fields every rule below shares (lines 8-10 of the pack)."""


@pytest.mark.parametrize(
    ("rule", "line", "needle"),
    [
        (R + "    scope: flow\n    type: no-such-type\n", 12, "unknown rule type 'no-such-type'"),
        (R + "    scope: flow\n    expression: 'flow.port =='\n", 12, "CEL syntax error"),
        (R + "    scope: flow\n    expression: 'flwo.port == 1'\n", 12, "unknown variable 'flwo'"),
        (R + "    scope: flow\n    expression: 'nope(flow)'\n", 12, "unknown function 'nope'"),
        (
            "    severity: high\n    reference: x\n    scope: flow\n    type: conduit-allow-list\n",
            6,
            "missing required field 'rationale'",
        ),
        (
            R.replace("high", "urgent") + "    scope: flow\n    type: conduit-allow-list\n",
            8,
            "unknown severity 'urgent'",
        ),
        (R + "    scope: conduit\n    type: level-separation\n", 11, "cannot check conduit"),
        (
            R
            + "    scope: flow\n    type: level-separation\n    params:\n      upper: [4]\n      lowr: [1]\n",
            15,
            "parameter 'lowr'",
        ),
        (
            R + "    scope: system\n    type: required-fields\n    params: {fields: [owner, colour]}\n",
            13,
            "no field 'colour'",
        ),
        (
            R + "    scope: flow\n    type: conduit-allow-list\n    colour: red\n",
            13,
            "unknown field 'colour'",
        ),
    ],
)
def test_pack_errors_name_file_line_and_rule(tmp_path: Path, rule: str, line: int, needle: str) -> None:
    path = write_pack(tmp_path, "  - id: BAD-1\n    title: broken rule\n" + rule)
    with pytest.raises(InputError) as info:
        load_pack(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == line, str(err)
    assert "BAD-1" in str(err) and needle in str(err)


def test_duplicate_rule_ids_within_and_across_packs(tmp_path: Path) -> None:
    rule = "  - id: {id}\n    title: t\n" + R + "    scope: flow\n    type: conduit-allow-list\n"
    path = write_pack(tmp_path, rule.format(id="A-1") + rule.format(id="A-1"))
    with pytest.raises(InputError, match=r"line 13.*duplicate rule id \(first defined on line 6\)") as info:
        load_pack(path)
    assert info.value.line == 13
    path.write_text(PACK_HEAD + rule.format(id="SEG-001"))
    with pytest.raises(InputError, match=r"SEG-001.*already defined in .*baseline\.yaml"):
        load_packs([path])


def test_yaml_syntax_error_and_missing_version(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nversion: 1\nrules:\n  - id: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML") as info:
        load_pack(path)
    assert info.value.file == str(path) and info.value.line is not None
    with pytest.raises(InputError, match="no 'version'"):
        parse_pack("name: x\nrules: []\n", "inline.yaml")


def test_disabled_rule_is_skipped_and_baseline_still_runs(tmp_path: Path, plant: PlantModel) -> None:
    path = write_pack(
        tmp_path,
        "  - id: OFF-1\n    title: t\n"
        + R
        + "    scope: flow\n    type: conduit-allow-list\n    enabled: false\n",
    )
    packs = load_packs([path])
    assert [p.name for p in packs] == ["plantarch-baseline", "plant-standards"]
    assert packs[1].rules == []
    assert findings_of(run_check(plant), "SEG-005") == []


def test_the_public_facade_is_sorted_and_complete() -> None:
    import plantarch.standards as standards

    assert standards.__all__ == sorted(standards.__all__)
    assert all(hasattr(standards, name) for name in standards.__all__)


def test_a_plant_pack_overrides_baseline_rules(tmp_path: Path, plant: PlantModel) -> None:
    path = tmp_path / "plant.yaml"
    path.write_text(
        "name: plant\nversion: '3'\noverrides:\n"
        "  - {id: INT-001, severity: low, reason: legacy interfaces are on the roadmap}\n"
        "  - {id: CAP-001, enabled: false, reason: portfolio review handles duplicates}\n"
    )
    packs = load_packs([path])
    rules = {r.id: r for p in packs for r in p.rules}
    assert rules["INT-001"].severity == "low" and "CAP-001" not in rules
    plant.flows.append(Flow(key="mes-qms", source="mes", target="qms", protocol="sql", port=1433))
    [finding] = check_model(plant, packs, today=TODAY).findings
    assert (finding.rule, finding.severity) == ("INT-001", "low")


def test_override_of_an_unknown_rule_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "plant.yaml"
    path.write_text(
        "name: plant\nversion: '3'\noverrides:\n"
        "  - {id: INT-001, severity: low}\n"
        "  - {id: NOPE-1, enabled: false}\n"
    )
    with pytest.raises(InputError, match="unknown rule 'NOPE-1'") as info:
        load_packs([path])
    assert (info.value.file, info.value.line) == (str(path), 5)
    path.write_text("name: plant\nversion: '3'\noverrides:\n  - {id: INT-001}\n")
    with pytest.raises(InputError, match="changes nothing"):
        load_packs([path])


def test_a_reference_that_yaml_reads_as_a_mapping_is_refused(tmp_path: Path) -> None:
    path = write_pack(
        tmp_path,
        "  - id: REF-1\n    title: t\n    severity: low\n    rationale: r\n"
        "    reference: [IEC 62443-2-1 (program: patching)]\n    scope: flow\n    type: conduit-allow-list\n",
    )
    with pytest.raises(InputError, match="each reference is text") as info:
        load_pack(path)
    assert info.value.line == 10
