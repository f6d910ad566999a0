"""Real rows of the data set, as the JSON a client would send, and what the model says."""

from typing import Any

import numpy as np
import pandas as pd
import pytest

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


# The API scores with shared_model/fast.py, which matches scikit-learn to ~1e-16 (and to the
# last bit for batches); the species must be identical.
TOLERANCE = 1e-9


def expected_predictions(model: Any, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the API must answer, computed from the model itself (never copied from output).

    Scored as one batch, like the API does: BLAS may round the last bit differently for a
    batch of 50 than for 50 batches of one. The probabilities compare equal within TOLERANCE.
    """
    return [
        {
            "species": model.classes[int(np.argmax(p))],
            "probabilities": pytest.approx(
                dict(zip(model.classes, p.tolist(), strict=True)), rel=0, abs=TOLERANCE
            ),
        }
        for p in model.predict_proba(requests)
    ]


def expected_prediction(model: Any, request: dict[str, Any]) -> dict[str, Any]:
    (prediction,) = expected_predictions(model, [request])
    return prediction
