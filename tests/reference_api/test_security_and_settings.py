"""API keys, production safety and the settings read from the environment."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from penguin_api.main import create_app
from penguin_api.settings import Settings, SettingsError
from pydantic import ValidationError

from tests.reference_api.penguins import first_of_each_species

_, PENGUIN = first_of_each_species()[0]


@pytest.fixture
def keyed_client(model_dir: Path):
    with TestClient(create_app(Settings(model_dir=model_dir, api_keys="alpha, beta"))) as client:
        yield client


def test_missing_key_is_401(keyed_client):
    response = keyed_client.post("/predict", json=PENGUIN)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "X-API-Key"
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "This endpoint needs an API key; send it in the X-API-Key header.",
    }


def test_wrong_key_is_403(keyed_client):
    response = keyed_client.post(
        "/predict/batch", json={"rows": [PENGUIN]}, headers={"X-API-Key": "gamma"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "The key in X-API-Key is not valid."


@pytest.mark.parametrize("key", ["alpha", "beta"])
def test_every_listed_key_is_accepted(keyed_client, key):
    response = keyed_client.post("/predict", json=PENGUIN, headers={"X-API-Key": key})
    assert response.status_code == 200


def test_probes_stay_open_with_keys(keyed_client):
    assert keyed_client.get("/health").status_code == 200
    assert keyed_client.get("/ready").status_code == 200


def test_keys_from_a_file(model_dir: Path, tmp_path: Path):
    keys = tmp_path / "keys.txt"
    keys.write_text("from-file\n\n")
    settings = Settings(model_dir=model_dir, api_keys_file=keys, api_keys="from-env")
    assert settings.accepted_keys() == ("from-env", "from-file")


def test_an_empty_key_file_variable_means_unset(monkeypatch):
    monkeypatch.setenv("API_KEYS_FILE", "")
    assert Settings().api_keys_file is None


def test_unreadable_key_file_is_a_sentence(tmp_path: Path):
    settings = Settings(api_keys_file=tmp_path / "missing.txt")
    with pytest.raises(SettingsError, match=r"cannot be read .*; point it at a readable file"):
        settings.accepted_keys()


def test_settings_come_from_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("API_KEYS", "k1,k2")
    monkeypatch.setenv("MAX_BATCH_ROWS", "5")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    settings = Settings()
    assert settings.model_dir == tmp_path
    assert settings.api_keys == ("k1", "k2")
    assert settings.max_batch_rows == 5
    assert settings.log_level == "warning"


def test_production_refuses_to_start_without_keys():
    with pytest.raises(ValidationError, match="APP_ENV=production needs API keys"):
        Settings(app_env="production")


def test_production_cannot_enable_debug():
    with pytest.raises(ValidationError, match="DEBUG cannot be enabled when APP_ENV=production"):
        Settings(app_env="production", api_keys="k", debug=True)


def test_production_hides_the_docs(model_dir: Path):
    app = create_app(Settings(model_dir=model_dir, app_env="production", api_keys="k"))
    with TestClient(app) as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(path).status_code == 404
        assert client.get("/ready").status_code == 200


def test_the_batch_limit_is_a_setting(model_dir: Path):
    with TestClient(create_app(Settings(model_dir=model_dir, max_batch_rows=2))) as client:
        assert client.post("/predict/batch", json={"rows": [PENGUIN] * 2}).status_code == 200
        response = client.post("/predict/batch", json={"rows": [PENGUIN] * 3})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "rows"


def test_an_unusable_model_stops_startup_with_the_fix(tmp_path: Path):
    app = create_app(Settings(model_dir=tmp_path))
    with pytest.raises(Exception, match="run `course model train` to create it"), TestClient(app):
        pass


def test_unexpected_errors_hide_the_trace(model_dir: Path):
    app = create_app(Settings(model_dir=model_dir))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "The server hit an unexpected error; it has been logged.",
    }
    assert "secret" not in response.text
