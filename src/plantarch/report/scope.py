"""Cut the model down to one site, so a diagram or report of a big enterprise can show one plant."""

from __future__ import annotations

from plantarch.errors import InputError
from plantarch.model import PlantModel


def site_scope(model: PlantModel, site: str) -> PlantModel:
    """The part of the model at one site: its locations (and its enterprise), zones, systems, assets,
    and the flows and conduits among them. A system belongs when it is located at the site or sits in
    one of the site's zones."""
    by_key = {loc.key: loc for loc in model.locations}
    if site not in by_key:
        known = ", ".join(sorted(loc.key for loc in model.locations if loc.kind == "site")[:20])
        raise InputError(f"no location '{site}' in the model (sites: {known or 'none'})", field="--site")
    inside: set[str] = set()
    for loc in model.locations:
        key: str | None = loc.key
        for _ in range(20):  # the hierarchy is shallow; a cycle must not hang us
            if key is None:
                break
            if key == site:
                inside.add(loc.key)
                break
            key = by_key[key].parent if key in by_key else None
    zones = {z.key for z in model.zones if z.site in inside}
    above: set[str] = set()
    parent = by_key[site].parent
    while parent is not None and parent in by_key and parent not in above:  # the site's enterprise
        above.add(parent)
        parent = by_key[parent].parent

    def here(location: str | None, zone: str | None) -> bool:
        return location in inside or zone in zones

    systems = [s for s in model.systems if here(s.location, s.zone)]
    assets = [a for a in model.assets if here(a.location, a.zone)]
    endpoints = {s.key for s in systems} | {a.key for a in assets}
    zones |= {s.zone for s in systems if s.zone is not None} | {a.zone for a in assets if a.zone is not None}
    return PlantModel(
        locations=[loc for loc in model.locations if loc.key in inside or loc.key in above],
        capabilities=model.capabilities,
        zones=[z for z in model.zones if z.key in zones],
        conduits=[c for c in model.conduits if all(z in zones for z in c.zones)],
        systems=systems,
        assets=assets,
        flows=[f for f in model.flows if f.source in endpoints and f.target in endpoints],
        waivers=model.waivers,
    )
