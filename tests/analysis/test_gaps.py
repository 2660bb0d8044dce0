"""Integration gaps: the ISA-95 exchanges and the data path to the historian and analytics."""

from __future__ import annotations

from analysis.plants import flow, replace, well_integrated
from plantarch.analysis import build_flow_graph, find_gaps


def _without(flow_key: str):  # type: ignore[no-untyped-def]
    model = well_integrated()
    return replace(model, flows=[f for f in model.flows if f.key != flow_key])


def test_complete_plant_has_no_gap() -> None:
    assert find_gaps(build_flow_graph(well_integrated())) == []


def test_missing_schedule_is_a_gap_naming_sender_and_receiver() -> None:
    model = well_integrated()
    flows = [f for f in model.flows if f.key != "erp.mes"] + [flow("erp", "mes", "product-definition")]
    gaps = find_gaps(build_flow_graph(replace(model, flows=flows)))
    assert [(g.expectation, g.site, g.senders, g.receivers) for g in gaps] == [
        ("schedule-down", "site-a", ["erp"], ["mes"])
    ]
    assert not gaps[0].missing_counterpart


def test_schedule_through_a_broker_is_not_a_gap() -> None:
    from analysis.plants import system

    model = well_integrated()
    flows = [f for f in model.flows if f.key != "erp.mes"] + [
        flow("erp", "esb", "production-schedule", "product-definition"),
        flow("esb", "mes", "production-schedule", "product-definition"),
    ]
    systems = [*model.systems, system("esb", "middleware", 3.5, "site-a")]
    assert find_gaps(build_flow_graph(replace(model, flows=flows, systems=systems))) == []


def test_untagged_scada_to_historian_flow_counts_but_untagged_erp_flow_does_not() -> None:
    model = well_integrated()
    flows = [f for f in model.flows if f.key not in ("scada-1.hist", "erp.mes")]
    flows += [flow("scada-1", "hist", protocol="opcua"), flow("erp", "mes")]
    gaps = find_gaps(build_flow_graph(replace(model, flows=flows)))
    assert {g.expectation for g in gaps} == {"schedule-down", "product-definition-down"}


def test_shop_floor_without_historian_path_is_a_gap() -> None:
    gaps = find_gaps(build_flow_graph(_without("scada-1.hist")))
    # the PLCs reached the historian only through the SCADA (untagged S7 flows count as process data)
    assert [(g.expectation, g.senders) for g in gaps] == [
        ("shop-floor-to-historian", ["scada-1", "plc-1", "plc-2"])
    ]


def test_quality_without_any_qms_is_a_gap_with_no_counterpart() -> None:
    model = well_integrated()
    model = replace(
        model,
        systems=[s for s in model.systems if s.key != "qms"],
        flows=[f for f in model.flows if f.target != "qms"],
    )
    (gap,) = find_gaps(build_flow_graph(model))
    assert gap.expectation == "quality-to-qms" and gap.missing_counterpart and gap.receivers == []
