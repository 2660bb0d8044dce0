"""CycloneDX 1.6: services with trust zones and data flows, validated by cyclonedx-python-lib."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from plantarch.interchange.cyclonedx import (
    cyclonedx_document,
    cyclonedx_json,
    validate_cyclonedx,
    write_cyclonedx,
)
from plantarch.model import PlantModel


def test_export_is_valid_cyclonedx_1_6(plant: PlantModel, tmp_path: Path) -> None:
    path = tmp_path / "plant.cdx.json"
    write_cyclonedx(plant, path)
    text = path.read_text(encoding="utf-8")
    assert validate_cyclonedx(text) == []
    doc = json.loads(text)
    assert doc["specVersion"] == "1.6"
    assert len(doc["services"]) == len(plant.systems)
    assert {c["type"] for c in doc["components"]} == {"device"}


def test_services_carry_trust_zone_and_data_flows(plant: PlantModel) -> None:
    doc = json.loads(cyclonedx_json(plant))
    serial = doc["serialNumber"].removeprefix("urn:uuid:")
    mes = next(s for s in doc["services"] if s["bom-ref"] == "system:mes")
    assert mes["trustZone"] == "Site operations"
    assert mes["x-trust-boundary"] is True  # talks to the ERP in the enterprise zone
    inbound = next(d for d in mes["data"] if d["flow"] == "inbound")
    assert inbound["classification"] == "production-schedule"
    assert inbound["source"] == [f"urn:cdx:{serial}/1#system%3Aerp"]
    props = {p["name"]: p["value"] for p in mes["properties"]}
    assert props["plantarch:purdue_level"] == "3.0"
    assert props["plantarch:criticality"] == "critical"
    hosted = next(d for d in doc["dependencies"] if d["ref"] == "system:mes")
    assert hosted["dependsOn"] == ["asset:srv-mes"]


def test_validator_rejects_a_bad_flow_direction(plant: PlantModel) -> None:
    text = cyclonedx_json(plant).replace('"inbound"', '"sideways"', 1)
    assert validate_cyclonedx(text)


def test_same_model_gives_the_same_serial_number(plant: PlantModel) -> None:
    first = json.loads(cyclonedx_json(plant))["serialNumber"]
    assert json.loads(cyclonedx_json(plant))["serialNumber"] == first
    plant.systems[0].name = "renamed"
    assert json.loads(cyclonedx_json(plant))["serialNumber"] != first


def test_streamed_file_equals_the_document(plant: PlantModel, tmp_path: Path) -> None:
    when = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    path = tmp_path / "plant.cdx.json"
    write_cyclonedx(plant, path, timestamp=when)
    assert json.loads(path.read_text(encoding="utf-8")) == cyclonedx_document(plant, timestamp=when)
    empty = tmp_path / "empty.cdx.json"
    write_cyclonedx(PlantModel(), empty)
    assert validate_cyclonedx(empty.read_text(encoding="utf-8")) == []
