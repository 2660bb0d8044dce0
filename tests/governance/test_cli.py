"""The governance and serve commands end to end on a workspace: propose, vote, approve, tokens, serve."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner, Result

from governance.plant import small_plant, vision_proposal
from plantarch.cli.app import app
from plantarch.governance import NotPermitted
from plantarch.store import open_store
from served import free_port

PLANTARCH = str(Path(sys.executable).with_name("plantarch"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace holding the small plant, and a proposal file beside it."""
    with open_store(workspace=tmp_path / "ws") as store, store.change(author="seed") as cs:
        cs.put_many(obj for _, obj in small_plant().all_objects())
    with (tmp_path / "vision.yaml").open("w") as out:
        YAML().dump(vision_proposal(risk="high"), out)
    return tmp_path / "ws"


def run(workspace: Path, *args: str) -> Result:
    return CliRunner().invoke(app, [*args, "--workspace", str(workspace)])


def test_propose_vote_approve_and_read_the_decision(workspace: Path) -> None:
    proposed = run(
        workspace, "propose", str(workspace.parent / "vision.yaml"), "--as", "ann", "--format", "json"
    )
    assert proposed.exit_code == 0, proposed.output
    record = json.loads(proposed.output)
    assert record["state"] == "in-review" and record["review"]["verdict"] == "approve-with-conditions"
    pid = str(record["id"])
    shown = run(workspace, "review", pid)
    assert "verdict: approve-with-conditions" in shown.output and "quality-management" in shown.output
    assert run(workspace, "vote", pid, "approve", "--as", "rob").exit_code == 0
    assert run(workspace, "comment", pid, "Fine by OT security", "--as", "rob").exit_code == 0
    own = run(workspace, "approve", pid, "--as", "ann")
    assert isinstance(own.exception, NotPermitted)
    approved = run(
        workspace, "approve", pid, "--as", "rita", "--condition", "broker by Q3", "--format", "json"
    )
    assert approved.exit_code == 0, approved.output
    assert json.loads(approved.output)["revision"] == 2
    decisions = run(workspace, "decisions")
    assert "## Conditions" in decisions.output and "- broker by Q3" in decisions.output
    queue = run(workspace, "proposals", "--format", "json")
    assert json.loads(queue.output)["items"][0]["state"] == "approved-with-conditions"
    with open_store(workspace=workspace) as store:
        assert store.get("system", "vision-1") is not None


def test_a_bad_proposal_file_exits_2_naming_file_line_and_field(workspace: Path) -> None:
    bad = workspace.parent / "bad.yaml"
    bad.write_text("title: Broken\nsystems:\n  - key: x\n    name: X\n    kind: spaceship\n")
    done = subprocess.run(
        [PLANTARCH, "propose", str(bad), "--workspace", str(workspace)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "bad.yaml, line 5, field 'systems.0.kind'" in done.stderr


def test_tokens_are_printed_once_listed_without_secret_and_revoked(workspace: Path) -> None:
    created = run(workspace, "token", "create", "ada", "--role", "admin", "--format", "json")
    token = json.loads(created.output)["token"]
    assert token.startswith("pat_")
    listed = run(workspace, "token", "list")
    assert "ada" in listed.output and token not in listed.output
    assert run(workspace, "token", "revoke", "1").exit_code == 0
    assert "ada" not in run(workspace, "token", "list").output


def test_serve_refuses_a_public_address_without_tokens(workspace: Path) -> None:
    done = subprocess.run(
        [PLANTARCH, "serve", "--host", "0.0.0.0", "--workspace", str(workspace)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "refusing to serve on 0.0.0.0 without authentication" in done.stderr


def test_serve_answers_on_loopback_and_requires_the_token_once_one_exists(workspace: Path) -> None:
    import time

    import httpx

    token = json.loads(run(workspace, "token", "create", "vera", "--format", "json").output)["token"]
    port = free_port()
    server = subprocess.Popen(
        [PLANTARCH, "serve", "--port", str(port), "--workspace", str(workspace), "--no-access-log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                httpx.get(f"{url}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.25)
        assert httpx.get(f"{url}/api/systems").status_code == 401
        answer = httpx.get(f"{url}/api/systems", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json()["total"] == 4
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_titles_with_brackets_print_as_written(workspace: Path) -> None:
    path = workspace.parent / "urgent.yaml"
    with path.open("w") as out:
        YAML().dump(vision_proposal(title="[urgent] Vision [/bold] inspection"), out)
    proposed = run(workspace, "propose", str(path), "--as", "ann")
    assert proposed.exit_code == 0, proposed.output
    assert "[urgent] Vision [/bold] inspection" in proposed.output
    assert "[urgent] Vision" in run(workspace, "proposals").output
