"""An in-memory plant for the analysis benchmark: 50 sites × 5,000 assets × 40,000 flows by default.

Each site has two areas with two lines each, 200 systems (MES, historians, QMS, CMMS, brokers,
SCADA, PLCs, HMIs, edge gateways) with costs, capabilities, criticality and lifecycle dates, and an
enterprise ERP and analytics platform. Flows carry ISA-95 information objects so every analysis
has work to do: a few duplicated historians and brokers, a missing schedule at some sites,
point-to-point business interfaces, single brokers on critical paths, out-of-support HMIs.
Objects are copies of validated templates (`model_copy`), so generation takes seconds, not minutes.
"""

from __future__ import annotations

import random
from datetime import date

from plantarch.model import (
    AnnualCosts,
    Asset,
    Capability,
    Flow,
    Lifecycle,
    Location,
    PlantModel,
    System,
    Zone,
)

SUPPORTED = Lifecycle(installed=date(2020, 1, 1), end_of_support=date(2031, 1, 1))
ENDED = Lifecycle(installed=date(2009, 1, 1), end_of_support=date(2023, 1, 1))
CAPABILITIES = {
    "mes": ("production-execution", "manufacturing-operations"),
    "historian": ("process-historian", "data"),
    "qms": ("quality-management", "manufacturing-operations"),
    "cmms": ("maintenance-management", "manufacturing-operations"),
    "broker": ("unified-namespace", "data"),
    "erp": ("enterprise-resource-planning", "business"),
    "analytics": ("analytics", "data"),
    "scada": ("supervisory-control", "control"),
    "plc": ("basic-control", "control"),
    "hmi": ("operator-interface", "control"),
    "edge-gateway": ("edge-connectivity", "data"),
}


def _site_systems(site: str, rnd: random.Random) -> list[tuple[str, str, float, str, str]]:
    """(key, kind, level, location, criticality) of one site's 200 systems."""
    lines = [f"{site}-a{a}-l{line}" for a in range(2) for line in range(2)]
    result = [
        (f"{site}-mes", "mes", 3.0, site, "critical"),
        (f"{site}-hist", "historian", 3.0, site, "high"),
        (f"{site}-qms", "qms", 3.0, site, "medium"),
        (f"{site}-cmms", "cmms", 3.0, site, "medium"),
        (f"{site}-broker", "broker", 3.0, site, "critical"),
    ]
    if rnd.random() < 0.5:  # a legacy line historian duplicating the site one
        result.append((f"{site}-hist-legacy", "historian", 3.0, lines[0], "medium"))
    if rnd.random() < 0.2:  # a second broker
        result.append((f"{site}-broker-2", "broker", 3.0, site, "high"))
    for line in lines:
        result.append((f"{line}-scada", "scada", 2.0, line, "critical"))
        result.append((f"{line}-gw", "edge-gateway", 2.0, line, "critical"))
    i = 0
    while len(result) < 200:
        line = lines[i % len(lines)]
        result.append((f"{line}-plc{i}", "plc", 1.0, line, "critical" if i % 4 == 0 else "high"))
        result.append((f"{line}-hmi{i}", "hmi", 2.0, line, "high"))
        i += 1
    return result[:200]


