"""The fast scorer gives scikit-learn's answers, and refuses pipelines it does not understand."""

import copy

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import MinMaxScaler

from shared_model import SCHEMA, ArtifactError, load_artifact
from shared_model.data import as_request, load_penguins
from shared_model.fast import (
    ROW_WISE_BELOW,
    Columns,
    CompiledPipeline,
    FastModel,
    UnsupportedPipelineError,
    load_fast_model,
    self_check_rows,
    verify_against,
)
from shared_model.training import build_pipeline, split

# Replaying the same float64 operations gives the same bits in practice; the contract is this.
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def fast_model(model_dir):
    return load_fast_model(model_dir)


@pytest.fixture(scope="module")
def every_penguin():
    """All 344 rows as requests, the rows with missing values included."""
    frame = load_penguins()
    requests = [as_request(row) for _, row in frame[list(SCHEMA.names)].iterrows()]
    assert len(requests) == 344
    assert any(r["sex"] is None for r in requests)
    assert any(r["bill_length_mm"] is None for r in requests)
    return requests


def assert_same_predictions(expected: np.ndarray, actual: np.ndarray) -> None:
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE)
    np.testing.assert_array_equal(actual.argmax(axis=1), expected.argmax(axis=1))


def test_whole_data_set_as_one_batch(fast_model, every_penguin):
    expected = fast_model.reference_proba(every_penguin)
    assert_same_predictions(expected, fast_model.predict_proba(every_penguin))


def test_whole_data_set_one_row_at_a_time(fast_model, every_penguin):
    # /predict scores one row per call. scikit-learn costs milliseconds per call, so every row
    # is held to the batch answer, and every eighth also to scikit-learn's own one-row call.
    expected = fast_model.reference_proba(every_penguin)
    for i, request in enumerate(every_penguin):
        actual = fast_model.predict_proba([request])
        assert_same_predictions(expected[i : i + 1], actual)
        if i % 8 == 0:
            assert_same_predictions(fast_model.reference_proba([request]), actual)


def test_the_python_and_numpy_paths_agree(fast_model, every_penguin):
    # Small batches are scored in plain Python, large ones with numpy matrices.
    compiled = fast_model.fast
    assert_same_predictions(
        compiled.predict_proba(every_penguin), compiled._proba_by_row(every_penguin)
    )
    for size in (ROW_WISE_BELOW - 1, ROW_WISE_BELOW):
        batch = every_penguin[:size]
        assert_same_predictions(fast_model.reference_proba(batch), fast_model.predict_proba(batch))


def test_a_missing_key_is_a_missing_value(fast_model, every_penguin):
    complete = next(r for r in every_penguin if r["sex"] is not None)
    without_sex = {k: v for k, v in complete.items() if k != "sex"}
    assert_same_predictions(
        fast_model.reference_proba([{**complete, "sex": None}]),
        fast_model.predict_proba([without_sex]),
    )


def test_columns_score_exactly_like_records(fast_model, every_penguin):
    # The batch endpoint hands the scorer columns, not records: the same bits, missing values
    # (None, or no key at all) included, and the records come back from the columns.
    compiled = fast_model.fast
    columns = compiled.columns(every_penguin)
    assert len(columns) == len(every_penguin)
    np.testing.assert_array_equal(
        fast_model.predict_proba_columns(columns), fast_model.predict_proba(every_penguin)
    )
    assert columns.records() == every_penguin
    without_sex = [{k: v for k, v in r.items() if k != "sex"} for r in every_penguin]
    assert_same_predictions(
        fast_model.reference_proba([{**r, "sex": None} for r in every_penguin]),
        fast_model.predict_proba_columns(compiled.columns(without_sex)),
    )


def test_columns_for_other_features_are_refused(fast_model, every_penguin):
    columns = fast_model.fast.columns(every_penguin)
    shuffled = Columns(
        columns.numeric_names[::-1], columns.numbers, columns.categorical_names, columns.categories
    )
    with pytest.raises(ValueError, match="columns"):
        fast_model.predict_proba_columns(shuffled)


def test_reference_proba_is_the_plain_pipeline(fast_model, model_dir, every_penguin):
    plain = load_artifact(model_dir)
    np.testing.assert_array_equal(
        fast_model.reference_proba(every_penguin), plain.predict_proba(every_penguin)
    )


@pytest.mark.parametrize("size", [1, ROW_WISE_BELOW])
def test_unknown_category_is_an_error_like_the_encoder(fast_model, every_penguin, size):
    with pytest.raises(ValueError, match="Atlantis"):
        fast_model.predict_proba([{**every_penguin[0], "island": "Atlantis"}] * size)


def test_self_check_rows_cover_every_category_and_missing_numbers():
    rows = self_check_rows()
    for feature in SCHEMA.categorical:
        values = {r[feature.name] for r in rows}
        assert set(feature.categories) <= values
        assert (None in values) == feature.nullable
    for feature in SCHEMA.numeric:
        assert any(r[feature.name] is None for r in rows)


def fitted(pipeline):
    frame = load_penguins()
    x_train, _, y_train, _ = split(frame)
    return pipeline.fit(x_train, y_train)


def test_the_training_recipe_compiles():
    compiled = CompiledPipeline.from_pipeline(fitted(build_pipeline()))
    assert compiled.classes == SCHEMA.classes


def _with_step(pipeline, path, **changes):
    """A copy of the unfitted recipe with one step's parameters changed."""
    changed = copy.deepcopy(pipeline)
    changed.set_params(**{f"{path}__{k}": v for k, v in changes.items()})
    return changed


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda p: _with_step(p, "features__numeric__impute", strategy="mean"), "median"),
        (lambda p: _with_step(p, "features__numeric__scale", with_mean=False), "centring"),
        (lambda p: _with_step(p, "features__numeric", scale=MinMaxScaler()), "StandardScaler"),
        (lambda p: _with_step(p, "features__categorical__encode", drop="first"), "plain"),
        (
            lambda p: _with_step(p, "features__categorical__impute", strategy="most_frequent"),
            "does not fill",
        ),
        (lambda p: p.set_params(classifier=RandomForestClassifier(n_estimators=3)), "Logistic"),
    ],
    ids=["mean-imputer", "no-centring", "minmax-scaler", "drop-first", "mode-filler", "forest"],
)
def test_a_changed_recipe_is_refused_at_load_time(change, reason):
    pipeline = fitted(change(build_pipeline()))
    with pytest.raises(UnsupportedPipelineError, match=reason) as raised:
        CompiledPipeline.from_pipeline(pipeline)
    # An ArtifactError: the API's startup reports it like any other unusable artifact.
    assert isinstance(raised.value, ArtifactError)
    assert "shared_model/fast.py" in str(raised.value)


def test_a_wrong_parameter_fails_the_self_check(fast_model):
    # A replay that reads the wrong number somewhere must not get to serve.
    compiled = fast_model.fast
    broken = copy.deepcopy(compiled)
    object.__setattr__(broken, "means", compiled.means * 1.01)
    with pytest.raises(UnsupportedPipelineError, match="differ from scikit-learn"):
        verify_against(fast_model.pipeline, broken, SCHEMA)


def test_from_loaded_refuses_an_unsupported_pipeline(model_dir):
    plain = load_artifact(model_dir)
    forest = fitted(build_pipeline().set_params(classifier=RandomForestClassifier(n_estimators=3)))
    with pytest.raises(UnsupportedPipelineError):
        FastModel.from_loaded(
            type(plain)(pipeline=forest, metadata=plain.metadata, schema=plain.schema)
        )
