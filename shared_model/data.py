"""The Palmer penguins table, read from the copy the ``palmerpenguins`` package ships.

Nothing is downloaded: the CSV is inside the installed package, so training works offline and
the data's sha256 identifies exactly what a model was trained on. See ``DATA_CARD.md``.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shared_model.schema import SCHEMA, FeatureSchema


def data_path() -> Path:
    """Where the shipped CSV lives."""
    return Path(str(resources.files("palmerpenguins") / "data" / "penguins.csv"))


def data_sha256() -> str:
    return hashlib.sha256(data_path().read_bytes()).hexdigest()


def model_frame(frame: pd.DataFrame, schema: FeatureSchema = SCHEMA) -> pd.DataFrame:
    """Give the columns the exact types the pipeline was trained on.

    Numeric columns become float64 (a ``None`` becomes NaN) and categorical ones plain ``object``
    with NaN for a missing value, whether the rows came from the CSV (training) or from JSON
    (serving): one conversion, so the two paths cannot disagree about types.
    """
    frame = frame.copy()
    for feature in schema.numeric:
        frame[feature.name] = frame[feature.name].astype("float64")
    for feature in schema.categorical:
        if feature.name in frame:
            values = frame[feature.name].astype(object)
            frame[feature.name] = values.where(values.notna(), np.nan)
    return frame


def load_penguins(schema: FeatureSchema = SCHEMA) -> pd.DataFrame:
    """The schema's feature columns and the target, one row per penguin (344 rows)."""
    frame = pd.read_csv(data_path())[[*schema.names, schema.target.name]]
    frame = model_frame(frame, schema)
    frame[schema.target.name] = frame[schema.target.name].astype(object)
    return frame


def as_request(row: pd.Series, schema: FeatureSchema = SCHEMA) -> dict[str, Any]:
    """One row as the JSON body a client sends: plain Python values, ``None`` when missing."""
    return {name: (None if pd.isna(row[name]) else _plain(row[name])) for name in schema.names}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def complete_requests(schema: FeatureSchema = SCHEMA) -> list[dict[str, Any]]:
    """Every complete row (no missing value) as a client's JSON body: a load test's penguins."""
    return [as_request(row, schema) for _, row in load_penguins(schema).dropna().iterrows()]


def first_of_each_species(schema: FeatureSchema = SCHEMA) -> list[tuple[str, dict[str, Any]]]:
    """The first complete row of each species: real penguins for examples, tests and checks."""
    frame = load_penguins(schema).dropna()
    target = schema.target.name
    return [
        (species, as_request(frame[frame[target] == species].iloc[0], schema))
        for species in schema.classes
    ]
