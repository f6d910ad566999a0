"""API keys: 401 when none is sent, 403 when the one sent is wrong, 200 with a good one."""

from typing import Any

from conftest import API_KEY
from fastapi.testclient import TestClient


# --8<-- [start:example]
def test_a_good_key_is_let_in(
    secured_client: TestClient, penguins: list[tuple[str, dict[str, Any]]]
) -> None:
    _, penguin = penguins[0]
    response = secured_client.post("/predict", json=penguin, headers={"X-API-Key": API_KEY})
    assert response.status_code == 200


# --8<-- [end:example]
# BEGIN STARTER
# # TODO (exercise 11): no key is a 401 (with a WWW-Authenticate header), a wrong key is a
# # 403, both as problem+json; the probes stay open without a key.
# END STARTER
# BEGIN SOLUTION
def test_no_key_is_a_401(
    secured_client: TestClient, penguins: list[tuple[str, dict[str, Any]]]
) -> None:
    _, penguin = penguins[0]
    response = secured_client.post("/predict", json=penguin)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "X-API-Key"


def test_a_wrong_key_is_a_403(
    secured_client: TestClient, penguins: list[tuple[str, dict[str, Any]]]
) -> None:
    rows = [penguin for _, penguin in penguins]
    response = secured_client.post(
        "/predict/batch", json={"rows": rows}, headers={"X-API-Key": "not-the-key"}
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def test_probes_need_no_key(secured_client: TestClient) -> None:
    assert secured_client.get("/health").status_code == 200
    assert secured_client.get("/ready").status_code == 200


# END SOLUTION
