"""OPC UA: a real asyncua server in-process (plain and secure-only) and the real NodeSet2 files."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plantarch.discovery.opcua import read_nodeset_file, survey_server
from plantarch.discovery.reconcile import reconcile
from plantarch.errors import SourceUnreachable
from plantarch.model import Asset, System
from plantarch.store import Store, open_store

sys.path.insert(0, str(Path(__file__).parent))
from opcua_server import APPLICATION_URI, OpcUaServer, free_port
from sources_cli import run_cli

NODESETS = "opcua-nodesets"
MACHINERY = (
    "Opc.Ua.Di.NodeSet2.xml",
    "Opc.Ua.Machinery.NodeSet2.xml",
    "Opc.Ua.Machinery.Examples.NodeSet2.xml",
)


@pytest.fixture(scope="module")
def machinery_server(shared_data: Path) -> Iterator[OpcUaServer]:
    """A plain server carrying the DI, Machinery and Machinery example nodesets."""
    server = OpcUaServer(nodesets=[shared_data / NODESETS / name for name in MACHINERY]).start()
    yield server
    server.stop()


def _names(tree: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for entry in tree:
        found.add(entry["name"])
        found |= _names(entry.get("children", []))
    return found


def test_live_survey_reads_identity_endpoints_namespaces_and_equipment(machinery_server: OpcUaServer) -> None:
    batch = survey_server(machinery_server.url, timeout=10)

    summary = batch.summary
    assert summary["server"]["application_uri"] == APPLICATION_URI
    assert summary["build_info"]["product"] == "FreeOpcUa Python Server"
    assert [(e["security_mode"], e["security_policy"]) for e in summary["endpoints"]] == [("None", "None")]
    assert summary["insecure_endpoints"] == 1
    assert "http://opcfoundation.org/UA/Machinery/" in summary["namespaces"]
    assert summary["instances_by_model"]["Machinery"] >= 5
    assert {"ExampleMachine01", "Identification", "MachineryItemState"} <= _names(
        summary["equipment_hierarchy"]
    )
    assert "PressLine1" not in _names(summary["equipment_hierarchy"])  # no companion-spec types below it
    (system,) = batch.systems
    assert (system.kind, system.name, system.vendor) == ("opc-server", "Press Line OPC UA", "FreeOpcUa")
    (host,) = batch.hosts
    assert host.ip == "127.0.0.1"
    assert host.identity["application_uri"] == APPLICATION_URI
    assert host.services == [f"tcp/{machinery_server.port}/opcua"]


def test_depth_limits_the_browse(machinery_server: OpcUaServer) -> None:
    shallow = survey_server(machinery_server.url, depth=1, timeout=10)
    deep = survey_server(machinery_server.url, depth=6, timeout=10)
    assert shallow.summary["browsed_nodes"] < deep.summary["browsed_nodes"]
    assert "ExampleMachine01" not in _names(shallow.summary["equipment_hierarchy"])


def test_a_survey_becomes_a_server_system_on_its_host(machinery_server: OpcUaServer, store: Store) -> None:
    batch = survey_server(machinery_server.url, timeout=10)
    result = reconcile(store, batch, author="ot")

    (system_key,) = result.created["system"]
    system = store.get("system", system_key)
    assert isinstance(system, System) and system.kind == "opc-server"
    assert "companion models: Machinery" in system.description  # the summary is kept in the store
    host = store.get("asset", "127.0.0.1")
    assert isinstance(host, Asset)
    assert host.systems == [system_key]
    assert host.identity["application_uri"] == APPLICATION_URI
    assert host.declared is False
    assert reconcile(store, batch, author="ot").revision is None


def test_a_secure_only_server_is_surveyed_with_a_throwaway_certificate(tmp_path: Path) -> None:
    server = OpcUaServer(secure_only=True, workdir=tmp_path).start()
    try:
        batch = survey_server(server.url, timeout=10)
    finally:
        server.stop()

    modes = {(e["security_mode"], e["security_policy"]) for e in batch.summary["endpoints"]}
    assert modes == {("Sign", "Basic256Sha256"), ("SignAndEncrypt", "Basic256Sha256")}
    assert batch.summary["insecure_endpoints"] == 0
    assert batch.summary["session_security"] == "SignAndEncrypt Basic256Sha256"
    assert batch.summary["build_info"]["product"] == "FreeOpcUa Python Server"
    assert batch.hosts[0].identity["opcua_security"] == "Sign/Basic256Sha256, SignAndEncrypt/Basic256Sha256"
    assert not batch.warnings


def test_a_closed_port_fails_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(SourceUnreachable, match=r"cannot reach OPC UA server at opc.tcp://127.0.0.1:\d+/"):
        survey_server(f"opc.tcp://127.0.0.1:{free_port()}/", timeout=5)
    assert time.monotonic() - started < 5


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A port that accepts TCP connections and never answers (a hung server)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(sock.getsockname()[1])
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    sock.close()


def test_a_server_that_never_answers_fails_within_the_timeout(silent_listener: int) -> None:
    started = time.monotonic()
    with pytest.raises(SourceUnreachable, match="within 1 s"):
        survey_server(f"opc.tcp://127.0.0.1:{silent_listener}/", timeout=1)
    assert time.monotonic() - started < 4


def test_cli_unreachable_exits_2_writes_nothing_and_hides_credentials(tmp_path: Path) -> None:
    url = f"opc.tcp://operator:url-secret-71@127.0.0.1:{free_port()}/"
    result = run_cli(
        "discover",
        "opcua",
        url,
        "--password",
        "flag-secret-72",
        "--timeout",
        "2",
        "--workspace",
        "ws",
        cwd=tmp_path,
    )

    assert result.returncode == 2
    assert "cannot reach OPC UA server at opc.tcp://127.0.0.1:" in result.stderr
    assert "secret" not in result.stdout + result.stderr
    with open_store(workspace=tmp_path / "ws") as store:
        assert store.revision == 0


def _workspace_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


def test_credentials_are_never_stored_or_printed(machinery_server: OpcUaServer, tmp_path: Path) -> None:
    url = machinery_server.url.replace("opc.tcp://", "opc.tcp://engineer:url-secret-81@")
    result = run_cli(
        "discover",
        "opcua",
        url,
        "--username",
        "engineer",
        "--format",
        "json",
        "--workspace",
        "ws",
        cwd=tmp_path,
        env={"PLANTARCH_OPCUA_PASSWORD": "env-secret-82"},
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["result"]["counts"]["system"]["created"] == 1
    assert report["sources"][0]["reference"] == machinery_server.url
    stored = _workspace_bytes(tmp_path / "ws")
    assert stored  # the workspace holds the change set
    for secret in ("url-secret-81", "env-secret-82"):
        assert secret.encode() not in stored
        assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "namespace", "object_types"),
    [
        ("Opc.Ua.Di.NodeSet2.xml", "http://opcfoundation.org/UA/DI/", 40),
        ("Opc.Ua.Machinery.NodeSet2.xml", "http://opcfoundation.org/UA/Machinery/", 11),
        ("Opc.ISA95.NodeSet2.xml", "http://www.OPCFoundation.org/UA/2013/01/ISA95", 17),
        ("Opc.Ua.IA.NodeSet2.xml", "http://opcfoundation.org/UA/IA/", 18),
        ("Opc.Ua.Machinery.Examples.NodeSet2.xml", "http://opcfoundation.org/UA/Machinery_Example/", 2),
    ],
)
def test_nodeset_files_are_summarised(
    shared_data: Path, name: str, namespace: str, object_types: int
) -> None:
    summary = read_nodeset_file(shared_data / NODESETS / name).summary

    assert summary["namespaces"][0] == namespace
    assert summary["node_counts"]["UAObjectType"] == object_types
    assert len(summary["object_types"]) == object_types
    assert summary["models"][0]["uri"] == namespace


def test_isa95_nodeset_defines_the_equipment_types(shared_data: Path) -> None:
    summary = read_nodeset_file(shared_data / NODESETS / "Opc.ISA95.NodeSet2.xml").summary
    assert {"EquipmentType", "EquipmentClassType", "PhysicalAssetType"} <= set(summary["object_types"])


def test_machinery_example_hierarchy_names_types_from_the_required_nodesets(shared_data: Path) -> None:
    summary = read_nodeset_file(shared_data / NODESETS / "Opc.Ua.Machinery.Examples.NodeSet2.xml").summary

    (machine,) = summary["equipment_hierarchy"]
    assert (machine["name"], machine["type"]) == ("ExampleMachine01", "ExampleMachineType")
    children = {c["name"]: c for c in machine["children"]}
    assert children["Identification"]["type"] == "MachineIdentificationType"
    assert children["Identification"]["model"] == "Machinery"
    assert summary["instances_by_model"]["Machinery"] == 5


def test_cli_reads_a_nodeset_file(shared_data: Path, tmp_path: Path) -> None:
    nodeset = shared_data / NODESETS / "Opc.Ua.Machinery.Examples.NodeSet2.xml"
    result = run_cli(
        "discover", "opcua", str(nodeset), "--depth", "2", "--format", "json", "--dry-run", cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    (summary,) = json.loads(result.stdout)["summary"]
    (machine,) = summary["equipment_hierarchy"]
    assert all("children" not in child for child in machine["children"])


PLANT_NODESET = """<?xml version="1.0" encoding="utf-8"?>
<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd">
  <NamespaceUris>
    <Uri>urn:acme:dresden:equipment</Uri>
    <Uri>http://www.OPCFoundation.org/UA/2013/01/ISA95</Uri>
  </NamespaceUris>
  <Models>
    <Model ModelUri="urn:acme:dresden:equipment" Version="1.0.0">
      <RequiredModel ModelUri="http://www.OPCFoundation.org/UA/2013/01/ISA95"/>
    </Model>
  </Models>
  <Aliases><Alias Alias="Organizes">i=35</Alias><Alias Alias="HasTypeDefinition">i=40</Alias></Aliases>
  <UAObject NodeId="ns=1;i=1" BrowseName="1:Dresden">
    <References>
      <Reference ReferenceType="Organizes" IsForward="false">i=85</Reference>
      <Reference ReferenceType="HasTypeDefinition">ns=2;i=5040</Reference>
      <Reference ReferenceType="Organizes">ns=1;i=2</Reference>
    </References>
  </UAObject>
  <UAObject NodeId="ns=1;i=2" BrowseName="1:PressShop">
    <References>
      <Reference ReferenceType="HasTypeDefinition">ns=2;i=5040</Reference>
      <Reference ReferenceType="Organizes">ns=1;i=3</Reference>
    </References>
  </UAObject>
  <UAObject NodeId="ns=1;i=3" BrowseName="1:PressLine1" ParentNodeId="ns=1;i=2">
    <References><Reference ReferenceType="HasTypeDefinition">ns=2;i=5040</Reference></References>
  </UAObject>
  <UAObject NodeId="ns=1;i=4" BrowseName="1:Documentation">
    <References>
      <Reference ReferenceType="Organizes" IsForward="false">i=85</Reference>
      <Reference ReferenceType="HasTypeDefinition">i=61</Reference>
    </References>
  </UAObject>
</UANodeSet>
"""


def test_an_isa95_equipment_hierarchy_is_read_with_types_from_the_required_model(
    shared_data: Path, tmp_path: Path
) -> None:
    (tmp_path / "Opc.ISA95.NodeSet2.xml").symlink_to(shared_data / NODESETS / "Opc.ISA95.NodeSet2.xml")
    (tmp_path / "Acme.Dresden.NodeSet2.xml").write_text(PLANT_NODESET)

    summary = read_nodeset_file(tmp_path / "Acme.Dresden.NodeSet2.xml").summary

    assert summary["instances_by_model"] == {"ISA-95": 3, "other": 1}
    (site,) = summary["equipment_hierarchy"]  # the plain folder holds no equipment and is left out
    assert (site["name"], site["type"], site["model"]) == ("Dresden", "EquipmentType", "ISA-95")
    (area,) = site["children"]
    assert area["name"] == "PressShop"
    assert [line["name"] for line in area["children"]] == ["PressLine1"]
