"""Generate a large architecture-as-code model: 50 sites, 250,000 assets, 2,000,000 flows (at scale 1).

Each site file is built and written on its own, so generating needs little memory. The files are
exactly what `plantarch export model` writes for the same model (sorted, defaults omitted), which
lets the benchmark check that export reproduces them byte for byte.

    python benchmarks/model/generate.py OUT_DIR [--scale 0.01]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from plantarch.interchange.yaml_emit import dump_sections
from plantarch.interchange.yaml_export import document, site_file_name
from plantarch.model import Asset, Flow, Location, ModelObject, System, Zone

SITES = 50
ASSETS_PER_SITE = 5_000
FLOWS_PER_SITE = 40_000
SYSTEMS_PER_SITE = 200
AREAS_PER_SITE = 10

SYSTEM_KINDS = [
    ("plc", 1.0),
    ("hmi", 2.0),
    ("scada", 2.0),
    ("historian", 3.0),
    ("mes", 3.0),
    ("edge-gateway", 3.5),
]
PROTOCOLS = [
    ("modbus", 502),
    ("s7comm", 102),
    ("opcua", 4840),
    ("enip", 44818),
    ("mqtt", 1883),
    ("https", 443),
]


def _docs(objects: list[ModelObject]) -> list[dict[str, object]]:
    return [document(obj) for obj in objects]


def plant_objects(sites: int) -> tuple[list[ModelObject], list[ModelObject]]:
    """Locations and zones of the whole enterprise."""
    locations: list[ModelObject] = [Location(key="acme", name="ACME Group", kind="enterprise")]
    zones: list[ModelObject] = []
    for s in range(1, sites + 1):
        site = f"site-{s:02d}"
        locations.append(Location(key=site, name=f"Plant {s}", kind="site", parent="acme"))
        locations += [
            Location(key=f"{site}.area-{a:02d}", name=f"Area {a}", kind="area", parent=site)
            for a in range(1, AREAS_PER_SITE + 1)
        ]
        zones += [
            Zone(
                key=f"{site}.cell",
                name=f"Plant {s} cell",
                site=site,
                purdue_levels=[1, 2],
                security_level_target=2,
            ),
            Zone(key=f"{site}.ops", name=f"Plant {s} operations", site=site, purdue_levels=[3]),
            Zone(key=f"{site}.dmz", name=f"Plant {s} DMZ", site=site, purdue_levels=[3.5], dmz=True),
        ]
    return sorted(locations, key=lambda o: o.key), sorted(zones, key=lambda o: o.key)


def site_objects(s: int, scale: float) -> tuple[list[ModelObject], list[ModelObject], list[ModelObject]]:
    """Systems, assets and flows of one site, sorted by key."""
    site = f"site-{s:02d}"
    n_systems = max(1, round(SYSTEMS_PER_SITE * scale))
    n_assets = max(2, round(ASSETS_PER_SITE * scale))
    n_flows = max(1, round(FLOWS_PER_SITE * scale))
    systems: list[ModelObject] = []
    for i in range(n_systems):
        kind, level = SYSTEM_KINDS[i % len(SYSTEM_KINDS)]
        systems.append(
            System(
                key=f"{site}.sys-{i:04d}",
                name=f"{kind.upper()} {i} of plant {s}",
                kind=kind,
                purdue_level=level,
                location=f"{site}.area-{i % AREAS_PER_SITE + 1:02d}",
                zone=f"{site}.cell" if level < 3 else f"{site}.ops" if level == 3 else f"{site}.dmz",
                vendor="Acme Automation",
                version=f"{i % 7}.{i % 3}",
            )
        )
    assets: list[ModelObject] = [
        Asset(
            key=f"{site}.host-{i:05d}",
            name=f"host {i} plant {s}",
            kind="plc" if i % 4 == 0 else "host",
            ips=[f"10.{s}.{i // 250}.{i % 250 + 1}"],
            macs=[f"02:00:{s:02x}:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}"],
            systems=[f"{site}.sys-{i % n_systems:04d}"],
            location=f"{site}.area-{i % AREAS_PER_SITE + 1:02d}",
            zone=f"{site}.cell",
            os="VxWorks" if i % 4 == 0 else "Windows 10 IoT",
        )
        for i in range(n_assets)
    ]
    flows: list[ModelObject] = []
    for i in range(n_flows):
        protocol, port = PROTOCOLS[i % len(PROTOCOLS)]
        flows.append(
            Flow(
                key=f"{site}.flow-{i:06d}",
                source=f"{site}.host-{i % n_assets:05d}",
                target=f"{site}.host-{(i * 7 + 1) % n_assets:05d}",
                protocol=protocol,
                port=port,
                pattern="point-to-point",
                information=["process-data"],
                frequency="1s",
            )
        )
    return systems, assets, flows


def generate(out: Path, scale: float = 1.0, sites: int = SITES) -> dict[str, int]:
    """Write the model under `out`; returns the object counts."""
    (out / "sites").mkdir(parents=True, exist_ok=True)
    locations, zones = plant_objects(sites)
    (out / "plant.yaml").write_text(
        dump_sections([("locations", _docs(locations)), ("zones", _docs(zones))]), encoding="utf-8"
    )
    counts = {"locations": len(locations), "zones": len(zones), "systems": 0, "assets": 0, "flows": 0}
    for s in range(1, sites + 1):
        systems, assets, flows = site_objects(s, scale)
        text = dump_sections(
            [("systems", _docs(systems)), ("assets", _docs(assets)), ("flows", _docs(flows))]
        )
        (out / "sites" / site_file_name(f"site-{s:02d}")).write_text(text, encoding="utf-8")
        counts["systems"] += len(systems)
        counts["assets"] += len(assets)
        counts["flows"] += len(flows)
    return counts


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the per-site counts")
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.out, args.scale)
    print(counts, f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
