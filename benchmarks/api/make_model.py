"""Build the benchmark plant in PostgreSQL: 50 sites, 1,000 systems, 250,000 assets (idempotent)."""

from __future__ import annotations

import argparse
import time

from plantarch.model import Asset, Location, System, Zone
from plantarch.store import open_store

SITES = 50
SYSTEMS_PER_SITE = 20
ASSETS_PER_SITE = 5000
ZONES = ("enterprise", "operations", "cell")


def site_objects(site: int) -> list[Location | Zone | System | Asset]:
    """Everything of one site: its location, three zones, systems and assets."""
    s = f"site-{site:02d}"
    objects: list[Location | Zone | System | Asset] = [Location(key=s, name=f"Site {site}", kind="site")]
    objects += [Zone(key=f"{s}-{z}", name=f"{s} {z}", site=s) for z in ZONES]
    objects += [
        System(
            key=f"{s}-sys-{n:03d}",
            name=f"System {n} of site {site}",
            kind=("plc", "hmi", "scada", "historian", "mes")[n % 5],
            zone=f"{s}-{ZONES[1 + n % 2]}",
            location=s,
            purdue_level=(1.0, 2.0, 2.0, 3.0, 3.0)[n % 5],
            criticality=("low", "medium", "high")[n % 3],
        )
        for n in range(SYSTEMS_PER_SITE)
    ]
    objects += [
        Asset(
            key=f"{s}-asset-{n:05d}",
            name=f"host {n} of site {site}",
            kind=("plc", "hmi", "workstation", "server", "switch")[n % 5],
            ips=[f"10.{site}.{n // 250}.{n % 250 + 1}"],
            macs=[f"00:1d:9c:{site:02x}:{n // 256:02x}:{n % 256:02x}"],
            vendor=("Siemens", "Rockwell", "Schneider", "Dell", "Cisco")[n % 5],
            zone=f"{s}-{ZONES[2 if n % 5 < 2 else 1]}",
            location=s,
            systems=[f"{s}-sys-{n % SYSTEMS_PER_SITE:03d}"],
            purdue_level=(1.0, 2.0, 2.0, 3.0, 3.0)[n % 5],
        )
        for n in range(ASSETS_PER_SITE)
    ]
    return objects


def main() -> None:
    """Load the model unless the database already holds it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="postgresql://... of an existing database")
    args = parser.parse_args()
    with open_store(database=args.database) as store:
        if store.count("asset") >= SITES * ASSETS_PER_SITE:
            print(f"already loaded: {store.count('asset'):,} assets")
            return
        started = time.perf_counter()
        for site in range(SITES):
            with store.change(author="bench", reason=f"site {site}", source="benchmark") as cs:
                cs.put_many(site_objects(site))
        print(f"loaded {store.count('asset'):,} assets in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
