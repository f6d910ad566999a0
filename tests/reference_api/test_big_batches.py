"""Big batches go to worker processes and get exactly the answers (and errors) of small ones."""

import asyncio
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from penguin_api.big_batches import INLINE_BODY_BYTES, big_batch_pool
from penguin_api.main import create_app
from penguin_api.settings import Settings

from tests.reference_api.penguins import expected_predictions, first_of_each_species

ROWS = 3000
JSON = "application/json"


@pytest.fixture(scope="module")
def big(model_dir) -> Iterator[TestClient]:
    settings = Settings(model_dir=model_dir, max_batch_rows=ROWS, max_body_bytes=8 * 1024 * 1024)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    penguins = [penguin for _, penguin in first_of_each_species()]
    return [
        {**penguins[i % 3], "body_mass_g": 3000 + i, "sex": None if i % 7 == 0 else "male"}
        for i in range(ROWS)
    ]


def test_no_pool_unless_big_batches_are_allowed(model_dir):
    async def pool_of(settings: Settings) -> object:
        async with big_batch_pool(settings) as pool:
            return pool

    # The default limit (1,000 rows) starts no process at all.
    assert asyncio.run(pool_of(Settings(model_dir=model_dir))) is None


def test_a_big_body_is_scored_in_a_worker_with_the_same_answers(big, rows, loaded_model):
    body = json.dumps({"rows": rows}).encode()
    assert len(body) > INLINE_BODY_BYTES
    response = big.post("/predict/batch", content=body, headers={"content-type": JSON})
    assert response.status_code == 200
    assert response.json() == {
        "predictions": expected_predictions(loaded_model, rows),
        "model_version": "1.0.0",
    }


def test_a_bad_row_in_a_big_body_gets_fastapis_own_422(big, rows):
    bad = [*rows[:2000], {**rows[2000], "island": "Atlantis"}, *rows[2001:]]
    response = big.post("/predict/batch", json={"rows": bad})
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in problem["errors"]] == ["rows[2000].island"]


def test_a_big_body_that_is_not_json_gets_415(big, rows):
    body = json.dumps({"rows": rows}).encode()
    response = big.post("/predict/batch", content=body, headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_a_big_body_that_is_broken_json_gets_400(big):
    broken = b'{"rows": [' + b" " * INLINE_BODY_BYTES
    response = big.post("/predict/batch", content=broken, headers={"content-type": JSON})
    assert response.status_code == 400


def test_a_big_body_that_is_not_text_gets_fastapis_400_from_the_worker(big, rows):
    # The worker raises FastAPI's "cannot parse" error; it must cross back as itself, not a 500.
    body = b"\x80\x81" + json.dumps({"rows": rows}).encode()
    assert len(body) > INLINE_BODY_BYTES
    response = big.post("/predict/batch", content=body, headers={"content-type": JSON})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "There was an error parsing the body"


def test_a_big_utf16_body_is_scored_like_fastapi_would(big, rows, loaded_model):
    body = json.dumps({"rows": rows}).encode("utf-16")
    response = big.post("/predict/batch", content=body, headers={"content-type": JSON})
    assert response.status_code == 200
    assert len(response.json()["predictions"]) == len(rows)
