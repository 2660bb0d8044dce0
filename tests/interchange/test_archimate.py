"""ArchiMate exchange: the export validates against the Open Group schemas and reads back equal."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from plantarch.errors import InputError
from plantarch.interchange.archimate import (
    NS,
    archimate_document,
    to_bytes,
    validate_archimate,
    write_archimate,
)
from plantarch.interchange.archimate_import import import_archimate, read_archimate
from plantarch.model import Flow, PlantModel, System

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def test_export_validates_against_the_open_group_schemas(plant: PlantModel, archimate_xsd: Path) -> None:
    data = to_bytes(archimate_document(plant))
    assert validate_archimate(data, archimate_xsd) == []


def test_validation_reports_a_broken_document(plant: PlantModel, archimate_xsd: Path) -> None:
    root = archimate_document(plant)
    element = root.find(f"{{{NS}}}elements/{{{NS}}}element")
    assert element is not None
    element.set(XSI_TYPE, "Spaceship")
    errors = validate_archimate(to_bytes(root), archimate_xsd)
    assert errors and "Spaceship" in errors[0]


def test_round_trip_gives_back_the_same_model(plant: PlantModel, tmp_path: Path) -> None:
    path = tmp_path / "plant.xml"
    write_archimate(plant, path)
    result = import_archimate(path)
    assert result.warnings == []
    assert result.model == plant


def test_elements_are_typed_by_kind_and_carry_plant_properties(plant: PlantModel) -> None:
    root = archimate_document(plant)
    names = {
        pd.get("identifier"): pd.findtext(f"{{{NS}}}name") for pd in root.iter(f"{{{NS}}}propertyDefinition")
    }
    by_name = {el.findtext(f"{{{NS}}}name"): el for el in root.iter(f"{{{NS}}}element")}
    assert by_name["SAP S/4 ERP"].get(XSI_TYPE) == "ApplicationComponent"
    assert by_name["Filler PLC"].get(XSI_TYPE) == "Device"
    assert by_name["UNS broker"].get(XSI_TYPE) == "SystemSoftware"
    assert by_name["Data collection"].get(XSI_TYPE) == "Capability"
    assert by_name["Industrial DMZ"].get(XSI_TYPE) == "Grouping"
    assert by_name["IT to DMZ"].get(XSI_TYPE) == "CommunicationNetwork"
    assert by_name["Lyon plant"].get(XSI_TYPE) == "Location"
    props = {
        names[p.get("propertyDefinitionRef")]: p.findtext(f"{{{NS}}}value")
        for p in by_name["SAP S/4 ERP"].iter(f"{{{NS}}}property")
    }
    assert props["purdue_level"] == "4.0"
    assert props["zone"] == "enterprise"
    assert props["criticality"] == "high"
    assert props["costs.licence"] == "250000.0"
    assert props["lifecycle.end_of_support"] == "2030-12-31"
    flows = [r for r in root.iter(f"{{{NS}}}relationship") if r.get(XSI_TYPE) == "Flow"]
    assert len(flows) == len(plant.flows)
    assert any(r.get(XSI_TYPE) == "Realization" for r in root.iter(f"{{{NS}}}relationship"))


def test_views_draw_purdue_bands_and_zones(plant: PlantModel) -> None:
    root = archimate_document(plant)
    views = {v.findtext(f"{{{NS}}}name"): v for v in root.iter(f"{{{NS}}}view")}
    assert set(views) == {"Purdue levels", "Zones and conduits"}
    purdue = views["Purdue levels"]
    bands = [n.findtext(f"{{{NS}}}label") for n in purdue.findall(f"{{{NS}}}node")]
    assert bands == [
        "Level 4 · Business planning and logistics",
        "Level 3.5 · Industrial DMZ",
        "Level 3 · Site operations",
        "Level 2 · Area supervisory control",
        "Level 1 · Basic control",
    ]
    ys = [int(n.get("y", "0")) for n in purdue.findall(f"{{{NS}}}node")]
    assert ys == sorted(ys)  # bands run top to bottom in level order
    assert len(purdue.findall(f"{{{NS}}}connection")) == 7  # every flow between drawn systems
    zones = views["Zones and conduits"]
    assert len(zones.findall(f"{{{NS}}}connection")) >= 2 * len(plant.conduits)


def test_text_xml_cannot_carry_is_replaced_not_fatal(tmp_path: Path) -> None:
    model = PlantModel(systems=[System(key="s1", name="bell\x07 and tab\t", kind="mes")])
    path = tmp_path / "m.xml"
    write_archimate(model, path)
    assert read_archimate(path).systems[0].name == "bell\ufffd and tab\t"


def test_hand_drawn_archi_model_is_mapped_by_type(tmp_path: Path) -> None:
    path = tmp_path / "archi.xml"
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m1">
  <name>Drawn in Archi</name>
  <elements>
    <element identifier="e1" xsi:type="ApplicationComponent"><name>Line MES</name></element>
    <element identifier="e2" xsi:type="Device"><name>Press PLC</name></element>
    <element identifier="e3" xsi:type="Grouping"><name>Cell zone</name></element>
    <element identifier="e4" xsi:type="Location"><name>Plant West</name></element>
    <element identifier="e5" xsi:type="Capability"><name>Quality</name></element>
    <element identifier="e6" xsi:type="BusinessActor"><name>Shift lead</name></element>
  </elements>
  <relationships>
    <relationship identifier="r1" source="e1" target="e2" xsi:type="Flow"><name>orders</name></relationship>
    <relationship identifier="r2" source="e3" target="e2" xsi:type="Aggregation"/>
    <relationship identifier="r3" source="e4" target="e1" xsi:type="Aggregation"/>
    <relationship identifier="r4" source="e1" target="e5" xsi:type="Realization"/>
  </relationships>
</model>""",
        encoding="utf-8",
    )
    result = import_archimate(path)
    model = result.model
    assert [s.key for s in model.systems] == ["line-mes", "press-plc"]
    assert model.systems[0].location == "plant-west" and model.systems[0].capabilities == ["quality"]
    assert model.systems[1].zone == "cell-zone"
    assert model.flows == [Flow(key="line-mes-to-press-plc", source="line-mes", target="press-plc")]
    assert model.reference_errors() == []
    assert any("BusinessActor" in w for w in result.warnings)


