"""The report of the demo plant shows what the plant's problems are: findings, analyses, roadmap."""

from __future__ import annotations

import re
from datetime import date

from plantarch.demo.plant_model import DEMO_REFERENCE_DATE
from plantarch.demo.planted import EOL_HMIS, HISTORIANS
from plantarch.model import PlantModel
from plantarch.report.html import render_report


def test_demo_report_has_every_section_and_the_planted_problems(
    demo_model: PlantModel, graphviz: None
) -> None:
    html = render_report(demo_model, today=date.fromisoformat(DEMO_REFERENCE_DATE))
    for section in (
        "metrics",
        "diagrams",
        "findings",
        "analysis",
        "roadmap",
        "lifecycle",
        "zones",
        "inventory",
    ):
        assert f'<section id="{section}">' in html, section
    names = {s.key: s.name for s in demo_model.systems}
    redundancy = html[html.index("<h3>Redundant systems</h3>") : html.index("<h3>Integration gaps</h3>")]
    assert all(names[h] in redundancy for h in HISTORIANS)  # the three historians of one site
    lifecycle = html[html.index('<section id="lifecycle">') : html.index('<section id="zones">')]
    assert all(names[h] in lifecycle for h in EOL_HMIS)
    assert "erp-sap-to-l1-plc-filler" in html  # the level 4 → level 1 flow is a finding
    quadrant = html[
        html.index('id="time-quadrant"') : html.index("</figure>", html.index('id="time-quadrant"'))
    ]
    assert len(re.findall(r"<circle ", quadrant)) == len(demo_model.systems)
    assert html.count("<svg") == 6  # four diagrams, the TIME quadrant and the savings curve
    assert "aggregated by site, zone and level" in html  # 140 endpoints: the report's Purdue view aggregates
