"""Writing the model as architecture-as-code YAML: plant.yaml plus one file per site, streamed.

Objects are written kind by kind in key order, each into the file of its site, so a model of millions
of flows is exported without holding it in memory: only locations, zones and the site of every system
and asset are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from plantarch.errors import InputError
from plantarch.interchange.yaml_emit import dump_item
from plantarch.model import (
    OBJECT_TYPES,
    PLURALS,
    Asset,
    Flow,
    Location,
    ModelObject,
    PlantModel,
    System,
    Zone,
)

PLANT_FILE = "plant.yaml"
SITES_DIR = "sites"
ObjectSource = Callable[[str], Iterable[ModelObject]]
"""Objects of one kind, in key order."""

_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._@+-]")
_FLUSH_BYTES = 1 << 20


def document(obj: ModelObject) -> dict[str, Any]:
    """The YAML document of an object: its fields that differ from their defaults, key first."""
    return obj.model_dump(mode="json", exclude_defaults=True)


def site_file_name(site: str) -> str:
    """File name of a site's YAML file (characters unsafe in file names replaced by '_')."""
    return f"{_UNSAFE_FILE_CHARS.sub('_', site)}.yaml"


def location_sites(locations: Iterable[Location]) -> dict[str, str]:
    """The site above each location (a site is its own site)."""
    parents = {loc.key: loc for loc in locations}
    sites: dict[str, str] = {}
    for key in parents:
        node, hops = parents.get(key), 0
        while node is not None and hops <= len(parents):
            if node.kind == "site":
                sites[key] = node.key
                break
            node, hops = parents.get(node.parent or ""), hops + 1
    return sites


class SiteAssigner:
    """Decides the site file of each system, asset and flow (by location, zone, hosted system, endpoint)."""

    def __init__(self, locations: Iterable[Location], zones: Iterable[Zone]) -> None:
        self.location_site = location_sites(locations)
        self.zone_site = {zone.key: zone.site for zone in zones if zone.site}
        self.endpoint_site: dict[str, str] = {}

    def _place(self, location: str | None, zone: str | None) -> str | None:
        return self.location_site.get(location or "") or self.zone_site.get(zone or "")

    def site(self, obj: ModelObject) -> str | None:
        """The site of an object (None: it goes to plant.yaml); call for systems before assets."""
        site: str | None = None
        if isinstance(obj, System):
            site = self._place(obj.location, obj.zone)
        elif isinstance(obj, Asset):
            site = self._place(obj.location, obj.zone) or next(
                (self.endpoint_site[s] for s in obj.systems if s in self.endpoint_site), None
            )
        elif isinstance(obj, Flow):
            return self.endpoint_site.get(obj.source) or self.endpoint_site.get(obj.target)
        if site is not None:
            self.endpoint_site[obj.key] = site
        return site


class _Files:
    """Where rendered sections go: file name -> text, buffered and appended in order."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.buffers: dict[str, list[str]] = {}
        self.sizes: dict[str, int] = {}
        self.sections: dict[str, str] = {}  # file -> section currently open
        self.started: set[str] = set()
        self.texts: dict[str, list[str]] = {}

    def add(self, name: str, section: str, text: str) -> None:
        if self.sections.get(name) != section:
            self.sections[name] = section
            text = f"{section}:\n{text}"
        self.buffers.setdefault(name, []).append(text)
        self.sizes[name] = self.sizes.get(name, 0) + len(text)
        if self.directory is not None and self.sizes[name] > _FLUSH_BYTES:
            self.flush(name)

    def flush(self, name: str) -> None:
        chunk = "".join(self.buffers.pop(name, []))
        self.sizes[name] = 0
        if self.directory is None:
            self.texts.setdefault(name, []).append(chunk)
            return
        mode = "a" if name in self.started else "w"
        self.started.add(name)
        with (self.directory / name).open(mode, encoding="utf-8") as out:
            out.write(chunk)

    def finish(self, names: Iterable[str]) -> dict[str, str]:
        for name in names:
            if name not in self.sections:  # a file with no objects at all
                self.buffers[name] = ["{}\n"]
            self.flush(name)
        return {name: "".join(parts) for name, parts in self.texts.items()}


def _render(objects_of: ObjectSource, files: _Files) -> list[str]:
    small = {kind: list(objects_of(kind)) for kind in ("location", "zone")}
    assigner = SiteAssigner(
        (o for o in small["location"] if isinstance(o, Location)),
        (o for o in small["zone"] if isinstance(o, Zone)),
    )
    names: dict[str | None, str] = {None: PLANT_FILE}
    for kind in OBJECT_TYPES:
        section = PLURALS[kind]
        for obj in small.get(kind) or objects_of(kind):
            site = assigner.site(obj) if kind in ("system", "asset", "flow") else None
            name = names.get(site)
            if name is None:
                name = _new_site_file(site or "", names)
            files.add(name, section, dump_item(document(obj)))
    return sorted(names.values(), key=lambda n: (n != PLANT_FILE, n))


def _new_site_file(site: str, names: dict[str | None, str]) -> str:
    taken = set(names.values())
    name = f"{SITES_DIR}/{site_file_name(site)}"
    stem, number = name[: -len(".yaml")], 2
    while name in taken:  # two site keys that differ only in unsafe characters
        name, number = f"{stem}-{number}.yaml", number + 1
    names[site] = name
    return name


def _sorted_source(model: PlantModel) -> ObjectSource:
    return lambda kind: sorted(model.objects(kind), key=lambda o: o.key)


def render_model(model: PlantModel) -> dict[str, str]:
    """The export as {relative path: YAML text}: plant.yaml and sites/<site>.yaml, sorted by key."""
    files = _Files(None)
    names = _render(_sorted_source(model), files)
    return files.finish(names)


def write_objects(objects_of: ObjectSource, path: Path) -> list[Path]:
    """Write objects (given kind by kind in key order) as YAML files under `path`; stale site files go."""
    path = Path(path)
    try:
        (path / SITES_DIR).mkdir(parents=True, exist_ok=True)
        files = _Files(path)
        names = _render(objects_of, files)
        files.finish(names)
        written = [path / name for name in names]
        for stale in sorted((path / SITES_DIR).glob("*.y*ml")):
            if stale not in written:
                stale.unlink()
    except OSError as exc:
        raise InputError(f"cannot write the model: {exc.strerror or exc}", file=str(path)) from exc
    return written


def write_model_dir(model: PlantModel, path: Path) -> list[Path]:
    """Export the model as YAML files under `path`; stale files in `path/sites/` are removed."""
    return write_objects(_sorted_source(model), path)
