"""The CLI starts and lists its command groups."""

from typer.testing import CliRunner

from plantarch.cli.app import app


def test_help_lists_command_groups() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for group in ("import", "export", "discover"):
        assert group in result.output
