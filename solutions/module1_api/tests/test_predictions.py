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


# --8<-- [start:example]
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


# --8<-- [end:example]
# BEGIN STARTER
# # TODO (exercise 11): the same for a real penguin of every species (`penguins` has one of
# # each); the probabilities sum to 1.
# # TODO (exercise 11): POST /predict/batch with one penguin of each species answers their
# # predictions in the order sent, and the model version, in one full-body assertion.
# END STARTER
# BEGIN SOLUTION
@pytest.mark.parametrize("index", [0, 1, 2], ids=["Adelie", "Chinstrap", "Gentoo"])
def test_predict_answers_each_species(
    client: TestClient,
    penguins: list[tuple[str, dict[str, Any]]],
    model: LoadedModel,
    index: int,
) -> None:
    species, penguin = penguins[index]
    response = client.post("/predict", json=penguin)
    assert response.status_code == 200
    body = response.json()
    assert body["species"] == species
    assert body == {**expected_prediction(model, penguin), "model_version": model.version}


def test_probabilities_sum_to_one(
    client: TestClient, penguins: list[tuple[str, dict[str, Any]]]
) -> None:
    for _, penguin in penguins:
        probabilities = client.post("/predict", json=penguin).json()["probabilities"]
        assert sum(probabilities.values()) == pytest.approx(1.0)


def test_batch_answers_every_row_in_order(
    client: TestClient, penguins: list[tuple[str, dict[str, Any]]], model: LoadedModel
) -> None:
    rows = [penguin for _, penguin in penguins]
    response = client.post("/predict/batch", json={"rows": rows})
    assert response.status_code == 200
    assert response.json() == {
        "predictions": [expected_prediction(model, row) for row in rows],
        "model_version": model.version,
    }
    assert [p["species"] for p in response.json()["predictions"]] == [s for s, _ in penguins]


def test_batch_of_one_agrees_with_predict(
    client: TestClient, penguins: list[tuple[str, dict[str, Any]]]
) -> None:
    _, penguin = penguins[2]
    single = client.post("/predict", json=penguin).json()
    (batch,) = client.post("/predict/batch", json={"rows": [penguin]}).json()["predictions"]
    assert batch["species"] == single["species"]
    # Equal up to the last bits: a batch is scored as a matrix, one penguin with plain floats,
    # and the sums run in a different order.
    assert batch["probabilities"] == pytest.approx(single["probabilities"], abs=1e-12)


# END SOLUTION
