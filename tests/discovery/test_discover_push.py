"""`plantarch discover pcap|zeek|nmap --push URL` against a real server: the site sends observations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pcap_packets import modbus_request, modbus_response, pcap_bytes, tcp_session, write

from plantarch.api.app import create_app
from plantarch.api.auth import create_token
from plantarch.api.settings import ApiSettings
from plantarch.cli.push import push_batch
from plantarch.discovery.observation import FlowObservation, ObservationBatch
from plantarch.errors import InputError
from plantarch.model.base import Provenance
from plantarch.store import Store, open_store
from served import free_port, served

FRAMES = tcp_session("10.8.0.5", "10.8.0.10", 50000, 502, [modbus_request()], [modbus_response()])
NMAP_XML = """<?xml version="1.0"?>
<nmaprun scanner="nmap" args="nmap -sV 10.8.0.0/24" start="1700000000" version="7.94">
<host starttime="1700000000" endtime="1700000001"><status state="up"/>
<address addr="10.8.0.30" addrtype="ipv4"/>
<ports><port protocol="tcp" portid="102"><state state="open"/><service name="iso-tsap"/></port></ports>
</host><runstats><finished time="1700000001"/></runstats></nmaprun>
"""


@dataclass
class Server:
    """A plantarch server on a local port: its address, store and a token per role."""

    url: str
    store: Store
    tokens: dict[str, str]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A real uvicorn server in a thread over a fresh SQLite workspace, tokens required."""
    store = open_store(workspace=tmp_path / "central")
    tokens = {role: create_token(store, f"site-{role}", role)[1] for role in ("viewer", "editor")}
    app = create_app(store, ApiSettings(token_cache_seconds=0))
    with served(app) as url:
        yield Server(url, store, tokens)
    store.close()


def run(*args: str, cwd: Path, token: str | None = None) -> subprocess.CompletedProcess[str]:
    """The plantarch command line in a fresh process; `token` goes in $PLANTARCH_TOKEN."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANTARCH_")}
    if token is not None:
        env["PLANTARCH_TOKEN"] = token
    code = "from plantarch.cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=120, env=env
    )


def test_a_pushed_capture_lands_on_the_server_not_in_a_local_workspace(
    server: Server, tmp_path: Path
) -> None:
    capture = write(tmp_path / "line1.pcap", pcap_bytes(FRAMES))
    editor = server.tokens["editor"]
    first = run("discover", "pcap", str(capture), "--push", server.url, "--token", editor, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"pushed to {server.url}/api/observations: revision 1" in first.stdout
    assert not (tmp_path / ".plantarch").exists(), "--push must not write a local workspace"
    flow = server.store.get("flow", "obs:10.8.0.5:10.8.0.10:tcp:502")
    assert flow is not None and flow.protocol == "modbus"
    assert [p.reference for p in flow.provenance] == [str(capture)]
    assert server.store.history()[0].author == "site-editor"

    again = run("discover", "pcap", str(capture), "--push", server.url, "--format", "json", cwd=tmp_path,
                token=editor)  # fmt: skip
    assert again.returncode == 0, again.stderr
    doc = json.loads(again.stdout)
    assert doc["result"]["revision"] is None and doc["result"]["pushed_to"].endswith("/api/observations")
    assert doc["flows"][0]["protocol"] == "modbus"


def test_zeek_logs_and_nmap_scans_are_pushed_too(server: Server, tmp_path: Path, shared_data: Path) -> None:
    editor = server.tokens["editor"]
    zeek = run("discover", "zeek", str(shared_data / "zeek/icsnpp-dnp3"), "--push", server.url, cwd=tmp_path,
               token=editor)  # fmt: skip
    assert zeek.returncode == 0, zeek.stderr
    assert server.store.get("asset", "10.10.20.8") is not None
    scan = tmp_path / "scan.xml"
    scan.write_text(NMAP_XML)
    nmap = run("discover", "nmap", str(scan), "--push", f"{server.url}/", "--format", "json", cwd=tmp_path,
               token=editor)  # fmt: skip
    assert nmap.returncode == 0, nmap.stderr
    (result,) = json.loads(nmap.stdout)["results"]
    assert result["created"]["asset"] == ["10.8.0.30"]
    assert not (tmp_path / ".plantarch").exists()


def test_refusals_are_clear_and_exit_2(server: Server, tmp_path: Path) -> None:
    capture = write(tmp_path / "line1.pcap", pcap_bytes(FRAMES))
    push = ("discover", "pcap", str(capture), "--push", server.url)
    viewer = run(*push, cwd=tmp_path, token=server.tokens["viewer"])
    assert viewer.returncode == 2
    assert "answered 403" in viewer.stderr and "editor role" in viewer.stderr
    missing = run(*push, cwd=tmp_path)
    assert (
        missing.returncode == 2 and "answered 401" in missing.stderr and "PLANTARCH_TOKEN" in missing.stderr
    )
    wrong = run(*push, "--token", "pat_wrong", cwd=tmp_path)
    assert wrong.returncode == 2 and "invalid or revoked token" in wrong.stderr
    nobody = f"http://127.0.0.1:{free_port()}"
    refused = run("discover", "pcap", str(capture), "--push", nobody, cwd=tmp_path, token="pat_x")
    assert refused.returncode == 2 and f"cannot push to {nobody}/api/observations" in refused.stderr
    both = run(*push, "--workspace", str(tmp_path / "ws"), cwd=tmp_path, token=server.tokens["editor"])
    assert both.returncode == 2 and "--workspace" in both.stderr
    assert server.store.revision == 0
    assert not (tmp_path / ".plantarch").exists() and not (tmp_path / "ws").exists()


def test_the_servers_422_message_is_shown(server: Server) -> None:
    batch = ObservationBatch(provenance=Provenance(source="pcap", reference="x.pcap"))
    batch.flows.append(
        FlowObservation.model_construct(src="10.8.0.1", dst="10.8.0.2", transport="tcp", port=70000)
    )
    with pytest.raises(InputError, match=r"answered 422: body\.flows\.0\.port: .*65535"):
        push_batch(server.url, batch, server.tokens["editor"])
