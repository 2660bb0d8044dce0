"""Standards packs: versioned YAML files of rules, loaded with line numbers and fully validated
before anything runs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from plantarch.errors import InputError
from plantarch.model import ModelObject
from plantarch.standards.cel import CelProgram, activation
from plantarch.standards.context import PlantContext
from plantarch.standards.findings import Severity, Violation
from plantarch.standards.overrides import Override, apply_overrides, parse_overrides
from plantarch.standards.ruletype import RuleType, available_rule_types

PACK_FORMAT = 1
"""The pack file format this version of plantarch reads (`format:` at the top of a pack)."""

RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
PACK_KEYS = {"format", "name", "version", "owner", "description", "rules", "overrides"}
RULE_KEYS = {
    "id",
    "title",
    "severity",
    "rationale",
    "reference",
    "scope",
    "type",
    "params",
    "expression",
    "message",
    "fix",
    "enabled",
}
REQUIRED_RULE_KEYS = ("id", "title", "severity", "rationale", "reference", "scope")
SCOPE_KEYS = {"kinds", "where"}


@dataclass(frozen=True, eq=False)
class Rule:
    """One rule of a pack, validated and bound to its rule type."""

    id: str
    title: str
    severity: Severity
    rationale: str
    reference: tuple[str, ...]
    kinds: frozenset[str]
    rule_type: RuleType
    params: BaseModel
    fix: str
    pack: str
    file: str
    line: int
    where: CelProgram | None = None

    @property
    def type_name(self) -> str:
        """The name of its rule type (`expression` for a CEL rule)."""
        return self.rule_type.name

    @property
    def reads(self) -> frozenset[str]:
        """Kinds whose change can alter its verdicts (its rule type's, plus anything a filter reads)."""
        extra = frozenset({"system", "asset", "zone", "conduit"}) if self.where is not None else frozenset()
        return self.rule_type.reads | extra

    def evaluate(self, kind: str, obj: ModelObject, ctx: PlantContext) -> Violation | None:
        """The violation of this rule by one object of a scoped kind, or None."""
        if self.where is not None:
            try:
                selected = self.where.evaluate(activation(kind, obj, ctx))
            except ValueError:
                return None
            if not bool(selected):
                return None
        return self.rule_type.check(kind, obj, self.params, ctx)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the rule (as listed by `plantarch docs rules`)."""
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity.value,
            "rationale": self.rationale,
            "reference": list(self.reference),
            "scope": sorted(self.kinds),
            "type": self.type_name,
            "params": self.params.model_dump(mode="json"),
            "fix": self.fix,
            "pack": self.pack,
        }


@dataclass
class Pack:
    """A versioned set of rules from one YAML file."""

    name: str
    version: str
    owner: str
    description: str
    file: str
    rules: list[Rule] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    """Changes this pack makes to rules of packs loaded before it."""


def baseline_path() -> Path:
    """Where the built-in baseline pack ships inside the package."""
    return Path(str(resources.files("plantarch.standards") / "baseline.yaml"))


def load_baseline() -> Pack:
    """The built-in baseline pack (IEC 62443 / Purdue / portfolio rules)."""
    return load_pack(baseline_path())


def load_packs(paths: list[Path], *, baseline: bool = True) -> list[Pack]:
    """The baseline (unless disabled) and every given pack, in order, with each pack's overrides applied
    to the packs before it; a rule id defined twice is an error."""
    packs = ([load_baseline()] if baseline else []) + [load_pack(p) for p in paths]
    seen: dict[str, Rule] = {}
    for pack in packs:
        for rule in pack.rules:
            first = seen.get(rule.id)
            if first is not None:
                raise InputError(
                    f"rule '{rule.id}' is already defined in {first.file} line {first.line}",
                    file=rule.file,
                    line=rule.line,
                    field="id",
                )
            seen[rule.id] = rule
    return apply_overrides(packs)


def load_pack(path: Path) -> Pack:
    """Read and validate one pack file; every error names the file, line and rule id."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the standards pack: {exc.strerror or exc}", file=str(path)) from None
    return parse_pack(text, str(path))


