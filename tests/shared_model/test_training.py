"""The shared model: deterministic, accurate, trained on the shipped data."""

import numpy as np

from shared_model import SCHEMA, train
from shared_model.data import data_sha256, load_penguins


def test_the_data_is_the_full_penguins_table():
    frame = load_penguins()
    assert frame.shape == (344, len(SCHEMA.names) + 1)
    assert set(frame[SCHEMA.target.name]) == set(SCHEMA.classes)
    assert len(data_sha256()) == 64


def test_every_observed_value_is_inside_the_schema():
    frame = load_penguins()
    for feature in SCHEMA.numeric:
        values = frame[feature.name].dropna()
        assert values.between(feature.minimum, feature.maximum).all(), feature.name
    for feature in SCHEMA.categorical:
        observed = set(frame[feature.name].dropna())
        assert observed == set(feature.categories), feature.name
        assert frame[feature.name].isna().any() == feature.nullable, feature.name


def test_two_trainings_give_identical_predictions():
    frame = load_penguins()[list(SCHEMA.names)]
    first, second = train(), train()
    assert first.metrics == second.metrics
    np.testing.assert_array_equal(
        first.pipeline.predict_proba(frame), second.pipeline.predict_proba(frame)
    )


def test_held_out_quality():
    metrics = train().metrics
    assert metrics["accuracy"] >= 0.95
    assert metrics["macro_f1"] >= 0.95
    assert metrics["n_test"] == 86  # 25 % of 344, stratified


def test_a_different_seed_is_a_different_split():
    assert train(seed=1).metrics["n_test"] == 86
    a, b = train(seed=1).pipeline, train(seed=2).pipeline
    coef_a = a.named_steps["classifier"].coef_
    coef_b = b.named_steps["classifier"].coef_
    assert not np.array_equal(coef_a, coef_b)
