"""The pure model: validation of keys, levels and references."""

import pytest
from pydantic import ValidationError

from plantarch.model import Flow, PlantModel, System


def test_purdue_level_accepts_dmz_and_rejects_nonsense() -> None:
    assert System(key="fw", name="FW", kind="firewall", purdue_level=3.5).purdue_level == 3.5
    with pytest.raises(ValidationError, match="Purdue level"):
        System(key="x", name="X", kind="plc", purdue_level=2.5)


def test_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError):
        System.model_validate({"key": "x", "name": "X", "kind": "plc", "colour": "red"})


def test_reference_errors_name_the_missing_key() -> None:
    model = PlantModel(
        systems=[System(key="mes", name="MES", kind="mes")],
        flows=[Flow(key="f1", source="mes", target="erp")],
    )
    errors = model.reference_errors()
    assert [str(e) for e in errors] == ["flow 'f1': target refers to unknown 'erp'"]
