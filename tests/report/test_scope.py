"""One site of a multi-site model: its own zones, systems, assets, flows and conduits only."""

from __future__ import annotations

import pytest

from plantarch.errors import InputError
from plantarch.model import PlantModel
from plantarch.report.scope import site_scope


def test_demo_site_scope_keeps_one_plant(demo_model: PlantModel) -> None:
    sites = [loc.key for loc in demo_model.locations if loc.kind == "site"]
    assert len(sites) == 2
    parts = [site_scope(demo_model, site) for site in sites]
    for site, part in zip(sites, parts, strict=True):
        # what a site's objects refer to is in the part, except enterprise systems an office PC hosts
        assert {e.field for e in part.reference_errors()} <= {"systems", "via", "enforcement"}
        members = {x.zone for x in part.systems} | {x.zone for x in part.assets}
        assert all(z.site in {loc.key for loc in part.locations} or z.key in members for z in part.zones)
        endpoints = part.endpoint_keys()
        assert all(f.source in endpoints and f.target in endpoints for f in part.flows)
        assert {loc.key for loc in part.locations} >= {site}
    assert not ({s.key for s in parts[0].systems} & {s.key for s in parts[1].systems})


def test_small_plant_site_and_an_unknown_site(plant: PlantModel) -> None:
    lyon = site_scope(plant, "lyon")
    assert {z.key for z in lyon.zones} == {"enterprise", "dmz", "ops", "cell-1"}
    assert "erp" in {s.key for s in lyon.systems}  # located at the enterprise, in a zone of the site
    assert {loc.key for loc in lyon.locations} == {"acme", "lyon", "lyon/packing", "lyon/packing/line-1"}
    assert lyon.reference_errors() == []
    with pytest.raises(InputError, match="no location 'paris'"):
        site_scope(plant, "paris")
