"""The example files the README's tour uses still work against the demo plant."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from plantarch.cli.app import app
from plantarch.demo.plant_model import demo_plant_dir

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_line1_historian_proposal_is_reviewed_with_its_overlap(tmp_path: Path) -> None:
    runner = CliRunner()
    workspace = ["--workspace", str(tmp_path / "ws")]
    imported = runner.invoke(app, ["import", "model", str(demo_plant_dir()), *workspace])
    assert imported.exit_code == 0, imported.output
    proposed = runner.invoke(
        app,
        ["propose", str(EXAMPLES / "proposal-line1-historian.yaml"), "--format", "json", *workspace],
    )
    assert proposed.exit_code == 0, proposed.output
    review = json.loads(proposed.output)
    text = json.dumps(review)
    # the site historians already serve process-historian: the review must say so and not approve outright
    assert "hist-pi-site" in text and "process-historian" in text
    assert "approve-with-conditions" in text