def test_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE model [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<model xmlns="{NS}" identifier="m"><name>&x;</name></model>'
    )
    with pytest.raises(InputError, match="DTDs and entities are not allowed"):
        read_archimate(path)


def test_broken_xml_names_line_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text(f'<model xmlns="{NS}" identifier="m">\n<name>x</nme>\n</model>')
    with pytest.raises(InputError) as info:
        read_archimate(path)
    assert info.value.line == 2 and info.value.file == str(path)


def test_bad_property_value_names_the_element_and_field(plant: PlantModel, tmp_path: Path) -> None:
    root = archimate_document(plant)
    for value in root.iter(f"{{{NS}}}value"):
        if value.text == "4.0":
            value.text = "seven"
            break
    path = tmp_path / "bad.xml"
    path.write_bytes(etree.tostring(root))
    with pytest.raises(InputError) as info:
        read_archimate(path)
    assert info.value.field == "purdue_level" and "sys-erp" in str(info.value)


def test_not_an_archimate_file(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<graphml/>")
    with pytest.raises(InputError, match="not an ArchiMate exchange file"):
        read_archimate(path)


def test_empty_model_is_a_valid_file_and_reads_back_empty(archimate_xsd: Path, tmp_path: Path) -> None:
    assert validate_archimate(to_bytes(archimate_document(PlantModel())), archimate_xsd) == []
    path = tmp_path / "empty.xml"
    assert write_archimate(PlantModel(), path) == 0
    assert read_archimate(path) == PlantModel()
