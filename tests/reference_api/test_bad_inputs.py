"""A battery of bad inputs: each gets a 4xx problem+json that names the field, never a 5xx."""

import json
from typing import Any

import pytest

from tests.reference_api.penguins import first_of_each_species

_, GOOD = first_of_each_species()[0]
JSON = {"content-type": "application/json"}
FORM = "application/x-www-form-urlencoded"


def body(**changes: Any) -> bytes:
    """A real penguin with some fields changed; raw text so NaN and 1e309 reach the server."""
    penguin = {**GOOD, **changes}
    return json.dumps({k: v for k, v in penguin.items() if v is not ...}).encode()


def raw(text: str) -> bytes:
    return text.encode()


# (case id, path, raw body, headers, expected status, field the error must name or None)
CASES: list[tuple[str, str, bytes, dict[str, str], int, str | None]] = [
    ("nan", "/predict", body(bill_length_mm=float("nan")), JSON, 422, "bill_length_mm"),
    ("infinity", "/predict", body(bill_depth_mm=float("inf")), JSON, 422, "bill_depth_mm"),
    ("minus-infinity", "/predict", body(bill_depth_mm=float("-inf")), JSON, 422, "bill_depth_mm"),
    (
        "1e309",
        "/predict",
        body(flipper_length_mm=0).replace(b'"flipper_length_mm": 0', b'"flipper_length_mm": 1e309'),
        JSON,
        422,
        "flipper_length_mm",
    ),
    ("huge", "/predict", body(body_mass_g=1e300), JSON, 422, "body_mass_g"),
    ("negative", "/predict", body(body_mass_g=-4000), JSON, 422, "body_mass_g"),
    ("number-as-string", "/predict", body(bill_length_mm="39.1"), JSON, 422, "bill_length_mm"),
    ("boolean-as-number", "/predict", body(bill_length_mm=True), JSON, 422, "bill_length_mm"),
    ("unknown-island", "/predict", body(island="Atlantis"), JSON, 422, "island"),
    ("unknown-sex", "/predict", body(sex="unknown"), JSON, 422, "sex"),
    ("wrong-case-category", "/predict", body(island="biscoe"), JSON, 422, "island"),
    ("unicode-category", "/predict", body(island="Biscoé🐧"), JSON, 422, "island"),
    ("extra-field", "/predict", body(beak_colour="orange"), JSON, 422, "beak_colour"),
    ("missing-field", "/predict", body(island=...), JSON, 422, "island"),
    ("null-for-required", "/predict", body(flipper_length_mm=None), JSON, 422, "flipper_length_mm"),
    ("list-for-number", "/predict", body(bill_length_mm=[39.1]), JSON, 422, "bill_length_mm"),
    ("array-body", "/predict", raw("[1, 2]"), JSON, 422, "body"),
    ("empty-body", "/predict", b"", JSON, 422, "body"),
    ("not-json", "/predict", raw("species=Adelie"), JSON, 400, None),
    ("truncated-json", "/predict", body()[:-5], JSON, 400, None),
    ("wrong-content-type", "/predict", body(), {"content-type": "text/plain"}, 415, None),
    (
        "form-content-type",
        "/predict",
        body(),
        {"content-type": "application/x-www-form-urlencoded"},
        415,
        None,
    ),
    ("empty-batch", "/predict/batch", raw('{"rows": []}'), JSON, 422, "rows"),
    (
        "oversized-batch",
        "/predict/batch",
        json.dumps({"rows": [GOOD] * 1001}).encode(),
        JSON,
        422,
        "rows",
    ),
    (
        "bad-row-in-batch",
        "/predict/batch",
        json.dumps({"rows": [GOOD, {**GOOD, "island": "Mars"}]}).encode(),
        JSON,
        422,
        "rows[1].island",
    ),
    ("batch-not-a-list", "/predict/batch", raw('{"rows": {"a": 1}}'), JSON, 422, "rows"),
    ("batch-missing-rows", "/predict/batch", raw("{}"), JSON, 422, "rows"),
    ("body-too-large", "/predict/batch", b'{"rows": [' + b" " * 1_100_000 + b"]}", JSON, 413, None),
]


@pytest.mark.parametrize(
    ("path", "content", "headers", "status", "field"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_gets_a_4xx_problem(client, path, content, headers, status, field):
    response = client.post(path, content=content, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["type"]
    assert problem["detail"].endswith(".")
    assert "Traceback" not in response.text
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]]
        assert field in problem["detail"]


def test_validation_problem_in_full(client):
    response = client.post("/predict", content=body(island="Atlantis"), headers=JSON)
    assert response.json() == {
        "type": "urn:penguin-api:problem:validation-error",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "1 invalid field: island: Input should be 'Biscoe', 'Dream' or 'Torgersen'.",
        "errors": [
            {
                "field": "island",
                "message": "Input should be 'Biscoe', 'Dream' or 'Torgersen'",
                "type": "literal_error",
            }
        ],
    }


def test_unknown_route_and_method_are_problems_too(client):
    assert client.get("/nowhere").json()["status"] == 404
    response = client.get("/predict")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


def test_the_server_survives_the_battery(client):
    for _, path, content, headers, _, _ in CASES:
        client.post(path, content=content, headers=headers)
    assert client.get("/ready").status_code == 200
    assert client.post("/predict", json=GOOD).status_code == 200
