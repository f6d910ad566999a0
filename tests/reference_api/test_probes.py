"""Liveness, readiness and model metadata."""

from fastapi.testclient import TestClient
from penguin_api.main import create_app


def test_health_is_alive(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_once_the_model_is_loaded(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "model_version": "1.0.0"}


def test_not_ready_before_the_model_is_loaded(settings):
    # Without `with`, TestClient does not run the lifespan: no model has been loaded.
    client = TestClient(create_app(settings))
    assert client.get("/health").status_code == 200
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.json() == {
        "type": "urn:penguin-api:problem:model-not-ready",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The model is not loaded yet; retry when GET /ready returns 200.",
    }


def test_model_metadata(client, loaded_model):
    response = client.get("/model")
    assert response.status_code == 200
    expected_keys = {
        "name",
        "version",
        "created_at",
        "git_commit",
        "versions",
        "training_data_sha256",
        "metrics",
        "classes",
        "feature_schema",
    }
    assert response.json() == {k: loaded_model.metadata[k] for k in expected_keys}
