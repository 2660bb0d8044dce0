"""Plain-text rendering of an analysis report: key metrics first, then each analysis."""

from __future__ import annotations

from plantarch.analysis.item import AnalysisItem
from plantarch.analysis.metrics import KeyMetrics
from plantarch.analysis.report import AnalysisReport

LIMIT = 15
"""Items shown per section in text; JSON has them all."""


def _metrics_table(rows: list[KeyMetrics]) -> list[str]:
    header = (
        f"{'scope':<18}{'systems':>8}{'assets':>8}{'flows':>9}{'p2p':>6}{'silos':>6}{'redund.':>8}"
        f"{'redund. spend':>15}{'EoS':>5}{'gaps':>6}{'SPoF':>6}{'floor→ERP':>11}{'conform.':>10}"
    )
    lines = [header]
    for m in rows:
        conformance = "-" if m.standards_conformance is None else f"{m.standards_conformance:.1f}%"
        lines.append(
            f"{(m.site or 'overall'):<18.18}{m.systems:>8}{m.assets:>8}{m.flows:>9}"
            f"{m.point_to_point_interfaces:>6}{m.silos:>6}{m.redundancy_groups:>8}{m.redundant_spend:>15,.0f}"
            f"{m.end_of_support:>5}{m.integration_gaps:>6}{m.single_points_of_failure:>6}"
            f"{f'{m.shop_floor_to_erp}/{m.shop_floor_systems}':>11}{conformance:>10}"
        )
    return lines


def _section(title: str, items: list[AnalysisItem], extra: str = "") -> list[str]:
    lines = ["", f"{title} ({len(items)}){extra}"]
    if not items:
        lines.append("  none")
    for item in items[:LIMIT]:
        where = f"[{item.site}] " if item.site else ""
        lines.append(f"  - {where}{item.why}")
    if len(items) > LIMIT:
        lines.append(f"  … and {len(items) - LIMIT} more (see --format json)")
    return lines


def render_text(report: AnalysisReport) -> str:
    """The report as text for a terminal."""
    m = report.metrics
    lines = [f"Architecture analysis (end-of-support judged on {report.today.isoformat()})", ""]
    lines += _metrics_table([m, *report.sites])
    if m.standards_note:
        lines.append(f"standards conformance: {m.standards_note}")
    lines += _section("Silos", list(report.silos))
    lines += _section(
        "Redundancy",
        list(report.redundancies),
        f" — {report.cost.redundant:,.0f} a year tied up ({report.cost.redundant_share:.1%} of TCO)",
    )
    lines += _section("Integration gaps", list(report.gaps))
    c = report.complexity.overall
    lines += _section(
        "Integration complexity",
        list(report.complexity.findings),
        f" — {c.point_to_point} point-to-point of {c.interfaces} interfaces; a hub needs "
        f"{c.hub_connections_needed}; {len(c.protocols)} protocols",
    )
    lines += _section("Single points of failure", list(report.single_points_of_failure))
    lines += _section("Lifecycle", list(report.lifecycle))
    lines += ["", f"Cost: {report.cost.total:,.0f} a year"]
    for kind, amount in report.cost.by_kind.items():
        lines.append(f"  {kind:<12}{amount:>14,.0f}")
    for line in report.cost.systems[:5]:
        lines.append(f"  top: {line.system} {line.total:,.0f}")
    return "\n".join(lines) + "\n"
