"""POST /api/observations: a site pushes what its discovery observed (a batch), not the capture itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.conftest import Api
from discovery.pcap_packets import modbus_request, modbus_response, pcap_bytes, tcp_session
from plantarch.discovery.pcap.source import discover_pcap


def capture_batch(tmp_path: Path) -> dict[str, Any]:
    """The batch JSON `discover pcap` makes of a small capture: HMI 10.9.0.10 polls PLC 10.9.0.20 (Modbus)."""
    frames = tcp_session(
        "10.9.0.10", "10.9.0.20", 40000, 502, [modbus_request(i) for i in range(3)],
        [modbus_response(i) for i in range(3)],
    )  # fmt: skip
    path = tmp_path / "site-a.pcap"
    path.write_bytes(pcap_bytes(frames))
    return discover_pcap([path]).model_dump(mode="json")


def test_a_pushed_batch_becomes_observed_inventory_with_provenance(api: Api, tmp_path: Path) -> None:
    batch = capture_batch(tmp_path)
    answer = api.client.post("/api/observations", json=batch, headers=api.headers("ed"))
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["revision"] == 2
    assert result["counts"]["flow"]["created"] == 1
    flow_key = "obs:10.9.0.10:10.9.0.20:tcp:502"
    assert result["created"]["flow"] == [flow_key]
    assert {"10.9.0.10", "10.9.0.20"} <= set(result["created"]["asset"])

    plc = api.client.get("/api/assets/10.9.0.20", headers=api.headers("vera")).json()
    assert plc["roles"] == ["modbus-slave"]
    assert [(p["source"], p["reference"]) for p in plc["provenance"]] == [
        ("pcap", str(tmp_path / "site-a.pcap"))
    ]
    flow = api.client.get(f"/api/flows/{flow_key}", headers=api.headers("vera")).json()
    assert (flow["origin"], flow["protocol"], flow["packets"]) == ("observed", "modbus", 9)
    assert flow["provenance"][0]["source"] == "pcap"

    history = api.client.get("/api/history", headers=api.headers("vera")).json()
    assert history[0]["revision"] == 2
    assert history[0]["author"] == "ed"
    assert history[0]["reason"].startswith("push pcap: ")
    audit = api.client.get("/api/audit", params={"by": "ed"}, headers=api.headers("rita")).json()
    assert audit, "the push is in the audit log under the token's user"


def test_pushing_the_same_batch_again_changes_nothing(api: Api, tmp_path: Path) -> None:
    batch = capture_batch(tmp_path)
    assert api.client.post("/api/observations", json=batch, headers=api.headers("ed")).status_code == 200
    again = api.client.post("/api/observations", json=batch, headers=api.headers("ann"))
    assert again.status_code == 200, again.text
    assert again.json()["revision"] is None
    assert again.json()["created"] == {} and again.json()["updated"] == {}
    assert len(api.client.get("/api/history", headers=api.headers("vera")).json()) == 2


def test_a_viewer_may_not_push(api: Api, tmp_path: Path) -> None:
    answer = api.client.post("/api/observations", json=capture_batch(tmp_path), headers=api.headers("vera"))
    assert answer.status_code == 403
    assert api.client.post("/api/observations", json=capture_batch(tmp_path)).status_code == 401
    assert len(api.client.get("/api/history", headers=api.headers("vera")).json()) == 1


def test_a_malformed_batch_is_422_with_the_field_location(api: Api, tmp_path: Path) -> None:
    batch = capture_batch(tmp_path)
    batch["flows"][0]["port"] = "not a port"
    answer = api.client.post("/api/observations", json=batch, headers=api.headers("ed"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "flows", 0, "port"]
    batch["flows"][0]["port"] = 70000  # a stored flow's port is 0-65535: refused before reconcile
    answer = api.client.post("/api/observations", json=batch, headers=api.headers("ed"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "flows", 0, "port"]

    # what `discover pcap --format json` prints is a report, not a batch: no provenance, extra fields
    report = {"packets": 9, "hosts": batch["hosts"], "flows": [], "dry_run": True}
    answer = api.client.post("/api/observations", json=report, headers=api.headers("ed"))
    assert answer.status_code == 422
    locations = {tuple(d["loc"]) for d in answer.json()["detail"]}
    assert ("body", "provenance") in locations and ("body", "packets") in locations

    batch = capture_batch(tmp_path)
    batch["hosts"][0]["names"] = ["plc\x00one"]  # PostgreSQL text cannot hold NUL: refused, not a 500
    answer = api.client.post("/api/observations", json=batch, headers=api.headers("ed"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "hosts", 0, "names", 0]

    for field, wrong in (("ip", "not-an-ip"), ("mac", "00:11:22")):  # would become assets keyed "asset"
        batch = capture_batch(tmp_path)
        batch["hosts"][0][field] = wrong
        answer = api.client.post("/api/observations", json=batch, headers=api.headers("ed"))
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["body", "hosts", 0, field]

    answer = api.client.post(
        "/api/observations",
        content=b"{not json",
        headers={**api.headers("ed"), "content-type": "application/json"},
    )
    assert answer.status_code == 422
    assert len(api.client.get("/api/history", headers=api.headers("vera")).json()) == 1
