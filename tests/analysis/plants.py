"""Small hand-built plant models for the analysis and roadmap tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from plantarch.model import AnnualCosts, Capability, Flow, Lifecycle, Location, PlantModel, System, Zone


def system(key: str, kind: str, level: float | None, location: str | None = "line-1", **extra: Any) -> System:
    """A system with sensible defaults for tests."""
    costs = extra.pop("costs", None)
    eos = extra.pop("eos", None)
    return System(
        key=key,
        name=extra.pop("name", key.upper()),
        kind=kind,
        purdue_level=level,
        location=location,
        costs=AnnualCosts(**costs) if costs else AnnualCosts(),
        lifecycle=Lifecycle(end_of_support=eos) if eos else Lifecycle(),
        **extra,
    )


def flow(source: str, target: str, *information: str, **extra: Any) -> Flow:
    """A declared flow between two systems carrying the given information objects."""
    return Flow(
        key=extra.pop("key", f"{source}.{target}"),
        source=source,
        target=target,
        information=list(information),
        **extra,
    )


def hierarchy() -> list[Location]:
    """One enterprise, one site, one area with two lines."""
    return [
        Location(key="acme", name="ACME", kind="enterprise"),
        Location(key="site-a", name="Site A", kind="site", parent="acme"),
        Location(key="area-1", name="Area 1", kind="area", parent="site-a"),
        Location(key="line-1", name="Line 1", kind="line", parent="area-1"),
        Location(key="line-2", name="Line 2", kind="line", parent="area-1"),
    ]


CAPABILITIES = [
    Capability(key="historian", name="Process data historian", category="data"),
    Capability(key="mes-execution", name="Production execution", category="manufacturing-operations"),
    Capability(key="erp", name="Enterprise resource planning", category="business"),
    Capability(key="quality", name="Quality management", category="manufacturing-operations"),
    Capability(key="control", name="Basic control", category="control"),
]


def well_integrated() -> PlantModel:
    """A plant with every expected exchange, one historian, a broker: nothing to report."""
    return PlantModel(
        locations=hierarchy(),
        capabilities=CAPABILITIES,
        zones=[
            Zone(key="cell-1", name="Cell 1"),
            Zone(key="ops", name="Operations"),
            Zone(key="ent", name="Enterprise"),
        ],
        systems=[
            system("erp", "erp", 4, "acme", capabilities=["erp"], zone="ent", costs={"licence": 100000}),
            system(
                "mes",
                "mes",
                3,
                "site-a",
                capabilities=["mes-execution"],
                zone="ops",
                costs={"licence": 50000},
            ),
            system("qms", "qms", 3, "site-a", capabilities=["quality"], zone="ops"),
            system(
                "hist",
                "historian",
                3,
                "site-a",
                capabilities=["historian"],
                zone="ops",
                costs={"licence": 20000},
            ),
            system("analytics", "analytics", 4, "acme", zone="ent"),
            system("scada-1", "scada", 2, "line-1", zone="cell-1"),
            system("plc-1", "plc", 1, "line-1", capabilities=["control"], zone="cell-1"),
            system("plc-2", "plc", 1, "line-1", capabilities=["control"], zone="cell-1"),
        ],
        flows=[
            flow("erp", "mes", "production-schedule", "product-definition"),
            flow("mes", "erp", "production-performance", "material-consumption", "equipment-state"),
            flow("mes", "qms", "quality-result"),
            flow("scada-1", "hist", "process-data", protocol="opcua", pattern="opc-ua"),
            flow("hist", "analytics", "process-data"),
            flow("scada-1", "plc-1", protocol="s7comm"),
            flow("scada-1", "plc-2", protocol="s7comm"),
            flow("scada-1", "mes", "production-performance"),
        ],
    )


def replace(model: PlantModel, **changes: Any) -> PlantModel:
    """A copy of a model with some lists replaced."""
    return model.model_copy(update=changes)


TODAY = date(2026, 11, 24)
