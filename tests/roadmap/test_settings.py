"""Roadmap settings: defaults, partial files, and errors that name the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantarch.errors import InputError
from plantarch.roadmap import RoadmapSettings, load_settings


def test_no_file_gives_documented_defaults() -> None:
    settings = load_settings(None)
    assert settings == RoadmapSettings()
    assert settings.discount_rate == 0.08 and settings.horizon_years == 5


def test_partial_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("discount_rate: 0.1\ntechnical_weights:\n  lifecycle: 1\n", encoding="utf-8")
    settings = load_settings(path)
    assert settings.discount_rate == 0.1
    assert settings.technical_weights.lifecycle == 1 and settings.technical_weights.findings == 0.2
    assert settings.migration_cost_per_interface == RoadmapSettings().migration_cost_per_interface


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("horizon_years: 5\ndiscount_rat: 0.1\n", 2, "discount_rat"),
        ("horizon_years: 5\ndiscount_rate: lots\n", 2, "discount_rate"),
        ("technical_weights:\n  lifecycle: 1\n  speed: 2\n", 3, "technical_weights.speed"),
    ],
)
def test_bad_setting_names_file_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_settings(path)
    error = raised.value
    assert (error.file, error.line, error.field) == (str(path), line, field)
    assert error.exit_code == 2


def test_broken_yaml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("discount_rate: [0.1\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_settings(path)
    with pytest.raises(InputError, match="cannot read"):
        load_settings(tmp_path / "missing.yaml")
