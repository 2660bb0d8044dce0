"""Run the plantarch command line in a fresh process, as a user would (exit codes, stdout, stderr)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """plantarch ARGS in `cwd`; PLANTARCH_AUTHOR is 'tester' unless `env` says otherwise."""
    code = "from plantarch.cli.app import main; main()"
    environment = {**os.environ, "PLANTARCH_AUTHOR": "tester", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
    )


@dataclass
class Outcome:
    """Exit code and output of an in-process CLI run."""

    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str, cwd: Path) -> Outcome:
    """plantarch ARGS in this process (faster than run_cli; same main(), exit codes and output)."""
    from plantarch.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    previous, argv, saved = Path.cwd(), sys.argv, dict(os.environ)
    code = 0
    try:
        os.environ.update({"PLANTARCH_AUTHOR": "tester", "COLUMNS": "200"})
        os.chdir(cwd)
        sys.argv = ["plantarch", *args]
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        os.chdir(previous)
        sys.argv = argv
        os.environ.clear()
        os.environ.update(saved)
    return Outcome(code, out.getvalue(), err.getvalue())