def build(
    sites: int = 50, assets_per_site: int = 5000, flows_per_site: int = 40000, seed: int = 11
) -> PlantModel:
    """Generate the benchmark plant in memory."""
    rnd = random.Random(seed)
    model = PlantModel()
    model.locations.append(Location(key="corp", name="Corp", kind="enterprise"))
    for kind, (cap, category) in CAPABILITIES.items():
        model.capabilities.append(Capability(key=cap, name=cap, category=category, description=kind))
    system_template = System(key="template", name="template", kind="other")
    flow_template = Flow(key="template", source="a", target="b", transport="tcp", origin="observed")
    asset_template = Asset(key="template", name="template", kind="host", declared=False)
    costs = {
        "mes": AnnualCosts(
            licence=120000, maintenance=24000, hosting=12000, support=30000, integration=15000
        ),
        "historian": AnnualCosts(
            licence=40000, maintenance=8000, hosting=6000, support=10000, integration=5000
        ),
        "qms": AnnualCosts(licence=50000, maintenance=10000, hosting=5000, support=8000),
        "cmms": AnnualCosts(licence=45000, maintenance=9000, hosting=5000, support=8000),
        "broker": AnnualCosts(licence=15000, hosting=4000, support=6000),
        "scada": AnnualCosts(licence=20000, maintenance=4000, support=5000),
        "edge-gateway": AnnualCosts(licence=2000, support=1000),
        "plc": AnnualCosts(maintenance=500),
        "hmi": AnnualCosts(licence=800, maintenance=200),
    }
    for key, kind, level in (
        ("erp", "erp", 4.0),
        ("analytics", "analytics", 4.0),
        ("esb", "middleware", 4.0),
    ):
        model.systems.append(
            system_template.model_copy(
                update={
                    "key": key,
                    "name": key,
                    "kind": kind,
                    "purdue_level": level,
                    "location": "corp",
                    "capabilities": [CAPABILITIES[kind][0]] if kind in CAPABILITIES else [],
                    "criticality": "critical",
                    "lifecycle": SUPPORTED,
                    "costs": AnnualCosts(licence=900000, support=200000),
                }
            )
        )
    for s in range(sites):
        site = f"s{s:02d}"
        model.locations.append(Location(key=site, name=f"Site {s}", kind="site", parent="corp"))
        for a in range(2):
            area = f"{site}-a{a}"
            model.locations.append(Location(key=area, name=area, kind="area", parent=site))
            for line in range(2):
                key = f"{area}-l{line}"
                model.locations.append(Location(key=key, name=key, kind="line", parent=area))
        for z in ("ops", "cell"):
            model.zones.append(Zone(key=f"{site}-{z}", name=z, site=site))
        systems = _site_systems(site, rnd)
        for key, kind, level, location, criticality in systems:
            hmi_old = kind == "hmi" and rnd.random() < 0.05
            model.systems.append(
                system_template.model_copy(
                    update={
                        "key": key,
                        "name": key,
                        "kind": kind,
                        "purdue_level": level,
                        "location": location,
                        "zone": f"{site}-{'ops' if level >= 3 else 'cell'}",
                        "capabilities": [CAPABILITIES[kind][0]],
                        "criticality": criticality,
                        "lifecycle": ENDED if hmi_old else SUPPORTED,
                        "costs": costs[kind],
                        "users": rnd.randint(1, 100),
                    }
                )
            )
        keys = [k for k, *_ in systems]
        for i in range(assets_per_site):
            key = f"{site}-h{i}"
            runs = [keys[i]] if i < len(keys) else []
            line = f"{site}-a{(i // 2) % 2}-l{i % 2}"
            model.assets.append(
                asset_template.model_copy(
                    update={"key": key, "name": key, "systems": runs, "location": line, "purdue_level": 1.0}
                )
            )
        _site_flows(model, site, keys, assets_per_site, flows_per_site, rnd, flow_template)
    return model


def _site_flows(
    model: PlantModel,
    site: str,
    keys: list[str],
    assets: int,
    count: int,
    rnd: random.Random,
    template: Flow,
) -> None:
    """Declared business flows, then observed shop-floor traffic up to `count` flows."""
    lines = [f"{site}-a{a}-l{line}" for a in range(2) for line in range(2)]
    declared: list[tuple[str, str, list[str], str | None, str | None]] = [
        (
            f"{site}-mes",
            "erp",
            ["production-performance", "material-consumption", "equipment-state"],
            "middleware",
            "esb",
        ),
        (f"{site}-mes", f"{site}-qms", ["quality-result"], "point-to-point", None),
        (f"{site}-mes", f"{site}-cmms", ["maintenance-request"], "point-to-point", None),
        (f"{site}-qms", "erp", ["quality-result"], "point-to-point", None),
        (f"{site}-cmms", "erp", ["work-order"], "point-to-point", None),
        (f"{site}-qms", f"{site}-cmms", ["other"], "point-to-point", None),
        (f"{site}-hist", "analytics", ["process-data"], "point-to-point", None),
        (f"{site}-broker", f"{site}-hist", ["process-data"], "broker", None),
        (f"{site}-broker", f"{site}-mes", ["production-performance"], "broker", None),
    ]
    if int(site[1:]) % 5:  # every fifth site lacks the schedule exchange
        declared.append(
            ("erp", f"{site}-mes", ["production-schedule", "product-definition"], "middleware", "esb")
        )
    for line in lines:
        declared.append((f"{line}-scada", f"{line}-gw", ["process-data"], None, None))
        declared.append((f"{line}-gw", f"{site}-broker", ["process-data"], "broker", None))
    for n, (src, dst, info, pattern, via) in enumerate(declared):
        model.flows.append(
            template.model_copy(
                update={
                    "key": f"{site}-d{n}",
                    "source": src,
                    "target": dst,
                    "information": info,
                    "pattern": pattern,
                    "via": via,
                    "protocol": "https",
                    "origin": "declared",
                }
            )
        )
    controllers = [k for k in keys if "-plc" in k or "-hmi" in k or "-scada" in k]
    for f in range(count - len(declared)):
        r = rnd.random()
        if r < 0.8:  # host to host inside the cell
            src, dst, proto = (
                f"{site}-h{rnd.randrange(200, assets)}",
                f"{site}-h{rnd.randrange(200, assets)}",
                "modbus",
            )
        elif r < 0.95:  # a controller polled by a cell host
            src, dst, proto = f"{site}-h{rnd.randrange(200, assets)}", rnd.choice(controllers), "s7comm"
        else:  # SCADA to its PLCs and HMIs
            line = rnd.choice(lines)
            src, dst, proto = f"{line}-scada", rnd.choice(controllers), "opcua"
        model.flows.append(
            template.model_copy(
                update={"key": f"{site}-f{f}", "source": src, "target": dst, "protocol": proto}
            )
        )
