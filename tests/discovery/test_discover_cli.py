"""`plantarch discover pcap|zeek` as a user runs it: JSON contract and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pcap_packets import modbus_request, modbus_response, pcap_bytes, tcp_session, write

FRAMES = tcp_session("10.0.0.5", "10.0.0.10", 50000, 502, [modbus_request()], [modbus_response()])


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the plantarch command line in a fresh process, as a user would."""
    code = "from plantarch.cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_json_summary_has_the_documented_fields(tmp_path: Path) -> None:
    capture = write(tmp_path / "m.pcap", pcap_bytes(FRAMES))
    result = run("discover", "pcap", str(capture), "--format", "json", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["packets"] == 5 and doc["bytes"] == sum(len(f) for f in FRAMES)
    host = next(h for h in doc["hosts"] if h["ip"] == "10.0.0.10")
    assert {"ip", "mac", "vendor", "names", "roles", "suggested_level", "level_reasons"} <= set(host)
    assert host["roles"] == ["modbus-slave"] and host["suggested_level"] == 1.0
    (flow,) = doc["flows"]
    fields = ("src", "dst", "transport", "port", "protocol", "packets")
    assert [flow[k] for k in fields] == ["10.0.0.5", "10.0.0.10", "tcp", 502, "modbus", 5]
    assert flow["first_seen"].startswith("2023-11-14T22:13:20")


def test_text_output_summarises_a_large_capture(tmp_path: Path) -> None:
    """A terminal user sees hosts in address order, a per-protocol summary and the largest flows, not
    every one of thousands of flows."""
    frames = []
    for i in range(40):  # 40 Modbus clients (hosts .2 to .41) of one server (.100), growing in size
        requests = [modbus_request(t) for t in range(1 + i % 5)]
        responses = [modbus_response(t) for t in range(1 + i % 5)]
        frames += tcp_session(f"10.0.0.{i + 2}", "10.0.0.100", 40000 + i, 502, requests, responses)
    capture = write(tmp_path / "many.pcap", pcap_bytes(frames))
    result = run(
        "discover", "pcap", str(capture), "--dry-run", "--workspace", str(tmp_path / "ws"), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Protocols" in out and "Flows (the 25 largest by bytes)" in out
    assert "and 15 more flows: --format json lists every flow" in out
    ips = [line.split()[1] for line in out.splitlines() if line.startswith("│ 10.0.0.")]
    hosts = ips[: ips.index("10.0.0.100") + 1]
    assert hosts == [f"10.0.0.{i}" for i in range(2, 42)] + ["10.0.0.100"]  # numeric, not text, order
    modbus = next(line for line in out.splitlines() if line.startswith("│ modbus"))
    assert [cell.strip() for cell in modbus.split("│")][2:4] == ["40", "41"]  # 40 flows between 41 hosts


def test_truncated_capture_prints_what_was_kept_and_exits_3(tmp_path: Path) -> None:
    data = pcap_bytes(FRAMES)
    capture = write(tmp_path / "t.pcap", data[:-10])
    result = run("discover", "pcap", str(capture), "--format", "json", "--dry-run", cwd=tmp_path)
    assert result.returncode == 3
    assert json.loads(result.stdout)["packets"] == 4
    assert "byte offset" in result.stderr and "Traceback" not in result.stderr


def test_bad_input_exits_2_with_the_file_named(tmp_path: Path) -> None:
    bogus = write(tmp_path / "notes.pcap", b"just some text")
    result = run("discover", "pcap", str(bogus), "--dry-run", cwd=tmp_path)
    assert result.returncode == 2
    assert "notes.pcap" in result.stderr and "offset 0" in result.stderr
    missing = run("discover", "pcap", str(tmp_path / "nope.pcap"), "--dry-run", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.pcap" in missing.stderr


def test_discover_zeek_json(shared_data: Path, tmp_path: Path) -> None:
    result = run("discover", "zeek", str(shared_data / "zeek/icsnpp-dnp3"), "--format", "json", "--dry-run",
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    roles = {h["ip"]: h["roles"] for h in doc["hosts"]}
    assert roles == {"10.10.20.5": ["dnp3-master"], "10.10.20.8": ["dnp3-outstation"]}
