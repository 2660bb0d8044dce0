"""The CLI starts and lists its command groups."""

import subprocess
import sys

from typer.testing import CliRunner

from plantarch.cli.app import app


def test_help_lists_command_groups() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for group in ("import", "export", "discover"):
        assert group in result.output


def _registered() -> dict[str, str]:
    """Every command of the whole app, as `COMMANDS` names it, with the module that defines it."""
    from plantarch.cli.app import SHARED_GROUPS

    found = {c.name or "": c.callback.__module__ for c in app.registered_commands if c.callback}
    for group in app.registered_groups:
        commands = group.typer_instance.registered_commands
        modules = {c.callback.__module__ for c in commands if c.callback}
        if group.name in SHARED_GROUPS:
            found |= {f"{group.name} {c.name}": c.callback.__module__ for c in commands if c.callback}
        else:  # a group of one module's own (token): the group name is the command
            assert len(modules) == 1, group.name
            found[group.name or ""] = modules.pop()
    return found


def test_the_command_table_names_the_module_of_every_command() -> None:
    from plantarch.cli.app import COMMANDS

    assert {name: f"plantarch.cli.{module}" for name, module in COMMANDS.items()} == _registered()


def test_a_command_line_loads_only_its_command_module() -> None:
    from plantarch.cli.app import COMMAND_MODULES, modules_for

    assert modules_for(["discover", "pcap", "x.pcap"]) == ("plantarch.cli.discover",)
    assert modules_for(["--workspace", "show", "discover", "zeek", "logs/"]) == ("plantarch.cli.discover",)
    assert modules_for(["--database=postgresql://h/p", "show", "system"]) == ("plantarch.cli.workspace",)
    assert modules_for(["token", "create", "--role", "viewer"]) == ("plantarch.cli.serve",)
    assert modules_for(["discover", "pcap", "--help"]) == ("plantarch.cli.discover",)
    unknown_or_help = ([], ["--help"], ["discover"], ["discover", "-h"], ["frobnicate"], ["discover", "x"])
    for argv in unknown_or_help:
        assert modules_for(argv) == COMMAND_MODULES


def test_discover_pcap_starts_without_the_api_or_the_rule_engine() -> None:
    """`plantarch discover pcap` imports neither FastAPI nor CEL nor netaddr (~1 CPU s of start-up)."""
    code = (
        "import sys; sys.argv = ['plantarch', 'discover', 'pcap', '--help']\n"
        "from plantarch.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('fastapi', 'celpy', 'netaddr', 'plantarch.api') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pcap" in out.stdout and out.stdout.strip().endswith("[]")
