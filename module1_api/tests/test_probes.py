"""Liveness and readiness: what a load balancer (and Kubernetes) asks the API."""

from fastapi.testclient import TestClient

from shared_model import LoadedModel


def test_health_answers_ok(client: TestClient) -> None:
    response = client.get("/health")
    # The status and the whole body: a check on one key would let anything else through.
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_names_the_model_version(client: TestClient, model: LoadedModel) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "model_version": model.version}


# TODO (exercise 11): GET /health must answer 200 even before the model is loaded
# (use the `client_without_model` fixture): liveness must not depend on the model.
# TODO (exercise 11): GET /ready answers 503 with a problem+json body before the model is
# loaded.
