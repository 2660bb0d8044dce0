"""Benchmark: full baseline check and incremental re-check on a 250,000-asset / 2,000,000-flow plant.

Run:  nice python benchmarks/check/bench_check.py [--sites 50] [--assets-per-site 5000]
      [--flows-per-site 40000]
The plant is generated in memory (50 sites, each with enterprise, DMZ, operations and four cell zones,
conduits with allow-lists, 200 systems, 5,000 hosts and 40,000 observed flows of which about 1% break a rule).
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import time
from datetime import date, datetime

from plantarch.model import (
    Asset,
    Conduit,
    ConduitRule,
    Flow,
    Lifecycle,
    Location,
    PlantModel,
    Provenance,
    System,
    Zone,
)
from plantarch.standards import Checker, load_baseline

TODAY = date(2026, 6, 1)
KINDS_L3 = ["mes", "historian", "qms", "cmms"]
CELLS = 4


def build(sites: int, assets_per_site: int, flows_per_site: int, seed: int = 7) -> PlantModel:
    """A plant of `sites` sites; objects are built with model_construct (copies of validated templates)."""
    rnd = random.Random(seed)
    seen = Provenance(source="pcap", reference="site-capture.pcapng", observed_at=datetime(2026, 5, 30))
    model = PlantModel()
    flow_template = Flow(
        key="template",
        source="a",
        target="b",
        transport="tcp",
        origin="observed",
        packets=10,
        bytes=1000,
        provenance=[seen],
    )
    asset_template = Asset(key="template", name="template", kind="host", declared=False, provenance=[seen])
    life = Lifecycle(installed=date(2019, 1, 1), end_of_support=date(2029, 1, 1))
    old = Lifecycle(installed=date(2010, 1, 1), end_of_support=date(2024, 1, 1))
    for s in range(sites):
        site = f"s{s:02d}"
        model.locations.append(Location(key=site, name=f"Site {s}", kind="site"))
        zones = {
            "ent": ([4.0], f"10.{s}.0.0/20", 1, False),
            "dmz": ([3.5], f"10.{s}.16.0/20", 3, True),
            "ops": ([3.0], f"10.{s}.32.0/20", 2, False),
        }
        for c in range(CELLS):
            zones[f"cell{c}"] = ([1.0, 2.0], f"10.{s}.{64 + 16 * c}.0/20", 3, False)
        for z, (levels, subnet, sl, dmz) in zones.items():
            model.zones.append(
                Zone.model_construct(
                    key=f"{site}-{z}",
                    name=z,
                    site=site,
                    purdue_levels=levels,
                    subnets=[subnet],
                    security_level_target=sl,
                    security_level_achieved=sl if rnd.random() > 0.1 else sl - 1,
                    dmz=dmz,
                    untrusted=False,
                    description="",
                )
            )
        pairs = [("ent", "dmz", "mqtt", 8883), ("ops", "dmz", "mqtt", 8883)] + [
            ("ops", f"cell{c}", "opcua", 4840) for c in range(CELLS)
        ]
        for a, b, proto, port in pairs:
            model.conduits.append(
                Conduit.model_construct(
                    key=f"{site}-{a}-{b}",
                    name=f"{a}-{b}",
                    zones=[f"{site}-{a}", f"{site}-{b}"],
                    allowed=[ConduitRule(protocol=proto, port=port, source_zone=f"{site}-{a}")],
                    default_deny=True,
                    enforcement=None,
                    security_level_target=3,
                    security_level_achieved=3,
                    description="",
                )
            )
        systems_zone: dict[str, str] = {}
        for i in range(200):
            if i < 20:
                kind, zone, level = KINDS_L3[i % 4], "ops", 3.0
            elif i < 30:
                kind, zone, level = "erp" if i == 20 else "analytics", "ent", 4.0
            elif i < 35:
                kind, zone, level = "broker", "dmz", 3.5
            else:
                c = i % CELLS
                kind, zone, level = ("plc" if i % 3 else "hmi"), f"cell{c}", (1.0 if i % 3 else 2.0)
            key = f"{site}-sys{i}"
            systems_zone[key] = zone
            model.systems.append(
                System.model_construct(
                    key=key,
                    name=key,
                    kind=kind,
                    purdue_level=level,
                    location=site,
                    zone=f"{site}-{zone}",
                    capabilities=[kind],
                    owner="ot" if i % 50 else None,
                    criticality="high",
                    lifecycle=old if i % 97 == 0 else life,
                    justification=None,
                    tags=[],
                    provenance=[],
                )
            )
        hosts: list[tuple[str, str]] = []
        zone_names = list(zones)
        for i in range(assets_per_site):
            z = (
                zone_names[0]
                if i < 300
                else zone_names[1]
                if i < 400
                else zone_names[2]
                if i < 1000
                else (f"cell{i % CELLS}")
            )
            base = {"ent": 0, "dmz": 16, "ops": 32}[z] if not z.startswith("cell") else 64 + 16 * int(z[4:])
            ip = f"10.{s}.{base + (i // 250) % 16}.{i % 250 + 1}"
            key = f"{site}-h{i}"
            runs = [f"{site}-sys{i}"] if i < 200 else []
            ips = [ip]
            if i % 2500 == 7:  # the odd dual-homed workstation
                ips.append(f"10.{s}.{base ^ 16}.{i % 250 + 1}")
            model.assets.append(
                asset_template.model_copy(update={"key": key, "name": key, "ips": ips, "systems": runs})
            )
            hosts.append((key, z))
        by_zone: dict[str, list[str]] = {}
        for key, z in hosts:
            by_zone.setdefault(z, []).append(key)
        for f in range(flows_per_site):
            r = rnd.random()
            if r < 0.90:  # inside a cell: modbus between hosts of the same zone
                z = f"cell{f % CELLS}"
                src, dst, proto, port = rnd.choice(by_zone[z]), rnd.choice(by_zone[z]), "modbus", 502
            elif r < 0.98:  # ops polls the cells over OPC UA (allowed)
                src, dst, proto, port = (
                    rnd.choice(by_zone["ops"]),
                    rnd.choice(by_zone[f"cell{f % CELLS}"]),
                    "opcua",
                    4840,
                )
            elif r < 0.99:  # ops / ent publish to the DMZ broker (allowed)
                src, dst, proto, port = rnd.choice(by_zone["ent"]), rnd.choice(by_zone["dmz"]), "mqtt", 8883
            else:  # violations: enterprise straight into a cell over Modbus
                src, dst, proto, port = (
                    rnd.choice(by_zone["ent"]),
                    rnd.choice(by_zone[f"cell{f % CELLS}"]),
                    "modbus",
                    502,
                )
            model.flows.append(
                flow_template.model_copy(
                    update={
                        "key": f"{site}-f{f}",
                        "source": src,
                        "target": dst,
                        "protocol": proto,
                        "port": port,
                    }
                )
            )
    return model


class Timer:
    """CPU and wall time of a block (CPU time is what counts on a shared machine)."""

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu

    def __str__(self) -> str:
        return f"{self.cpu * 1000:.0f} ms CPU ({self.wall * 1000:.0f} ms wall)"


def rss_mb() -> float:
    """Peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Generate, check, change one object, re-check; print the timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--assets-per-site", type=int, default=5000)
    parser.add_argument("--flows-per-site", type=int, default=40000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    model = build(args.sites, args.assets_per_site, args.flows_per_site)
    t1 = time.perf_counter()
    print(
        f"model: {len(model.assets):,} assets, {len(model.flows):,} flows, {len(model.systems):,} systems, "
        f"{len(model.zones)} zones, {len(model.conduits)} conduits; generated in {t1 - t0:.1f} s"
    )
    packs = [load_baseline()]
    gc.freeze()  # the model is long-lived; keep the collector from rescanning it
    with Timer() as index:
        checker = Checker(model, packs, today=TODAY)
    with Timer() as rules:
        result = checker.run()
    print(
        f"full check: {index.cpu + rules.cpu:.1f} s CPU (index {index.cpu:.1f} s + rules {rules.cpu:.1f} s), "
        f"{index.wall + rules.wall:.1f} s wall; {result.evaluated:,} evaluations, "
        f"{len(result.findings):,} findings {result.counts()}"
    )
    # one change: a new observed flow from the enterprise into a cell
    new = model.flows[0].model_copy(update={"key": "new-flow", "source": "s00-h5", "target": "s00-h1500"})
    model.flows.append(new)
    with Timer() as t:
        after = checker.recheck({("flow", "new-flow")})
    print(
        f"recheck after one new flow: {t}, {after.evaluated} evaluations, "
        f"{len(after.findings) - len(result.findings):+d} findings"
    )
    # one changed system (moves zone): its flows are re-checked
    i = next(i for i, s in enumerate(model.systems) if s.key == "s01-sys3")
    model.systems[i] = model.systems[i].model_copy(
        update={"owner": None, "zone": "s01-ent", "purdue_level": 4.0}
    )
    with Timer() as t:
        after = checker.recheck({("system", "s01-sys3")})
    print(f"recheck after one system moved zone: {t}, {after.evaluated} evaluations")
    # one conduit edit: every flow between its zones is re-checked
    j = next(j for j, c in enumerate(model.conduits) if c.key == "s01-ops-cell0")
    model.conduits[j] = model.conduits[j].model_copy(update={"allowed": []})
    with Timer() as t:
        after = checker.recheck({("conduit", "s01-ops-cell0")})
    print(f"recheck after one conduit lost its allow-list: {t}, {after.evaluated} evaluations")
    print(f"peak memory: {rss_mb():,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
