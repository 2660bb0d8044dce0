"""Proposal files: field-level validation with the line of the offending field."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.plant import vision_proposal
from plantarch.errors import InputError
from plantarch.governance import Proposal, RiskClass, load_proposal

VALID = """\
title: Vision inspection on line 1
context: Manual inspection misses surface defects.
one_off_cost: 85000
systems:
  - key: vision-1
    name: Line 1 vision inspection
    kind: analytics
    zone: cell-1
    criticality: high
"""


def test_a_valid_file_loads_and_its_risk_follows_criticality(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(VALID)
    proposal = load_proposal(path)
    assert proposal.systems[0].key == "vision-1"
    assert proposal.risk_class == RiskClass.HIGH


def test_a_bad_field_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(VALID.replace("kind: analytics", "kind: spaceship"))
    with pytest.raises(InputError) as caught:
        load_proposal(path)
    assert caught.value.field == "systems.0.kind"
    assert caught.value.line == 7
    assert str(path) in str(caught.value)


def test_a_misspelt_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(VALID.replace("zone: cell-1", "zome: cell-1"))
    with pytest.raises(InputError, match=r"systems\.0\.zome"):
        load_proposal(path)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("title: x\nsystems: [\n  - {key: a\n")
    with pytest.raises(InputError) as caught:
        load_proposal(path)
    assert caught.value.line is not None


def test_an_empty_proposal_and_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one object"):
        Proposal(title="nothing")
    doc = vision_proposal()
    doc["assets"] = [{"key": "vision-1", "name": "camera"}]
    with pytest.raises(ValueError, match="appears twice"):
        Proposal.model_validate(doc)
