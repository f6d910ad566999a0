"""The concurrency lab's variants (scripts/concurrency_apps.py) answer like the API does.

`make concurrency-lab` only measures; this keeps its apps working when the API's batch path
changes, so the lab never reports a variant that does not even answer.
"""

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from course.paths import REPO_ROOT
from tests.reference_api.penguins import expected_predictions, first_of_each_species

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import concurrency_apps

ROWS = [penguin for _, penguin in first_of_each_species()] * 2


@pytest.mark.parametrize("factory", ["blocking_app", "def_app", "threadpool_app"])
def test_every_variant_answers_a_batch_in_order(
    factory, model_dir: Path, loaded_model, monkeypatch
):
    monkeypatch.setenv("MODEL_DIR", str(model_dir))
    with TestClient(getattr(concurrency_apps, factory)()) as client:
        assert client.get("/health").json() == {"status": "ok"}
        response = client.post("/predict/batch", json={"rows": ROWS})
    assert response.status_code == 200
    assert response.json() == {
        "predictions": expected_predictions(loaded_model, ROWS),
        "model_version": "1.0.0",
    }
