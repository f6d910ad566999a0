"""The reference API (module 1's solution), built from its factory on a real model."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from course.paths import MODULE1, SOLUTIONS

# The solution's package is imported from its own folder, exactly as `course serve` does.
sys.path.insert(0, str(SOLUTIONS / MODULE1))

from typing import Any

from fastapi import FastAPI
from penguin_api.main import create_app
from penguin_api.problems import install_problem_handlers
from penguin_api.schemas import build_models
from penguin_api.settings import Settings


@pytest.fixture(scope="session")
def settings(model_dir: Path) -> Settings:
    return Settings(model_dir=model_dir)


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    """A client whose `with` block runs the app's lifespan, so the model is loaded."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def plain_client(settings: Settings) -> Iterator[TestClient]:
    """What FastAPI's own body handling answers, through the reference's problem handlers.

    The reference's prediction endpoints read their bodies themselves; this app declares the
    same models as ordinary body parameters, so that tests can compare the two answer for answer.
    """
    models = build_models(settings.max_batch_rows)
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/predict")
    def predict(penguin: models.penguin) -> dict[str, Any]:  # type: ignore[valid-type]
        return penguin.model_dump()

    @app.post("/predict/batch")
    def predict_batch(batch: models.batch_request) -> dict[str, Any]:  # type: ignore[valid-type]
        return {"rows": len(batch.rows)}

    with TestClient(app) as client:
        yield client
