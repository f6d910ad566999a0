"""Predictions: the right species, every probability, the model version, in order.

The expected values come from the model itself (``model.predict_proba``), never from numbers
pasted into the test: retrain the model and the tests still say what is right.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared_model import LoadedModel


def expected_prediction(model: LoadedModel, penguin: dict[str, Any]) -> dict[str, Any]:
    """What the API must answer for one penguin, computed by the model it serves."""
    (probabilities,) = model.predict_proba([penguin]).tolist()
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    return {
        "species": model.classes[best],
        "probabilities": pytest.approx(dict(zip(model.classes, probabilities, strict=True))),
    }


def test_predict_answers_an_adelie_for_a_real_adelie(
    client: TestClient, penguins: list[tuple[str, dict[str, Any]]], model: LoadedModel
) -> None:
    species, penguin = penguins[0]
    assert species == "Adelie"
    response = client.post("/predict", json=penguin)
    assert response.status_code == 200
    assert response.json() == {
        **expected_prediction(model, penguin),
        "model_version": model.version,
    }


# TODO (exercise 11): the same for a real penguin of every species (`penguins` has one of
# each); the probabilities sum to 1.
# TODO (exercise 11): POST /predict/batch with one penguin of each species answers their
# predictions in the order sent, and the model version, in one full-body assertion.
