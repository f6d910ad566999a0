"""Real rows of the data set, as the JSON a client would send, and what the model says."""

from typing import Any

import numpy as np
import pandas as pd

from shared_model.data import as_request, first_of_each_species, load_penguins

__all__ = [
    "as_request",
    "complete_rows",
    "expected_prediction",
    "expected_predictions",
    "first_of_each_species",
]


def complete_rows() -> pd.DataFrame:
    return load_penguins().dropna()


def expected_predictions(model: Any, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the API must answer, computed from the model itself (never copied from output).

    Scored as one batch, like the API does: BLAS may round the last bit differently for a
    batch of 50 than for 50 batches of one.
    """
    return [
        {
            "species": model.classes[int(np.argmax(p))],
            "probabilities": dict(zip(model.classes, p.tolist(), strict=True)),
        }
        for p in model.predict_proba(requests)
    ]


def expected_prediction(model: Any, request: dict[str, Any]) -> dict[str, Any]:
    (prediction,) = expected_predictions(model, [request])
    return prediction
