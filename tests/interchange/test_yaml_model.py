"""Architecture as code: YAML model directories load with exact error locations and round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interchange_samples import small_plant

from plantarch.errors import InputError
from plantarch.interchange.yaml_model import load_model_dir, render_model, write_model_dir
from plantarch.model import (
    PlantModel,
    System,
)


def test_export_import_export_is_byte_identical(tmp_path: Path) -> None:
    model = small_plant()
    write_model_dir(model, tmp_path / "a")
    loaded = load_model_dir(tmp_path / "a")
    assert loaded == model.sorted()
    write_model_dir(loaded, tmp_path / "b")
    for file in sorted((tmp_path / "a").rglob("*.yaml")):
        assert file.read_bytes() == (tmp_path / "b" / file.relative_to(tmp_path / "a")).read_bytes()


def test_export_writes_one_file_per_site_sorted_with_defaults_omitted(tmp_path: Path) -> None:
    write_model_dir(small_plant(), tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.yaml")) == [
        "plant.yaml",
        "sites/north.yaml",
        "sites/south.yaml",
    ]
    north = (tmp_path / "sites" / "north.yaml").read_text()
    assert "plc-1" in north and "mes-s" not in north
    assert "costs:" not in north and "declared:" not in north  # defaults are left out
    plant = (tmp_path / "plant.yaml").read_text()
    assert "key: qms" in plant  # a system without a site stays in plant.yaml
    assert plant.index("key: acme") < plant.index("key: north\n") < plant.index("key: south\n")


def test_export_removes_stale_site_files(tmp_path: Path) -> None:
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "closed-plant.yaml").write_text("systems: []\n")
    write_model_dir(small_plant(), tmp_path)
    assert not (tmp_path / "sites" / "closed-plant.yaml").exists()


awkward_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff"), max_size=30
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=awkward_text,
    description=awkward_text,
    vendor=st.sampled_from(["yes", "null", "1.10", "~", "- x", "#"]),
)
def test_any_text_round_trips(tmp_path: Path, name: str, description: str, vendor: str) -> None:
    model = PlantModel(
        systems=[System(key="s", name=name, kind="scada", vendor=vendor, description=description)]
    )
    write_model_dir(model, tmp_path)
    assert load_model_dir(tmp_path) == model


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def error_for(directory: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_model_dir(directory)
    return caught.value


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "plant.yaml", "systems:\n- key: a\n  name: [unclosed\n  kind: plc\n")
    error = error_for(tmp_path)
    assert error.file == str(tmp_path / "plant.yaml")
    assert error.line == 4
    assert "broken YAML" in str(error)


def test_unknown_field_names_line_field_and_the_fields_expected(tmp_path: Path) -> None:
    write(tmp_path, "plant.yaml", "systems:\n- key: a\n  name: A\n  kind: plc\n  colour: red\n")
    error = error_for(tmp_path)
    assert (error.line, error.field) == (5, "colour")
    assert "unknown field" in error.message and "purdue_level" in error.message


def test_wrong_type_names_the_nested_field_and_expectation(tmp_path: Path) -> None:
    text = "systems:\n- key: a\n  name: A\n  kind: plc\n  lifecycle:\n    end_of_support: someday\n"
    write(tmp_path, "plant.yaml", text)
    error = error_for(tmp_path)
    assert (error.line, error.field) == (6, "lifecycle.end_of_support")
    assert "system 'a'" in str(error) and "date" in error.message and "someday" in error.message


def test_unknown_vocabulary_value_lists_the_allowed_values(tmp_path: Path) -> None:
    write(tmp_path, "plant.yaml", "systems:\n- key: a\n  name: A\n  kind: toaster\n")
    error = error_for(tmp_path)
    assert (error.line, error.field) == (4, "kind")
    assert "'plc'" in error.message


def test_missing_required_field_points_at_the_object(tmp_path: Path) -> None:
    write(tmp_path, "plant.yaml", "zones:\n- key: z1\n  name: Z\n- key: z2\n")
    error = error_for(tmp_path)
    assert (error.line, error.field) == (4, "name")
    assert "required" in error.message


def test_duplicate_mapping_key_in_one_object(tmp_path: Path) -> None:
    write(tmp_path, "plant.yaml", "systems:\n- key: a\n  name: A\n  name: B\n  kind: plc\n")
    error = error_for(tmp_path)
    assert error.line == 4 and "duplicate" in error.message


def test_duplicate_object_key_within_a_file(tmp_path: Path) -> None:
    write(tmp_path, "plant.yaml", "zones:\n- key: z\n  name: Z\n- key: z\n  name: Z again\n")
    error = error_for(tmp_path)
    assert (error.line, error.field) == (4, "key")
    assert "line 2" in error.message


def test_duplicate_key_across_files_and_between_system_and_asset(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "systems:\n- key: hmi-1\n  name: HMI\n  kind: hmi\n")
    write(tmp_path, "sites/b.yaml", "assets:\n- key: other\n  name: O\n- key: hmi-1\n  name: Panel PC\n")
    error = error_for(tmp_path)
    assert error.file == str(tmp_path / "sites" / "b.yaml") and error.line == 4
    assert str(tmp_path / "a.yaml") in error.message and "line 2" in error.message


def test_unknown_reference_points_at_the_referring_field(tmp_path: Path) -> None:
    write(tmp_path, "plant.yaml", "systems:\n- key: a\n  name: A\n  kind: plc\n")
    write(
        tmp_path,
        "sites/s.yaml",
        "assets:\n- key: h\n  name: H\n  systems:\n  - a\n  - ghost\n",
    )
    error = error_for(tmp_path)
    assert error.file == str(tmp_path / "sites" / "s.yaml")
    assert (error.line, error.field) == (6, "systems")
    assert "unknown 'ghost'" in error.message


def test_references_resolve_across_files_in_any_order(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "systems:\n- key: s\n  name: S\n  kind: plc\n  zone: z\n")
    write(tmp_path, "b.yaml", "flows:\n- key: f\n  source: s\n  target: h\n")
    write(tmp_path, "c.yaml", "zones:\n- key: z\n  name: Z\nassets:\n- key: h\n  name: H\n")
    model = load_model_dir(tmp_path)
    assert [f.key for f in model.flows] == ["f"] and [s.zone for s in model.systems] == ["z"]


def test_unknown_section_and_wrong_shapes(tmp_path: Path) -> None:
    write(tmp_path, "plant.yaml", "zones: []\nsytems:\n- key: a\n")
    error = error_for(tmp_path)
    assert (error.line, error.field) == (2, "sytems") and "systems" in error.message

    write(tmp_path, "plant.yaml", "zones:\n  key: z\n")
    assert "expected a list of zones" in str(error_for(tmp_path))

    write(tmp_path, "plant.yaml", "- a\n- b\n")
    assert "expected a mapping of object kinds" in str(error_for(tmp_path))


def test_missing_directory_and_empty_directory(tmp_path: Path) -> None:
    assert "no such file" in str(error_for(tmp_path / "nowhere"))
    assert "no *.yaml files" in str(error_for(tmp_path))


def test_hidden_directories_are_ignored_and_yml_is_read(tmp_path: Path) -> None:
    write(tmp_path, ".github/workflows/ci.yml", "on: push\n")
    write(tmp_path, "plant.yml", "zones:\n- key: z\n  name: Z\n")
    assert [z.key for z in load_model_dir(tmp_path).zones] == ["z"]


def test_render_is_deterministic_regardless_of_input_order() -> None:
    model = small_plant()
    shuffled = PlantModel(**{plural: list(reversed(getattr(model, plural))) for plural in model.counts()})
    assert render_model(shuffled) == render_model(model)


def test_demo_model_round_trips(tmp_path: Path, demo_model: PlantModel) -> None:
    write_model_dir(demo_model, tmp_path / "a")
    assert load_model_dir(tmp_path / "a") == demo_model.sorted()
    write_model_dir(load_model_dir(tmp_path / "a"), tmp_path / "b")
    assert render_model(load_model_dir(tmp_path / "b")) == render_model(demo_model)
