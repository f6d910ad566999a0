"""CORS: off by default, an allow-list from CORS_ORIGINS, never a wildcard with credentials."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from penguin_api.main import create_app
from penguin_api.settings import Settings
from pydantic import ValidationError

from tests.reference_api.penguins import first_of_each_species

_, PENGUIN = first_of_each_species()[0]
ALLOWED = "https://penguins.example"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-key"}


@pytest.fixture(scope="module")
def cors_client(model_dir: Path):
    settings = Settings(model_dir=model_dir, cors_origins=ALLOWED, api_keys="k")
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_listed_origin_passes_the_preflight(cors_client):
    response = cors_client.options("/predict", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "x-api-key" in response.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers


def test_another_origin_gets_no_cors_headers(cors_client):
    response = cors_client.options(
        "/predict", headers={"Origin": "https://evil.example", **PREFLIGHT}
    )
    assert "access-control-allow-origin" not in response.headers


def test_refusals_carry_cors_headers_so_the_page_can_read_them(cors_client):
    response = cors_client.post("/predict", json=PENGUIN, headers={"Origin": ALLOWED})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == ALLOWED


def test_no_cors_without_origins(client):
    response = client.options("/predict", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert "access-control-allow-origin" not in response.headers


def test_origins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("CORS_ALLOW_CREDENTIALS", "true")
    settings = Settings()
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.cors_allow_credentials is True


def test_a_wildcard_with_credentials_is_refused():
    with pytest.raises(ValidationError, match="CORS_ORIGINS=\\* cannot be combined"):
        Settings(cors_origins="*", cors_allow_credentials=True)
    assert Settings(cors_origins="*").cors_origins == ("*",)