def parse_pack(text: str, file: str) -> Pack:
    """Validate a pack given as YAML text; `file` names it in error messages."""
    try:
        doc = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            f"not valid YAML: {exc.problem or exc.context}",
            file=file,
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(doc, CommentedMap):
        raise InputError("a standards pack is a mapping with name, version and rules", file=file, line=1)
    _unknown_keys(doc, PACK_KEYS, file, "pack")
    fmt = doc.get("format", PACK_FORMAT)
    if fmt != PACK_FORMAT:
        raise InputError(
            f"pack format {fmt} is not supported (this plantarch reads format {PACK_FORMAT})",
            file=file,
            line=_line(doc, "format"),
            field="format",
        )
    for key in ("name", "version", "rules"):
        if key not in doc and not (key == "rules" and "overrides" in doc):
            raise InputError(f"the pack has no '{key}'", file=file, line=1, field=key)
    name = _text(doc, "name", file, "pack")
    rules_node = doc.get("rules", CommentedSeq())
    if not isinstance(rules_node, CommentedSeq):
        raise InputError("'rules' must be a list", file=file, line=_line(doc, "rules"), field="rules")
    pack = Pack(
        name=name,
        version=str(doc["version"]),
        owner=str(doc.get("owner", "")),
        description=str(doc.get("description", "")),
        file=file,
    )
    if "overrides" in doc:
        pack.overrides = parse_overrides(doc["overrides"], file, _line(doc, "overrides"))
    types = available_rule_types()
    seen: dict[str, int] = {}
    for index, node in enumerate(rules_node):
        line = rules_node.lc.item(index)[0] + 1
        if not isinstance(node, CommentedMap):
            raise InputError("each rule is a mapping", file=file, line=line, field=f"rules[{index}]")
        rule = _parse_rule(node, pack.name, file, line, types)
        if rule is None:
            continue
        if rule.id in seen:
            raise InputError(
                f"rule '{rule.id}': duplicate rule id (first defined on line {seen[rule.id]})",
                file=file,
                line=rule.line,
                field="id",
            )
        seen[rule.id] = rule.line
        pack.rules.append(rule)
    return pack


