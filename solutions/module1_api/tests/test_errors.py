"""Bad input is refused with 422 and one error format: problem+json naming the field."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

PROBLEM_JSON = "application/problem+json"


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status; returns its body."""
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


def post_json(client: TestClient, path: str, body: Any) -> Any:
    """POST ``body`` as JSON the way many clients write it: NaN and Infinity included.

    httpx (``json=``) refuses NaN; Python's json module and many other clients send it anyway,
    so the API must refuse it itself.
    """
    headers = {"Content-Type": "application/json"}
    return client.post(path, content=json.dumps(body), headers=headers)


# --8<-- [start:example]
@pytest.mark.parametrize("field", ["island", "bill_length_mm"])
def test_a_missing_field_is_a_422_naming_it(
    client: TestClient, penguins: list[tuple[str, dict[str, Any]]], field: str
) -> None:
    _, penguin = penguins[0]
    del penguin[field]  # each test gets its own copy
    body = assert_problem(client.post("/predict", json=penguin), 422)
    assert [error["field"] for error in body["errors"]] == [field]


# --8<-- [end:example]
# BEGIN STARTER
# # TODO (exercise 11): NaN, infinity, a number sent as a string, an unknown island and an
# # unexpected extra field are each refused with 422 (one parametrized test); the body is
# # problem+json and names the field.
# # TODO (exercise 11): an unknown path answers 404 as problem+json too.
# END STARTER
# BEGIN SOLUTION
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bill_length_mm", float("nan")),
        ("body_mass_g", float("inf")),
        ("flipper_length_mm", "181"),
        ("bill_depth_mm", -1.0),
        ("island", "Atlantis"),
        ("sex", "unknown"),
    ],
    ids=["nan", "infinity", "string-number", "negative", "unknown-island", "unknown-sex"],
)
def test_bad_values_are_refused_naming_the_field(
    client: TestClient, penguins: list[tuple[str, dict[str, Any]]], field: str, value: Any
) -> None:
    _, penguin = penguins[0]
    body = assert_problem(post_json(client, "/predict", {**penguin, field: value}), 422)
    assert [error["field"] for error in body["errors"]] == [field]


def test_an_unexpected_field_is_refused(
    client: TestClient, penguins: list[tuple[str, dict[str, Any]]]
) -> None:
    _, penguin = penguins[0]
    body = assert_problem(client.post("/predict", json={**penguin, "wingspan_mm": 3.0}), 422)
    assert [error["field"] for error in body["errors"]] == ["wingspan_mm"]


def test_a_bad_row_of_a_batch_is_named_by_its_index(
    client: TestClient, penguins: list[tuple[str, dict[str, Any]]]
) -> None:
    rows = [penguin for _, penguin in penguins]
    rows[1] = {**rows[1], "bill_length_mm": float("nan")}
    body = assert_problem(post_json(client, "/predict/batch", {"rows": rows}), 422)
    assert [error["field"] for error in body["errors"]] == ["rows[1].bill_length_mm"]


def test_an_unknown_path_is_a_problem_too(client: TestClient) -> None:
    assert_problem(client.get("/no-such-endpoint"), 404)


# END SOLUTION
