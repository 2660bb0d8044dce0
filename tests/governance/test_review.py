"""The automated review: the model as it would be, impact analysis and the verdict it suggests."""

from __future__ import annotations

from governance.plant import small_plant, vision_proposal
from plantarch.governance import Proposal, Verdict, review_proposal
from plantarch.governance.review import Finding
from plantarch.model import PlantModel


def test_impact_names_overlaps_cross_zone_flows_interfaces_and_cost() -> None:
    report = review_proposal(small_plant(), Proposal.model_validate(vision_proposal()), revision=7)
    impact = report.impact
    assert report.model_revision == 7
    assert impact.added == ["system:vision-1", "flow:vision-mes", "flow:vision-qms"]
    assert [(o.system, o.capability, o.existing) for o in impact.capability_overlaps] == [
        ("vision-1", "quality-management", ["qms"])
    ]
    crossing = {c.flow: c.conduit for c in impact.cross_zone_flows}
    assert crossing == {"vision-mes": "ops-cell-1", "vision-qms": "ops-cell-1"}
    assert impact.added_interfaces == ["vision-mes", "vision-qms"]
    assert impact.point_to_point_added == 1
    assert impact.annual_cost_delta == 15000.0
    assert impact.one_off_cost == 85000.0
    assert impact.systems_affected == ["mes", "qms", "vision-1"]
    assert report.verdict == Verdict.APPROVE_WITH_CONDITIONS
    assert any("duplicates capability quality-management of qms" in r for r in report.reasons)


def test_a_flow_to_an_unknown_system_suggests_rejection() -> None:
    doc = vision_proposal()
    doc["flows"][0]["target"] = "mes-typo"
    report = review_proposal(small_plant(), Proposal.model_validate(doc), revision=1)
    assert report.verdict == Verdict.REJECT
    assert report.impact.reference_errors == ["flow 'vision-mes': target refers to unknown 'mes-typo'"]


def test_removing_a_system_lowers_the_cost_and_touches_its_partners() -> None:
    doc = {"title": "Retire the QMS", "remove": [{"kind": "system", "key": "qms"}]}
    report = review_proposal(small_plant(), Proposal.model_validate(doc), revision=1)
    assert report.impact.removed == ["system:qms"]
    assert report.impact.annual_cost_delta == -20000.0
    assert report.verdict == Verdict.APPROVE


def test_only_findings_new_in_the_proposed_model_count() -> None:
    def no_owner(model: PlantModel) -> list[Finding]:
        return [
            Finding(rule="owner", object=s.key, severity="high", message="no owner")
            for s in model.systems
            if not s.owner
        ]

    report = review_proposal(
        small_plant(), Proposal.model_validate(vision_proposal()), revision=1, standards=no_owner
    )
    assert report.findings == []
    doc = vision_proposal()
    del doc["systems"][0]["owner"]
    report = review_proposal(small_plant(), Proposal.model_validate(doc), revision=1, standards=no_owner)
    assert [f.object for f in report.findings] == ["vision-1"]
    assert report.verdict == Verdict.REJECT
    assert report.standards_checked
