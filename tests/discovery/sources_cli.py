"""Run the plantarch command line in a fresh process, as a user would (exit codes, stdout, stderr)."""

from __future__ import annotations

import os
import subprocess
import sys
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
