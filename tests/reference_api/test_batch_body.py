"""/predict/batch validates its body itself: it must answer exactly what FastAPI would have.

The comparison app declares the batch model as an ordinary FastAPI body parameter, with the same
problem handlers; every body below must get the same status, content type and problem from both.
"""

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from penguin_api.main import create_app
from penguin_api.problems import install_problem_handlers
from penguin_api.routes import INLINE_BATCH_ROWS
from penguin_api.schemas import build_models
from penguin_api.settings import Settings

from tests.reference_api.penguins import expected_predictions, first_of_each_species

_, GOOD = first_of_each_species()[0]
JSON = "application/json"


@pytest.fixture(scope="module")
def plain_client(settings):
    """What FastAPI's own body handling answers, through the reference's problem handlers."""
    models = build_models(settings.max_batch_rows)
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/predict/batch")
    def predict_batch(batch: models.batch_request) -> dict[str, Any]:  # type: ignore[valid-type]
        return {"rows": len(batch.rows)}

    with TestClient(app) as client:
        yield client


def rows_body(*rows: Any, **extra: Any) -> bytes:
    return json.dumps({"rows": list(rows), **extra}).encode()


BODIES: list[tuple[str, bytes, str | None]] = [
    ("valid", rows_body(GOOD, {**GOOD, "sex": None}), JSON),
    ("valid-sex-omitted", rows_body({k: v for k, v in GOOD.items() if k != "sex"}), JSON),
    ("valid-charset", rows_body(GOOD), "application/json; charset=utf-8"),
    ("valid-plus-json", rows_body(GOOD), "application/vnd.penguins+json"),
    ("empty-body", b"", JSON),
    ("no-content-type", rows_body(GOOD), None),
    ("text-plain", rows_body(GOOD), "text/plain"),
    ("form", rows_body(GOOD), "application/x-www-form-urlencoded"),
    ("not-json", b"rows=1", JSON),
    ("truncated", rows_body(GOOD)[:-3], JSON),
    ("array", b"[1, 2]", JSON),
    ("null", b"null", JSON),
    ("empty-object", b"{}", JSON),
    ("empty-rows", rows_body(), JSON),
    ("too-many-rows", rows_body(*[GOOD] * 1001), JSON),
    ("rows-object", b'{"rows": {"a": 1}}', JSON),
    ("rows-null", b'{"rows": null}', JSON),
    ("row-not-object", rows_body(GOOD, 1), JSON),
    ("extra-top-level", rows_body(GOOD, note="hi"), JSON),
    ("bad-island", rows_body(GOOD, {**GOOD, "island": "Mars"}), JSON),
    ("nan", rows_body(GOOD, {**GOOD, "bill_length_mm": float("nan")}), JSON),
    ("string-number", rows_body({**GOOD, "body_mass_g": "4000"}), JSON),
    ("boolean-number", rows_body({**GOOD, "body_mass_g": True}), JSON),
    ("out-of-range", rows_body({**GOOD, "flipper_length_mm": 10}), JSON),
    ("missing-field", rows_body({k: v for k, v in GOOD.items() if k != "island"}), JSON),
    ("extra-field", rows_body({**GOOD, "colour": "black"}), JSON),
    ("many-bad-rows", rows_body(*[{**GOOD, "island": "Mars", "sex": "?"}] * 3), JSON),
]


@pytest.mark.parametrize(
    ("content", "content_type"), [b[1:] for b in BODIES], ids=[b[0] for b in BODIES]
)
def test_batch_body_errors_are_fastapis(client, plain_client, content, content_type):
    headers = {"content-type": content_type} if content_type else {}
    ours = client.post("/predict/batch", content=content, headers=headers)
    theirs = plain_client.post("/predict/batch", content=content, headers=headers)
    assert ours.status_code == theirs.status_code
    if theirs.status_code == 200:
        assert len(ours.json()["predictions"]) == theirs.json()["rows"]
        return
    assert ours.headers["content-type"] == theirs.headers["content-type"]
    assert ours.json() == theirs.json()


def test_batch_request_is_still_documented(client):
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/predict/batch"]["post"]["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/BatchRequest"}
    batch = spec["components"]["schemas"]["BatchRequest"]
    assert batch["properties"]["rows"]["items"] == {"$ref": "#/components/schemas/Penguin"}
    assert batch["additionalProperties"] is False
    assert batch["examples"][0]["rows"][0] == first_of_each_species()[0][1]


def test_a_batch_above_the_inline_limit_is_scored_in_the_thread_pool(model_dir, loaded_model):
    # Same answers on both sides of INLINE_BATCH_ROWS: only where the work runs differs.
    settings = Settings(model_dir=model_dir, max_batch_rows=INLINE_BATCH_ROWS + 10)
    rows = [GOOD, {**GOOD, "sex": None}] * ((INLINE_BATCH_ROWS + 10) // 2)
    assert len(rows) > INLINE_BATCH_ROWS
    with TestClient(create_app(settings)) as big:
        response = big.post("/predict/batch", json={"rows": rows})
    assert response.status_code == 200
    assert response.json() == {
        "predictions": expected_predictions(loaded_model, rows),
        "model_version": "1.0.0",
    }
