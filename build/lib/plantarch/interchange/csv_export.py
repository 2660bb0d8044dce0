"""CSV exports of systems, assets and flows for spreadsheets, safe against formula injection."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from plantarch.model import Asset, Flow, ModelObject, PlantModel, System

CSV_KINDS: dict[str, type[ModelObject]] = {"systems": System, "assets": Asset, "flows": Flow}
"""What `export csv` can write, one file per kind."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet may read as the start of a formula (OWASP CSV injection)."""


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @, tab or CR gets an apostrophe first."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def columns(model_type: type[BaseModel]) -> list[str]:
    """Column names of one kind: its fields in declaration order, nested models as 'costs.licence'."""
    names: list[str] = []
    for name, info in model_type.model_fields.items():
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            names.extend(f"{name}.{sub}" for sub in nested.model_fields)
        else:
            names.append(name)
    return names


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if all(isinstance(v, str | int | float) for v in value):
            return "; ".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def rows(objects: Iterable[ModelObject], names: list[str]) -> Iterable[list[str]]:
    """One list of safe cells per object, in the order of `names`."""
    for obj in objects:
        data = obj.model_dump(mode="json")
        row = []
        for name in names:
            top, _, sub = name.partition(".")
            value = data.get(top)
            if sub:
                value = value.get(sub) if isinstance(value, dict) else None
            row.append(safe_cell(_cell(value)))
        yield row


def write_csv(model: PlantModel, kind: str, path: Path) -> int:
    """Write one kind ('systems', 'assets' or 'flows') as CSV with a header; returns the row count."""
    names = columns(CSV_KINDS[kind])
    count = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for row in rows(getattr(model, kind), names):
            writer.writerow(row)
            count += 1
    return count


def write_csv_dir(model: PlantModel, directory: Path) -> dict[str, int]:
    """Write systems.csv, assets.csv and flows.csv into a directory; returns rows written per file."""
    directory.mkdir(parents=True, exist_ok=True)
    return {f"{kind}.csv": write_csv(model, kind, directory / f"{kind}.csv") for kind in CSV_KINDS}
