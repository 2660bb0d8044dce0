"""Architecture as code: the plant model as a directory of YAML files, loaded with exact error locations.

Import reads every ``*.yaml`` / ``*.yml`` file under a directory (hidden directories skipped); each file
maps object kinds in the plural (``systems:``, ``flows:``, ...) to lists of objects. Export writes
``plant.yaml`` (hierarchy, capabilities, zones, conduits, waivers and anything without a site) and one
``sites/<site>.yaml`` per site (its systems, assets and flows), sorted by key, defaults omitted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from plantarch.errors import InputError
from plantarch.interchange.yaml_emit import dump_sections
from plantarch.model import OBJECT_TYPES, PLURALS, ModelObject, PlantModel

KINDS: dict[str, str] = {plural: kind for kind, plural in PLURALS.items()}
"""Object kind by its plural section name."""

PLANT_FILE = "plant.yaml"
SITES_DIR = "sites"
SITE_KINDS = ("system", "asset", "flow")
"""Kinds written to the file of their site; everything else goes to plant.yaml."""


def document(obj: ModelObject) -> dict[str, Any]:
    """The YAML document of an object: its fields that differ from their defaults, key first."""
    return obj.model_dump(mode="json", exclude_defaults=True)


def _fast_yaml() -> YAML:
    # The C-accelerated safe loader reads large models quickly; the round-trip loader, which keeps
    # line numbers, runs only when something is wrong and the error needs a location.
    return YAML(typ="safe", pure=False)


def _located_yaml() -> YAML:
    return YAML(typ="rt")


def model_files(path: Path) -> list[Path]:
    """The YAML files an import reads: `path` itself, or every *.yaml/*.yml under it (sorted)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(
            "no such file or directory; expected a model directory of YAML files", file=str(path)
        )
    files = [
        file
        for pattern in ("*.yaml", "*.yml")
        for file in path.rglob(pattern)
        if file.is_file() and not any(part.startswith(".") for part in file.relative_to(path).parts)
    ]
    if not files:
        raise InputError(
            "no *.yaml files found; expected a model directory (see docs/model.md)", file=str(path)
        )
    return sorted(files)


class _Reader:
    """Reads model files one by one, remembering where each key was defined to report clashes."""

    def __init__(self) -> None:
        self.fast = _fast_yaml()
        self.files: list[Path] = []
        self.lists: dict[str, list[ModelObject]] = {plural: [] for plural in KINDS}
        # namespace -> key -> (file number, index in its section); systems and assets share a namespace
        self.origins: dict[str, dict[str, tuple[int, int]]] = {}

    def read(self, file: Path) -> None:
        number = len(self.files)
        self.files.append(file)
        data = self._parse(file)
        if data is None:
            return
        if not isinstance(data, dict):
            raise InputError(
                "expected a mapping of object kinds (locations:, systems:, assets:, flows:, ...)",
                file=str(file),
                line=1,
            )
        for section, items in data.items():
            if section not in KINDS:
                raise InputError(
                    f"unknown section '{section}'; expected one of {', '.join(KINDS)}",
                    file=str(file),
                    line=locate(file, [section]),
                    field=str(section),
                )
            if items is None:
                continue
            if not isinstance(items, list):
                raise InputError(
                    f"expected a list of {section}",
                    file=str(file),
                    line=locate(file, [section]),
                    field=section,
                )
            self._read_section(number, file, section, items)

    def _parse(self, file: Path) -> Any:
        try:
            return self.fast.load(file.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError("not UTF-8 text", file=str(file), offset=exc.start) from exc
        except YAMLError as exc:
            raise yaml_error(file, exc) from exc

    def _read_section(self, number: int, file: Path, section: str, items: list[Any]) -> None:
        kind = KINDS[section]
        model = OBJECT_TYPES[kind]
        namespace = "endpoint" if kind in ("system", "asset") else kind
        seen = self.origins.setdefault(namespace, {})
        target = self.lists[section]
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise InputError(
                    f"expected a mapping with the fields of a {kind}",
                    file=str(file),
                    line=locate(file, [section, index]),
                )
            try:
                obj = model.model_validate(item)
            except ValidationError as exc:
                raise validation_error(file, section, index, item, exc) from exc
            if obj.key in seen:
                first_file, first_index = seen[obj.key]
                first = self.files[first_file]
                first_section = section if namespace != "endpoint" else _endpoint_section(first, obj.key)
                first_line = locate(first, [first_section, first_index])
                raise InputError(
                    f"duplicate key '{obj.key}': already defined in {first} line {first_line}"
                    + (" (systems and assets share keys)" if namespace == "endpoint" else ""),
                    file=str(file),
                    line=locate(file, [section, index, "key"]),
                    field="key",
                )
            seen[obj.key] = (number, index)
            target.append(obj)

    def model(self) -> PlantModel:
        for objects in self.lists.values():
            objects.sort(key=lambda obj: obj.key)
        model = PlantModel.model_validate(self.lists)
        errors = model.reference_errors()
        if errors:
            error = errors[0]
            namespace = "endpoint" if error.kind in ("system", "asset") else error.kind
            number, index = self.origins[namespace][error.key]
            file = self.files[number]
            section = PLURALS[error.kind]
            top = error.field.split(".")[0]
            line = locate(file, [section, index, top, _ListValue(error.missing)])
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise InputError(
                f"{error.kind} '{error.key}' refers to unknown '{error.missing}'{more}",
                file=str(file),
                line=line,
                field=error.field,
            )
        return model


def _endpoint_section(file: Path, key: str) -> str:
    data = _located_yaml().load(file.read_text(encoding="utf-8"))
    for section in ("systems", "assets"):
        for item in data.get(section) or ():
            if isinstance(item, dict) and item.get("key") == key:
                return section
    return "systems"


class _ListValue:
    """A path step matching the list element equal to `value` (skipped when the node is not a list)."""

    def __init__(self, value: str) -> None:
        self.value = value


def locate(file: Path, path: Sequence[Any]) -> int | None:
    """1-based line of the deepest node of `path` (keys and indexes) that exists in the file."""
    try:
        node: Any = _located_yaml().load(file.read_text(encoding="utf-8"))
    except (YAMLError, OSError, UnicodeDecodeError):
        return None
    line: int | None = None
    for step in path:
        if isinstance(step, _ListValue):
            if isinstance(node, CommentedSeq):
                for position, element in enumerate(node):
                    if element == step.value:
                        line = node.lc.item(position)[0] + 1
                        break
            break
        if isinstance(node, CommentedMap) and step in node:
            line = node.lc.key(step)[0] + 1
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line = node.lc.item(step)[0] + 1
            node = node[step]
        else:
            break
    if line is None and isinstance(node, CommentedMap | CommentedSeq):
        line = node.lc.line + 1
    return line


def yaml_error(file: Path, exc: YAMLError) -> InputError:
    """An InputError for broken YAML, naming the line and what the parser expected."""
    if isinstance(exc, MarkedYAMLError) and exc.problem_mark is not None:
        problem = " ".join(str(exc.problem or "").split())
        context = " ".join(str(exc.context or "").split())
        message = f"broken YAML: {problem}" + (f" ({context})" if context else "")
        return InputError(message, file=str(file), line=exc.problem_mark.line + 1)
    return InputError(f"broken YAML: {' '.join(str(exc).split())}", file=str(file))


def validation_error(
    file: Path, section: str, index: int, item: dict[str, Any], exc: ValidationError
) -> InputError:
    """An InputError for an object that does not fit its model: which field, where, what was expected."""
    kind = KINDS[section]
    detail = exc.errors()[0]
    loc = [step for step in detail["loc"]]
    field = ".".join(str(step) for step in loc) or None
    key = item.get("key")
    who = f"{kind} '{key}'" if isinstance(key, str) else f"{kind} #{index + 1}"
    return InputError(
        f"{who}: {_explain(kind, detail)}",
        file=str(file),
        line=locate(file, [section, index, *loc]),
        field=field,
    )


def _explain(kind: str, detail: ErrorDetails) -> str:
    if detail["type"] == "extra_forbidden":
        fields = ", ".join(OBJECT_TYPES[kind].model_fields) if len(detail["loc"]) == 1 else None
        return "unknown field" + (f"; expected one of: {fields}" if fields else "")
    if detail["type"] == "missing":
        return "required field is missing"
    got = detail.get("input")
    shown = f" (got {got!r})" if isinstance(got, str | int | float | bool) or got is None else ""
    return f"{detail['msg']}{shown}"


def load_model_dir(path: Path) -> PlantModel:
    """Read and validate a model directory (or one YAML file), each kind sorted by key.

    Raises InputError naming the file, line and field of the first problem found.
    """
    reader = _Reader()
    for file in model_files(Path(path)):
        reader.read(file)
    return reader.model()


def _site_of_locations(model: PlantModel) -> dict[str, str]:
    parents = {loc.key: loc for loc in model.locations}
    sites: dict[str, str] = {}
    for key in parents:
        node, hops = parents.get(key), 0
        while node is not None and hops <= len(parents):
            if node.kind == "site":
                sites[key] = node.key
                break
            node, hops = parents.get(node.parent or ""), hops + 1
    return sites


def site_assignment(model: PlantModel) -> dict[tuple[str, str], str]:
    """The site each system, asset and flow belongs to (by location, zone, hosted system or endpoint)."""
    location_site = _site_of_locations(model)
    zone_site = {zone.key: zone.site for zone in model.zones if zone.site}
    where: dict[tuple[str, str], str] = {}

    def site_of(location: str | None, zone: str | None) -> str | None:
        return location_site.get(location or "") or zone_site.get(zone or "")

    system_sites: dict[str, str] = {}
    for system in model.systems:
        if site := site_of(system.location, system.zone):
            system_sites[system.key] = site
            where[("system", system.key)] = site
    endpoint_sites = dict(system_sites)
    for asset in model.assets:
        site = site_of(asset.location, asset.zone) or next(
            (system_sites[s] for s in asset.systems if s in system_sites), None
        )
        if site:
            endpoint_sites[asset.key] = site
            where[("asset", asset.key)] = site
    for flow in model.flows:
        if site := endpoint_sites.get(flow.source) or endpoint_sites.get(flow.target):
            where[("flow", flow.key)] = site
    return where


_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._@+-]")


def site_file_name(site: str) -> str:
    """File name of a site's YAML file (characters unsafe in file names replaced by '_')."""
    return f"{_UNSAFE_FILE_CHARS.sub('_', site)}.yaml"


def render_model(model: PlantModel) -> dict[str, str]:
    """The export as {relative path: YAML text}: plant.yaml and sites/<site>.yaml, sorted by key."""
    where = site_assignment(model)
    plant: dict[str, list[dict[str, Any]]] = {plural: [] for plural in KINDS}
    sites: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for kind, obj in _sorted_objects(model):
        site = where.get((kind, obj.key)) if kind in SITE_KINDS else None
        bucket = plant if site is None else sites.setdefault(site, {plural: [] for plural in KINDS})
        bucket[PLURALS[kind]].append(document(obj))
    files = {PLANT_FILE: dump_sections(plant.items())}
    names: set[str] = set()
    for site in sorted(sites):
        name = site_file_name(site)
        stem, number = name[: -len(".yaml")], 2
        while name in names:  # two site keys that differ only in unsafe characters
            name, number = f"{stem}-{number}.yaml", number + 1
        names.add(name)
        files[f"{SITES_DIR}/{name}"] = dump_sections(sites[site].items())
    return files


def _sorted_objects(model: PlantModel) -> Iterator[tuple[str, ModelObject]]:
    for kind in OBJECT_TYPES:
        for obj in sorted(model.objects(kind), key=lambda o: o.key):
            yield kind, obj


def write_model_dir(model: PlantModel, path: Path) -> list[Path]:
    """Export the model as YAML files under `path`; stale files in `path/sites/` are removed."""
    path = Path(path)
    files = render_model(model)
    written: list[Path] = []
    try:
        (path / SITES_DIR).mkdir(parents=True, exist_ok=True)
        for relative, text in files.items():
            target = path / relative
            target.write_text(text, encoding="utf-8")
            written.append(target)
        for stale in sorted((path / SITES_DIR).glob("*.y*ml")):
            if stale not in written:
                stale.unlink()
    except OSError as exc:
        raise InputError(f"cannot write the model: {exc.strerror or exc}", file=str(path)) from exc
    return written
