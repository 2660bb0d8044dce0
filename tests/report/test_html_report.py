"""The HTML report: self-contained, escaped, with metrics, diagrams and findings; and its PDF."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from plantarch.errors import InputError
from plantarch.model import PlantModel
from plantarch.report.html import render_report, safe_svg, write_report
from plantarch.report.metrics import key_metrics
from small_plant import SCRIPT


class _Tags(HTMLParser):
    """Collects start tags, attributes and text of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_script_in_a_name_or_hostname_is_shown_as_text(plant: PlantModel) -> None:
    plant.assets[1].name = "host " + SCRIPT  # a hostname as discovery would name it
    plant.systems.append(plant.systems[0].model_copy(update={"key": "x1", "owner": SCRIPT, "name": SCRIPT}))
    html = render_report(plant, use_standards=False)
    page = _parse(html)
    assert "script" not in page.tags  # no script element at all, planted or ours
    assert not any(name.startswith("on") for name, _ in page.attrs)
    assert any(SCRIPT in text for text in page.text)  # shown, as text
    assert "&lt;script&gt;" in html


def test_report_is_self_contained(plant: PlantModel, graphviz: None) -> None:
    html = render_report(plant, use_standards=False, use_analysis=False)
    page = _parse(html)
    assert page.tags.count("svg") == 4  # purdue, zones, flows, capabilities inline
    assert 'id="analysis"' not in html and 'id="roadmap"' not in html
    for name, value in page.attrs:
        if name in ("src", "href") and value:
            assert value.startswith(("#", "data:")), f"external reference {name}={value}"
    assert "Content-Security-Policy" in html


def test_metrics_count_what_the_plant_owner_asks_about(plant: PlantModel) -> None:
    metrics = key_metrics(plant, today=date(2026, 11, 24))
    assert [s.key for s in metrics.end_of_support] == ["hmi-1"]
    assert metrics.dmz_bypass == 1  # erp → plc-1
    assert metrics.cleartext_cross_zone == 1  # modbus from the enterprise zone into cell 1
    assert metrics.cross_zone_flows == 4  # erp↔mes twice, erp → plc-1, historian → scada
    assert metrics.annual_cost == pytest.approx(392000.5)
    assert metrics.observed_flows == 1 and metrics.undeclared_assets == 1


def test_findings_section_appears_with_given_findings(plant: PlantModel) -> None:
    class Finding:
        rule, title, severity, kind, key = "SEG-001", "No L4 to L1", "critical", "flow", "erp-plc"
        message, fix, status, evidence = "erp talks modbus to <plc>", "route via the DMZ", "open", {}

    html = render_report(plant, findings=[Finding()], use_standards=False)
    assert 'id="findings"' in html and "SEG-001" in html and "erp talks modbus to &lt;plc&gt;" in html
    assert 'id="findings"' not in render_report(plant, use_standards=False)


def test_svg_sanitiser_strips_active_content() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="x()">'
        '<script>alert(1)</script><a xlink:href="javascript:x()"><text>ok</text></a>'
        "<foreignObject><div/></foreignObject></svg>"
    )
    clean = str(safe_svg(svg))
    assert "script" not in clean and "onload" not in clean and "javascript" not in clean
    assert "foreignObject" not in clean and "<text>ok</text>" in clean


def test_pdf_is_printed_by_headless_chromium(plant: PlantModel, chromium: None, tmp_path: Path) -> None:
    out = write_report(plant, tmp_path / "plant.pdf", use_standards=False)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000


def test_unknown_report_suffix_is_bad_input(plant: PlantModel, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.html or \.pdf"):
        write_report(plant, tmp_path / "plant.docx")


def test_empty_model_still_gives_a_report() -> None:
    html = render_report(PlantModel(), use_standards=False, use_analysis=False)
    assert "<h2>Key metrics</h2>" in html and "<svg" not in html.split('id="diagrams"')[0]
