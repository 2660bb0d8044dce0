"""The consolidation roadmap: TIME classes, consolidation targets, phases, savings, payback, NPV."""

from plantarch.roadmap.consolidation import Consolidation, InterfaceMove, Retirement
from plantarch.roadmap.figure import Figure
from plantarch.roadmap.phasing import Action, CashFlow, CurvePoint, Phase
from plantarch.roadmap.plan import Roadmap, build_roadmap
from plantarch.roadmap.recommendations import Recommendation
from plantarch.roadmap.render import render_csv, render_text
from plantarch.roadmap.settings import RoadmapSettings, load_settings
from plantarch.roadmap.time_class import Score, TimeAssessment

__all__ = [
    "Action",
    "CashFlow",
    "Consolidation",
    "CurvePoint",
    "Figure",
    "InterfaceMove",
    "Phase",
    "Recommendation",
    "Retirement",
    "Roadmap",
    "RoadmapSettings",
    "Score",
    "TimeAssessment",
    "build_roadmap",
    "load_settings",
    "render_csv",
    "render_text",
]
