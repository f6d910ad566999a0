"""Deterministic training of the shared model.

Same code + same data + same library versions = the same model: the split and the solver are
seeded, and the one-hot categories come from the schema rather than from whatever the training
split happens to contain.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from shared_model.data import data_sha256, load_penguins
from shared_model.schema import SCHEMA, FeatureSchema
from shared_model.version import DEFAULT_SEED

TEST_SIZE = 0.25


@dataclass(frozen=True)
class TrainedModel:
    pipeline: Pipeline
    metrics: dict[str, float | int]
    schema: FeatureSchema
    data_sha256: str
    seed: int


def build_pipeline(schema: FeatureSchema = SCHEMA, seed: int = DEFAULT_SEED) -> Pipeline:
    """Impute, encode and classify, in one object that is saved and served as a whole."""
    numeric = Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
        ]
    )
    categories = [
        [*f.categories, schema.missing_category] if f.nullable else list(f.categories)
        for f in schema.categorical
    ]
    categorical = Pipeline(
        [
            (
                "impute",
                SimpleImputer(strategy="constant", fill_value=schema.missing_category),
            ),
            # "error" on unknown categories: the API rejects them before they reach the model.
            ("encode", OneHotEncoder(categories=categories, handle_unknown="error")),
        ]
    )
    features = ColumnTransformer(
        [
            ("numeric", numeric, [f.name for f in schema.numeric]),
            ("categorical", categorical, [f.name for f in schema.categorical]),
        ],
        verbose_feature_names_out=False,
    )
    classifier = LogisticRegression(max_iter=1000, random_state=seed)
    return Pipeline([("features", features), ("classifier", classifier)])


def split(
    frame: pd.DataFrame, schema: FeatureSchema = SCHEMA, seed: int = DEFAULT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """The fixed, stratified train/test split every training run uses."""
    x_train, x_test, y_train, y_test = train_test_split(
        frame[list(schema.names)],
        frame[schema.target.name],
        test_size=TEST_SIZE,
        random_state=seed,
        stratify=frame[schema.target.name],
    )
    return x_train, x_test, y_train, y_test


def train(schema: FeatureSchema = SCHEMA, seed: int = DEFAULT_SEED) -> TrainedModel:
    """Fit on the training split and score on the held-out split."""
    frame = load_penguins(schema)
    x_train, x_test, y_train, y_test = split(frame, schema, seed)
    pipeline = build_pipeline(schema, seed).fit(x_train, y_train)
    predicted = pipeline.predict(x_test)
    metrics: dict[str, float | int] = {
        "accuracy": round(float(accuracy_score(y_test, predicted)), 4),
        "macro_f1": round(float(f1_score(y_test, predicted, average="macro")), 4),
        "n_train": len(x_train),
        "n_test": len(x_test),
    }
    return TrainedModel(
        pipeline=pipeline,
        metrics=metrics,
        schema=schema,
        data_sha256=data_sha256(),
        seed=seed,
    )
