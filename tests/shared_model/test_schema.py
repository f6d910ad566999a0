"""The feature schema is the single source of truth and survives a JSON round trip."""

import json

import pytest

from shared_model import SCHEMA, FeatureSchema


def test_round_trip_through_json():
    text = json.dumps(SCHEMA.to_dict())
    assert FeatureSchema.from_dict(json.loads(text)) == SCHEMA


def test_the_schema_describes_the_model_inputs():
    assert SCHEMA.names == (
        "bill_length_mm",
        "bill_depth_mm",
        "flipper_length_mm",
        "body_mass_g",
        "island",
        "sex",
    )
    assert SCHEMA.classes == ("Adelie", "Chinstrap", "Gentoo")
    assert [f.unit for f in SCHEMA.numeric] == ["mm", "mm", "mm", "g"]


def test_a_numeric_target_is_refused():
    data = SCHEMA.to_dict()
    data["target"] = data["features"][0]
    with pytest.raises(ValueError, match="must be categorical"):
        FeatureSchema.from_dict(data)
