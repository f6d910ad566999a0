"""The fitted pipeline's arithmetic, replayed: the same answers at a fraction of the cost.

``Pipeline.predict_proba`` costs ~3 ms per call whatever the number of rows: a DataFrame per
request, column selection, input validation in every step and a sparse-or-dense decision in the
ColumnTransformer. The arithmetic itself is a handful of operations on ten numbers. This module
reads the fitted parameters (imputer medians, scaler mean and scale, one-hot categories, logistic
coefficients) once, at load time. Batches replay scikit-learn's operations with numpy, in the
same order and memory layout, so their probabilities are identical to the last bit; a few rows
(one per /predict) are scored in plain Python floats, which agree to ~1e-16
(``tests/shared_model/test_fast.py`` compares every row of the data set both ways).

It understands one recipe: the one ``shared_model.training.build_pipeline`` fits. Anything else
(another imputer strategy, a scaler without centring, a new step, a binary target...) is refused
by ``CompiledPipeline.from_pipeline`` with an ``ArtifactError`` when the model is loaded, so a
changed recipe fails loudly instead of serving wrong answers. A final self-check scores a grid of
rows with both paths and refuses to serve if they disagree.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from shared_model.artifact import FIX_COMMAND, ArtifactError, LoadedModel, load_artifact
from shared_model.schema import SCHEMA, FeatureSchema

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

# The load-time self-check fails if the two paths differ by more than this. Replaying the same
# float64 operations gives differences of a few ulps at most; a wrong parameter gives ~1e-2.
SELF_CHECK_TOLERANCE = 1e-9


# Below this many rows the model is evaluated in plain Python, from this many on with numpy
# matrices: per-call numpy overhead dominates small batches, per-row Python cost big ones.
ROW_WISE_BELOW = 8


# (intercepts, numeric (name, median, mean, scale, weights), categorical (name, value -> weights))
_RowModel = tuple[
    list[float],
    tuple[tuple[str, float, float, float, list[float]], ...],
    tuple[tuple[str, dict[str | None, list[float]]], ...],
]


@dataclass(frozen=True)
class Columns:
    """A batch by column, the way the model reads it: no dict per row.

    ``numbers`` holds the numeric features named ``numeric_names`` (rows x features, float64;
    NaN is missing), ``categories`` one sequence of values per feature of ``categorical_names``
    (``None`` is missing). The batch endpoint builds these straight from the parsed body;
    ``from_records`` builds them from one mapping per row.
    """

    numeric_names: tuple[str, ...]
    numbers: np.ndarray
    categorical_names: tuple[str, ...]
    categories: tuple[Sequence[str | None], ...]

    def __len__(self) -> int:
        return int(self.numbers.shape[0])

    @classmethod
    def from_records(
        cls,
        records: Sequence[Mapping[str, Any]],
        numeric_names: tuple[str, ...],
        categorical_names: tuple[str, ...],
    ) -> Columns:
        numbers = np.empty((len(records), len(numeric_names)))
        for j, name in enumerate(numeric_names):
            # dtype=float64 turns None into NaN, which the imputer replaces, as in training.
            numbers[:, j] = np.array([r.get(name) for r in records], dtype=np.float64)
        categories = tuple([r.get(name) for r in records] for name in categorical_names)
        return cls(numeric_names, numbers, categorical_names, categories)

    def records(self) -> list[dict[str, Any]]:
        """One dict per row again, NaN as ``None``: for scorers that read records."""
        names = [*self.numeric_names, *self.categorical_names]
        return [
            # NaN is the only value that differs from itself.
            dict(zip(names, [*(None if v != v else v for v in numbers), *labels], strict=True))
            for numbers, *labels in zip(self.numbers.tolist(), *self.categories, strict=True)
        ]


class UnsupportedPipelineError(ArtifactError):
    """The fitted pipeline is not the recipe the fast path replays."""


def _refuse(reason: str) -> UnsupportedPipelineError:
    return UnsupportedPipelineError(
        f"The fast scoring path cannot serve this model: {reason}. It replays only the recipe in "
        "shared_model/training.py; update shared_model/fast.py together with the recipe (and "
        f"its equivalence test), or run `{FIX_COMMAND}` to retrain with the current recipe."
    )


def _require(condition: bool, reason: str) -> None:
    if not condition:
        raise _refuse(reason)


def _named_steps(pipeline: Any, names: tuple[str, ...], what: str) -> list[Any]:
    from sklearn.pipeline import Pipeline

    _require(isinstance(pipeline, Pipeline), f"{what} is a {type(pipeline).__name__}")
    actual = tuple(name for name, _ in pipeline.steps)
    _require(actual == names, f"{what} has the steps {actual}, expected {names}")
    return [step for _, step in pipeline.steps]


@dataclass(frozen=True)
class CompiledPipeline:
    """The fitted parameters, as arrays laid out the way scikit-learn uses them."""

    classes: tuple[str, ...]
    numeric_names: tuple[str, ...]
    categorical_names: tuple[str, ...]
    medians: np.ndarray  # SimpleImputer.statistics_, one per numeric column
    means: np.ndarray  # StandardScaler.mean_
    scales: np.ndarray  # StandardScaler.scale_
    # Per categorical feature: value -> column of the model's input matrix.
    category_columns: tuple[dict[str | None, int], ...]
    coef_t: np.ndarray  # LogisticRegression.coef_.T: the same (Fortran-ordered) view it uses
    intercept: np.ndarray

    @property
    def n_inputs(self) -> int:
        return self.coef_t.shape[0]

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline, schema: FeatureSchema = SCHEMA) -> CompiledPipeline:
        """Read the parameters, refusing any pipeline that is not exactly the known recipe."""
        from sklearn.compose import ColumnTransformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        features, classifier = _named_steps(pipeline, ("features", "classifier"), "the model")
        _require(isinstance(features, ColumnTransformer), "its first step is no ColumnTransformer")
        _require(
            isinstance(classifier, LogisticRegression), "its classifier is no LogisticRegression"
        )
        # Fitted transformers, plus the remainder, which must drop nothing.
        fitted = {name: (step, columns) for name, step, columns in features.transformers_}
        remainder = fitted.pop("remainder", ("drop", []))
        _require(len(remainder[1]) == 0, f"the ColumnTransformer passes through {remainder[1]}")
        _require(set(fitted) == {"numeric", "categorical"}, f"its transformers are {set(fitted)}")
        _require(
            not getattr(features, "sparse_output_", False), "the ColumnTransformer outputs sparse"
        )

        numeric, numeric_columns = fitted["numeric"]
        numeric_names = tuple(f.name for f in schema.numeric)
        _require(tuple(numeric_columns) == numeric_names, "the numeric columns differ")
        imputer, scaler = _named_steps(numeric, ("impute", "scale"), "the numeric branch")
        _require(
            type(imputer) is SimpleImputer
            and imputer.strategy == "median"
            and not imputer.add_indicator
            and isinstance(imputer.missing_values, float)
            and np.isnan(imputer.missing_values),
            "the numeric imputer is not SimpleImputer(strategy='median') on NaN",
        )
        _require(
            type(scaler) is StandardScaler and scaler.with_mean and scaler.with_std,
            "the numeric scaler is not StandardScaler() with centring and scaling",
        )

        categorical, categorical_columns = fitted["categorical"]
        categorical_names = tuple(f.name for f in schema.categorical)
        _require(tuple(categorical_columns) == categorical_names, "the categorical columns differ")
        filler, encoder = _named_steps(categorical, ("impute", "encode"), "the categorical branch")
        _require(
            type(filler) is SimpleImputer
            and filler.strategy == "constant"
            and filler.fill_value == schema.missing_category
            and not filler.add_indicator,
            f"the categorical imputer does not fill {schema.missing_category!r}",
        )
        _require(
            type(encoder) is OneHotEncoder
            and encoder.drop is None
            and encoder.handle_unknown == "error"
            and encoder.min_frequency is None
            and encoder.max_categories is None
            and encoder.dtype in (np.float64, float),
            "the encoder is not a plain OneHotEncoder (no drop, no infrequent categories)",
        )

        n_numeric = len(numeric_names)
        offset = n_numeric
        category_columns: list[dict[str | None, int]] = []
        for feature, fitted_categories in zip(schema.categorical, encoder.categories_, strict=True):
            values = [str(v) for v in fitted_categories]
            columns: dict[str | None, int] = {v: offset + i for i, v in enumerate(values)}
            if feature.nullable:
                _require(
                    schema.missing_category in columns,
                    f"{feature.name} has no {schema.missing_category!r} category",
                )
                columns[None] = columns[schema.missing_category]
            category_columns.append(columns)
            offset += len(values)

        # order="K" keeps coef_'s memory layout: BLAS sums in a layout-dependent order, and the
        # same layout is what makes the results identical to the last bit.
        coef = np.array(classifier.coef_, dtype=np.float64, order="K", copy=True)
        classes = tuple(str(c) for c in classifier.classes_)
        _require(len(classes) > 2, "the target is binary (the fast path replays the softmax)")
        _require(coef.shape == (len(classes), offset), f"the coefficients have shape {coef.shape}")
        _require(
            features.n_features_in_ == len(schema.features), "the input columns are not the schema"
        )
        return cls(
            classes=classes,
            numeric_names=numeric_names,
            categorical_names=categorical_names,
            medians=np.asarray(imputer.statistics_, dtype=np.float64).copy(),
            means=np.asarray(scaler.mean_, dtype=np.float64).copy(),
            scales=np.asarray(scaler.scale_, dtype=np.float64).copy(),
            category_columns=tuple(category_columns),
            coef_t=coef.T,
            intercept=np.asarray(classifier.intercept_, dtype=np.float64).copy(),
        )

    def _inputs(self, batch: Columns) -> np.ndarray:
        """The model's input matrix, column by column: cheap per row for big batches."""
        n = len(batch)
        n_numeric = len(self.numeric_names)
        x = np.zeros((n, self.n_inputs))
        numbers = x[:, :n_numeric]
        numbers[...] = batch.numbers
        missing = np.isnan(numbers)
        if missing.any():
            numbers[missing] = np.broadcast_to(self.medians, numbers.shape)[missing]
        numbers -= self.means
        numbers /= self.scales
        rows = np.arange(n)
        for name, columns, values in zip(
            self.categorical_names, self.category_columns, batch.categories, strict=True
        ):
            try:
                x[rows, list(map(columns.__getitem__, values))] = 1.0
            except KeyError as exc:
                raise ValueError(f"Unknown category {exc.args[0]!r} for {name}") from None
        return x

    @cached_property
    def _row_model(self) -> _RowModel:
        """The parameters as Python floats, arranged for scoring one row at a time."""
        weights = self.coef_t.tolist()  # per input column, each class's coefficient
        numeric = tuple(
            (name, median, mean, scale, weights[j])
            for j, (name, median, mean, scale) in enumerate(
                zip(
                    self.numeric_names,
                    self.medians.tolist(),
                    self.means.tolist(),
                    self.scales.tolist(),
                    strict=True,
                )
            )
        )
        categorical = tuple(
            (name, {value: weights[column] for value, column in columns.items()})
            for name, columns in zip(self.categorical_names, self.category_columns, strict=True)
        )
        return self.intercept.tolist(), numeric, categorical

    def _proba_by_row(self, records: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """The same model in plain Python floats, for a few rows.

        For one row, each of the dozen numpy calls of the matrix path costs more than the
        arithmetic it does. Only the non-zero inputs (the numbers and one one-hot column per
        category) are multiplied. The sums run in another order than BLAS's, so probabilities
        may differ from scikit-learn's in the last bits: ~1e-16, far inside the tested 1e-9.
        """
        intercept, numeric, categorical = self._row_model
        exp = math.exp
        out = []
        for record in records:
            scores = intercept
            for name, median, mean, scale, weights in numeric:
                value = record.get(name)
                if value is None or value != value:  # missing or NaN: the imputer's median
                    value = median
                z = (value - mean) / scale
                scores = [s + z * w for s, w in zip(scores, weights, strict=True)]
            for name, hot in categorical:
                try:
                    weights = hot[record.get(name)]
                except KeyError as exc:
                    raise ValueError(f"Unknown category {exc.args[0]!r} for {name}") from None
                scores = [s + w for s, w in zip(scores, weights, strict=True)]
            top = max(scores)
            exps = [exp(s - top) for s in scores]
            total = sum(exps)
            out.append([e / total for e in exps])
        return np.array(out, dtype=np.float64).reshape(len(records), len(intercept))

    def columns(self, records: Sequence[Mapping[str, Any]]) -> Columns:
        """Records as the columns this model reads."""
        return Columns.from_records(records, self.numeric_names, self.categorical_names)

    def predict_proba(self, records: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Like ``LoadedModel.predict_proba``: one mapping per row; ``None`` or no key = missing.

        An unknown category raises ``ValueError``, as the encoder does.
        """
        if len(records) < ROW_WISE_BELOW:
            return self._proba_by_row(records)
        return self.predict_proba_columns(self.columns(records))

    def predict_proba_columns(self, batch: Columns) -> np.ndarray:
        """The probabilities of a batch given by column (see ``Columns``), with numpy."""
        if (batch.numeric_names, batch.categorical_names) != (
            self.numeric_names,
            self.categorical_names,
        ):
            raise ValueError("The batch's columns are not the ones this model reads.")
        x = self._inputs(batch)
        # From here on, the operations of LogisticRegression.predict_proba and
        # sklearn.utils.extmath.softmax, in their order: the same float64 results.
        scores = x @ self.coef_t + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores


def self_check_rows(schema: FeatureSchema = SCHEMA) -> list[dict[str, Any]]:
    """Rows that exercise every category, a missing value in every column and both range ends."""
    numeric = [(f.minimum, (f.minimum + f.maximum) / 2, f.maximum) for f in schema.numeric]
    rows: list[tuple[Any, ...]] = []
    for categories in itertools.product(
        *[[*f.categories, None] if f.nullable else list(f.categories) for f in schema.categorical]
    ):
        for level in range(3):
            rows.append((*(n[level] for n in numeric), *categories))
    for column in range(len(schema.numeric)):
        row = list(rows[column])
        row[column] = None
        rows.append(tuple(row))
    return [dict(zip(schema.names, row, strict=True)) for row in rows]


def verify_against(pipeline: Pipeline, compiled: CompiledPipeline, schema: FeatureSchema) -> None:
    """Score the self-check rows both ways; refuse to serve if they disagree."""
    import pandas as pd

    from shared_model.data import model_frame

    rows = self_check_rows(schema)
    frame = model_frame(pd.DataFrame.from_records(rows, columns=list(schema.names)), schema)
    expected = pipeline.predict_proba(frame)
    actual = compiled.predict_proba(rows)
    worst = float(np.max(np.abs(expected - actual)))
    if worst > SELF_CHECK_TOLERANCE or not np.array_equal(
        expected.argmax(axis=1), actual.argmax(axis=1)
    ):
        raise _refuse(
            f"its probabilities differ from scikit-learn's by up to {worst:.2e} on the self-check "
            "rows"
        )


@dataclass(frozen=True)
class FastModel(LoadedModel):
    """A loaded model that scores with the compiled arithmetic instead of the Pipeline.

    ``pipeline`` is still there (and ``reference_proba`` uses it), so every answer can be
    compared with scikit-learn's.
    """

    compiled: CompiledPipeline | None = None

    @property
    def fast(self) -> CompiledPipeline:
        assert self.compiled is not None, "build FastModel with FastModel.from_loaded"
        return self.compiled

    @classmethod
    def from_loaded(cls, model: LoadedModel) -> FastModel:
        compiled = CompiledPipeline.from_pipeline(model.pipeline, model.schema)
        if compiled.classes != model.classes:
            raise _refuse(f"it predicts {compiled.classes}, its metadata says {model.classes}")
        verify_against(model.pipeline, compiled, model.schema)
        return cls(
            pipeline=model.pipeline,
            metadata=model.metadata,
            schema=model.schema,
            compiled=compiled,
        )

    def predict_proba(self, records: Sequence[Mapping[str, Any]]) -> np.ndarray:
        return self.fast.predict_proba(records)

    def predict_proba_columns(self, batch: Columns) -> np.ndarray:
        return self.fast.predict_proba_columns(batch)

    def reference_proba(self, records: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """scikit-learn's answer for the same records: the ground truth the fast path matches."""
        return super().predict_proba(records)


def load_fast_model(model_dir: Path, schema: FeatureSchema = SCHEMA) -> FastModel:
    """``load_artifact``, then compile and self-check: every failure is an ``ArtifactError``."""
    return FastModel.from_loaded(load_artifact(model_dir, schema))
