"""Inventory through the API: filtered, paged lists, get, create, update, delete, each audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.conftest import Api
from plantarch.api.schemas import page_schema
from plantarch.model import OBJECT_TYPES, PLURALS, Asset
from plantarch.model.base import FieldSource, Provenance


def test_lists_use_the_shared_filters_and_pages(api: Api) -> None:
    answer = api.client.get("/api/systems", params={"zone": "operations"}, headers=api.headers("vera")).json()
    assert [s["key"] for s in answer["items"]] == ["mes", "qms"]
    assert answer["total"] == 2
    page = api.client.get(
        "/api/systems", params={"limit": 1, "offset": 1}, headers=api.headers("vera")
    ).json()
    assert [s["key"] for s in page["items"]] == ["mes"] and page["total"] == 4
    by_capability = api.client.get(
        "/api/systems", params={"capability": "quality-management"}, headers=api.headers("vera")
    )
    assert [s["key"] for s in by_capability.json()["items"]] == ["qms"]
    flows = api.client.get("/api/flows", params={"endpoint": "plc-1"}, headers=api.headers("vera")).json()
    assert [f["key"] for f in flows["items"]] == ["mes-plc-1"]
    bad = api.client.get("/api/systems", params={"purdue_level": "high"}, headers=api.headers("vera"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "purdue_level"]
    # found by schemathesis: a port beyond 64 bits used to reach the database and answer 500
    huge = api.client.get("/api/flows", params={"port": str(2**63)}, headers=api.headers("vera"))
    assert huge.status_code == 422 and huge.json()["detail"][0]["loc"] == ["query", "port"]


def test_reads_answer_exactly_the_documented_models_json(api: Api) -> None:
    """Get and list answer from the stored documents; the bytes are what the response models give
    (defaults filled in, nested ones too), for every inventory kind on both databases."""
    with api.store.change(author="t") as cs:
        cs.put(
            Asset(
                key="hmi-9",
                name="HMI 9 \u00e9",
                ips=["10.9.9.9"],
                identity={"station": "hmi-9"},
                provenance=[Provenance(source="nmap", observed_at="2026-11-01T10:00:00Z")],
                field_sources=[FieldSource(field="vendor", value={"x": [1, 2.5]}, source="nmap")],
            )
        )
    for plural in ("systems", "assets", "flows", "zones", "conduits", "locations", "capabilities"):
        kind = next(k for k, p in PLURALS.items() if p == plural)
        objects = api.store.list(kind)
        assert objects, plural
        page = api.client.get(f"/api/{plural}", params={"limit": 3, "offset": 1}, headers=api.headers("vera"))
        expected = page_schema(OBJECT_TYPES[kind])(items=objects[1:4], total=len(objects), limit=3, offset=1)
        assert page.status_code == 200 and page.headers["content-type"] == "application/json"
        assert page.content == expected.model_dump_json().encode()
        for obj in objects[:4]:
            one = api.client.get(f"/api/{plural}/{obj.key}", headers=api.headers("vera"))
            assert one.status_code == 200 and one.headers["content-type"] == "application/json"
            assert one.content == obj.model_dump_json().encode()
    missing = api.client.get("/api/assets/nope", headers=api.headers("vera"))
    assert missing.status_code == 404 and missing.json() == {"detail": "no asset 'nope'"}


def test_create_update_delete_are_change_sets_with_audit_records(api: Api) -> None:
    body = {"key": "edge-1", "name": "Edge gateway", "kind": "edge-gateway", "zone": "cell-1"}
    assert api.client.post("/api/systems", json=body, headers=api.headers("ed")).json() == {"revision": 2}
    assert api.client.post("/api/systems", json=body, headers=api.headers("ed")).status_code == 409
    changed = api.client.patch("/api/systems/edge-1", json={"criticality": "high"}, headers=api.headers("ed"))
    assert changed.json()["criticality"] == "high"
    assert api.client.delete("/api/systems/edge-1", headers=api.headers("ed")).status_code == 204
    assert api.client.get("/api/systems/edge-1", headers=api.headers("vera")).status_code == 404
    assert api.client.delete("/api/systems/edge-1", headers=api.headers("ed")).status_code == 404
    audit = api.client.get(
        "/api/audit", params={"target": "system:edge-1"}, headers=api.headers("rita")
    ).json()
    assert [(e["user"], e["action"], e["revision"]) for e in audit] == [
        ("ed", "delete", 4),
        ("ed", "update", 3),
        ("ed", "create", 2),
    ]


def test_bad_objects_and_dangling_references_get_422_with_the_field(api: Api) -> None:
    wrong = api.client.post(
        "/api/systems", json={"key": "x", "name": "x", "kind": "nope"}, headers=api.headers("ed")
    )
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "kind"]
    dangling = api.client.post(
        "/api/flows", json={"key": "f", "source": "mes", "target": "ghost"}, headers=api.headers("ed")
    )
    assert dangling.status_code == 422
    assert dangling.json()["detail"][0]["loc"] == ["body", "target"]
    level = api.client.patch("/api/systems/mes", json={"purdue_level": 7}, headers=api.headers("ed"))
    assert level.status_code == 422
    assert api.store.revision == 1


def test_a_nul_in_a_key_is_bad_input_not_a_server_error(api: Api) -> None:
    """PostgreSQL text cannot hold NUL: a key with one is refused as 422 on every back end."""
    for method, body in (("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)):
        answer = api.client.request(method, "/api/systems/a%00b", json=body, headers=api.headers("ed"))
        assert answer.status_code == 422, (method, answer.text)
        assert answer.json()["detail"][0]["loc"] == ["path", "key"]
    assert api.store.revision == 1


def test_check_reports_the_findings_of_the_current_model(api: Api) -> None:
    answer = api.client.get("/api/check", headers=api.headers("vera")).json()
    assert answer["revision"] == 1
    assert any(f["rule"] == "SEG-002" for f in answer["findings"])


def test_analyze_and_roadmap_cover_the_current_model(api: Api) -> None:
    analysis = api.client.get("/api/analyze", headers=api.headers("vera"))
    assert analysis.status_code == 200, analysis.text
    assert "redundancies" in analysis.json() and "silos" in analysis.json()
    roadmap = api.client.get("/api/roadmap", headers=api.headers("vera"))
    assert roadmap.status_code == 200, roadmap.text
    assert api.client.get("/api/roadmap").status_code == 401


def test_an_uploaded_nmap_scan_is_reconciled_into_the_inventory(api: Api, shared_data: Path) -> None:
    scans = sorted((shared_data).rglob("*.xml"))
    scan = next((p for p in scans if b"<nmaprun" in p.read_bytes()[:2000]), None)
    if scan is None:
        pytest.skip("no nmap XML in the shared data")
    with scan.open("rb") as handle:
        answer = api.client.post(
            "/api/discovery/nmap",
            files={"file": (scan.name, handle, "application/xml")},
            headers=api.headers("ed"),
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["revision"] == 2
    assert api.client.get("/api/assets", headers=api.headers("vera")).json()["total"] > 0
    assert (
        api.client.post(
            "/api/discovery/mqtt", files={"file": ("x", b"", "text/plain")}, headers=api.headers("ed")
        ).status_code
        == 422
    )


@pytest.mark.parametrize(
    ("source", "relative"),
    [("pcap", "captures/hart_ip.pcap"), ("zeek", "zeek/icsnpp-modbus/conn.log")],
)
def test_uploaded_captures_and_zeek_logs_become_observed_inventory(
    api: Api, shared_data: Path, source: str, relative: str
) -> None:
    path = shared_data / relative
    if not path.is_file():
        pytest.skip(f"{relative} not in the shared data")
    with path.open("rb") as handle:
        answer = api.client.post(
            f"/api/discovery/{source}", files={"file": (path.name, handle)}, headers=api.headers("ed")
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["revision"] == 2
    observed = api.client.get("/api/flows", params={"origin": "observed"}, headers=api.headers("vera")).json()
    assert observed["total"] > 0
    assert (
        api.client.post(
            f"/api/discovery/{source}", files={"file": (path.name, b"")}, headers=api.headers("vera")
        ).status_code
        == 403
    )
