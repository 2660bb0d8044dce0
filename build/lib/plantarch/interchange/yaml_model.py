"""Architecture as code: the plant model as a directory of YAML files, loaded with exact error locations.

Import reads every ``*.yaml`` / ``*.yml`` file under a directory (hidden directories skipped); each file
maps object kinds in the plural (``systems:``, ``flows:``, ...) to lists of objects. Export writes
``plant.yaml`` (hierarchy, capabilities, zones, conduits, waivers and anything without a site) and one
``sites/<site>.yaml`` per site (its systems, assets and flows), sorted by key, defaults omitted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from plantarch.errors import InputError
from plantarch.interchange.yaml_export import render_model, site_file_name, write_model_dir
from plantarch.interchange.yaml_fast import parse_canonical
from plantarch.model import OBJECT_TYPES, PLURALS, ModelObject, PlantModel

KINDS: dict[str, str] = {plural: kind for kind, plural in PLURALS.items()}
"""Object kind by its plural section name."""

__all__ = [
    "ModelReader",
    "load_model_dir",
    "model_files",
    "render_model",
    "site_file_name",
    "write_model_dir",
]


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


REFERENCE_POOLS: dict[tuple[str, str], tuple[str, ...]] = {
    ("location", "parent"): ("location",),
    ("capability", "parent"): ("capability",),
    ("zone", "site"): ("location",),
    ("conduit", "zones"): ("zone",),
    ("conduit", "enforcement"): ("system", "asset"),
    ("conduit", "allowed.source_zone"): ("zone",),
    ("system", "location"): ("location",),
    ("system", "zone"): ("zone",),
    ("system", "capabilities"): ("capability",),
    ("asset", "location"): ("location",),
    ("asset", "zone"): ("zone",),
    ("asset", "systems"): ("system",),
    ("flow", "source"): ("system", "asset"),
    ("flow", "target"): ("system", "asset"),
    ("flow", "via"): ("system", "asset"),
}
"""Which kinds a reference field may name (mirrors PlantModel.reference_errors)."""


@dataclass(frozen=True)
class _PendingReference:
    file: int
    kind: str
    key: str
    index: int
    field: str
    missing: str


class ModelReader:
    """Reads a model directory file by file, so a large model can be imported without holding it all.

    Iterate `objects()` to get every validated object; duplicate keys are refused as they are met and
    references are checked when the last file has been read (raising InputError with the location).
    """

    def __init__(self, path: Path) -> None:
        self.files = model_files(Path(path))
        self.keys: dict[str, set[str]] = {kind: set() for kind in OBJECT_TYPES}
        """Keys read so far, by kind."""
        self._fast = _fast_yaml()
        self._pending: list[_PendingReference] = []

    def objects(self) -> Iterator[ModelObject]:
        """Every object of every file, file by file; references are checked after the last one."""
        for number, file in enumerate(self.files):
            yield from self.read_file(number, file)
        self.check_references()

    def read_file(self, number: int, file: Path) -> list[ModelObject]:
        """The validated objects of one file (checking keys against the files read before)."""
        data = self._parse(file)
        if data is None:
            return []
        if not isinstance(data, dict):
            raise InputError(
                "expected a mapping of object kinds (locations:, systems:, assets:, flows:, ...)",
                file=str(file),
                line=1,
            )
        sections: dict[str, list[ModelObject]] = {}
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
                line = locate(file, [section])
                raise InputError(f"expected a list of {section}", file=str(file), line=line, field=section)
            sections[section] = self._read_section(file, section, items)
        self._note_references(number, sections)
        return [obj for objects in sections.values() for obj in objects]

    def _parse(self, file: Path) -> Any:
        try:
            text = file.read_text(encoding="utf-8")
            canonical = parse_canonical(text)  # what plantarch wrote reads ~10x faster
            return canonical if canonical is not None else self._fast.load(text)
        except UnicodeDecodeError as exc:
            raise InputError("not UTF-8 text", file=str(file), offset=exc.start) from exc
        except YAMLError as exc:
            raise yaml_error(file, exc) from exc

    def _read_section(self, file: Path, section: str, items: list[Any]) -> list[ModelObject]:
        kind = KINDS[section]
        model = OBJECT_TYPES[kind]
        shared = ("system", "asset") if kind in ("system", "asset") else (kind,)
        pools = [self.keys[k] for k in shared]
        seen = self.keys[kind]
        objects: list[ModelObject] = []
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
            if any(obj.key in pool for pool in pools):
                raise self._duplicate(file, section, index, obj.key, shared)
            seen.add(obj.key)
            objects.append(obj)
        return objects

    def _duplicate(self, file: Path, section: str, index: int, key: str, kinds: Sequence[str]) -> InputError:
        where = ""
        for earlier in self.files:
            found = _find_definition(earlier, key, [PLURALS[k] for k in kinds])
            if found is not None:
                where = f": already defined in {earlier} line {locate(earlier, list(found))}"
                break
        shared = " (systems and assets share keys)" if len(kinds) > 1 else ""
        return InputError(
            f"duplicate key '{key}'{where}{shared}",
            file=str(file),
            line=locate(file, [section, index, "key"]),
            field="key",
        )

    def _note_references(self, number: int, sections: dict[str, list[ModelObject]]) -> None:
        # References are resolved within the file first; what is left is checked against every key
        # read so far, and what is still missing waits for the files that follow.
        partial = PlantModel.model_validate(sections)
        errors = partial.reference_errors()
        if not errors:
            return
        positions = {
            (KINDS[section], obj.key): index
            for section, objects in sections.items()
            for index, obj in enumerate(objects)
        }
        for error in errors:
            pending = _PendingReference(
                number, error.kind, error.key, positions[(error.kind, error.key)], error.field, error.missing
            )
            if not self._resolves(pending):
                self._pending.append(pending)

    def _resolves(self, pending: _PendingReference) -> bool:
        pools = REFERENCE_POOLS.get((pending.kind, pending.field), tuple(OBJECT_TYPES))
        return any(pending.missing in self.keys[kind] for kind in pools)

    def check_references(self) -> None:
        """Raise InputError for the first reference to a key no file defines."""
        unresolved = [pending for pending in self._pending if not self._resolves(pending)]
        if not unresolved:
            return
        first = unresolved[0]
        file = self.files[first.file]
        top = first.field.split(".")[0]
        line = locate(file, [PLURALS[first.kind], first.index, top, _ListValue(first.missing)])
        more = f" (and {len(unresolved) - 1} more)" if len(unresolved) > 1 else ""
        raise InputError(
            f"{first.kind} '{first.key}' refers to unknown '{first.missing}'{more}",
            file=str(file),
            line=line,
            field=first.field,
        )


def _find_definition(file: Path, key: str, sections: Sequence[str]) -> tuple[str, int] | None:
    try:
        data = _fast_yaml().load(file.read_text(encoding="utf-8"))
    except (YAMLError, OSError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    for section in sections:
        items = data.get(section)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict) and item.get("key") == key:
                return section, index
    return None


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
    lists: dict[str, list[ModelObject]] = {plural: [] for plural in KINDS}
    for obj in ModelReader(path).objects():
        lists[PLURALS[obj.kind_name]].append(obj)
    for objects in lists.values():
        objects.sort(key=lambda obj: obj.key)
    return PlantModel.model_validate(lists)