def _parse_rule(
    node: CommentedMap, pack: str, file: str, line: int, types: dict[str, RuleType]
) -> Rule | None:
    rule_id = str(node.get("id", "")) or None
    where = f"rule '{rule_id}'" if rule_id else f"rule on line {line}"

    def fail(message: str, key: str | None = None, at: int | None = None) -> InputError:
        return InputError(
            f"{where}: {message}", file=file, line=at or (_line(node, key) if key else line), field=key
        )

    _unknown_keys(node, RULE_KEYS, file, where)
    for key in REQUIRED_RULE_KEYS:
        if key not in node or node[key] in (None, "", []):
            raise fail(f"missing required field '{key}'", None)
    if not RULE_ID.match(str(node["id"])):
        raise fail("id must start with a letter and hold only letters, digits, '.', '_' and '-'", "id")
    if node.get("enabled", True) is False:
        return None
    try:
        severity = Severity.parse(str(node["severity"]))
    except InputError as exc:
        raise fail(exc.message, "severity") from None
    has_type, has_expr = "type" in node, "expression" in node
    if has_type == has_expr:
        raise fail(
            "give either 'type' (a built-in or plugin rule type) or 'expression' (CEL), not both or neither"
        )
    if has_expr and "params" in node:
        raise fail("an expression rule takes 'message', not 'params'", "params")
    if has_type and "message" in node:
        raise fail("'message' belongs to expression rules", "message")

    type_name = str(node["type"]) if has_type else "expression"
    rule_type = types.get(type_name)
    if rule_type is None:
        known = ", ".join(sorted(n for n in types if n != "expression"))
        raise fail(f"unknown rule type '{type_name}' (known types: {known})", "type")

    kinds, where_text = _parse_scope(node, fail)
    unsupported = kinds - rule_type.kinds
    if unsupported:
        raise fail(
            f"rule type '{type_name}' cannot check {', '.join(sorted(unsupported))} "
            f"(it checks {', '.join(sorted(rule_type.kinds))})",
            "scope",
        )
    raw_params: Any = (
        {"expression": node["expression"], **({"message": node["message"]} if "message" in node else {})}
        if has_expr
        else node.get("params") or {}
    )
    if not isinstance(raw_params, dict):
        raise fail("'params' must be a mapping", "params")
    try:
        params = rule_type.parse_params(_plain(raw_params), kinds)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        at = _line(node["params"], str(err["loc"][0])) if has_type and err["loc"] else None
        raise fail(f"parameter '{loc}': {err['msg']}", "params" if has_type else "expression", at) from None
    except ValueError as exc:
        raise fail(str(exc), "params" if has_type else "expression") from None
    where_program = None
    if where_text is not None:
        try:
            where_program = CelProgram(where_text, kinds)
        except ValueError as exc:
            raise fail(f"scope filter: {exc}", "scope") from None

    reference = node["reference"]
    refs_raw = list(reference) if isinstance(reference, list) else [reference]
    if not all(isinstance(r, str | int | float) for r in refs_raw):
        raise fail("each reference is text (quote it when it holds ': ')", "reference")
    refs = tuple(str(r) for r in refs_raw)
    return Rule(
        id=str(node["id"]),
        title=_text(node, "title", file, where),
        severity=severity,
        rationale=" ".join(str(node["rationale"]).split()),
        reference=refs,
        kinds=kinds,
        rule_type=rule_type,
        params=params,
        fix=" ".join(str(node.get("fix") or rule_type.fix).split()),
        pack=pack,
        file=file,
        line=line,
        where=where_program,
    )


def _parse_scope(node: CommentedMap, fail: Any) -> tuple[frozenset[str], str | None]:
    from plantarch.model import OBJECT_TYPES

    scope = node["scope"]
    where_text: str | None = None
    if isinstance(scope, str):
        kinds_raw: Any = [scope]
    elif isinstance(scope, list):
        kinds_raw = scope
    elif isinstance(scope, dict):
        unknown = set(scope) - SCOPE_KEYS
        if unknown:
            raise fail(
                f"unknown scope field(s) {', '.join(sorted(map(str, unknown)))} (use kinds, where)", "scope"
            )
        kinds_raw = scope.get("kinds")
        if isinstance(kinds_raw, str):
            kinds_raw = [kinds_raw]
        where_text = str(scope["where"]) if scope.get("where") else None
    else:
        kinds_raw = None
    if not kinds_raw:
        raise fail("scope must name the object kinds it applies to (e.g. scope: {kinds: [flow]})", "scope")
    kinds = frozenset(str(k) for k in kinds_raw)
    bad = sorted(k for k in kinds if k not in OBJECT_TYPES or k == "waiver")
    if bad:
        raise fail(f"unknown object kind(s) {', '.join(bad)} in scope", "scope")
    return kinds, where_text


def _unknown_keys(node: CommentedMap, allowed: set[str], file: str, where: str) -> None:
    for key in node:
        if key not in allowed:
            raise InputError(
                f"{where}: unknown field '{key}' (expected one of {', '.join(sorted(allowed))})",
                file=file,
                line=_line(node, str(key)),
                field=str(key),
            )


def _text(node: CommentedMap, key: str, file: str, where: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            f"{where}: '{key}' must be non-empty text", file=file, line=_line(node, key), field=key
        )
    return " ".join(value.split())


def _line(node: Any, key: str) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
