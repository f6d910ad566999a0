"""Fixtures for the API's own tests: the app from ``create_app``, with and without its model.

Run them with ``.venv/bin/pytest module1_api/tests`` from the repository root. They import
``penguin_api`` from whichever copy comes first on the path (``PYTHONPATH``), and from this
module folder otherwise: the grader runs the very same tests against other copies of the API.
"""

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Appended, not prepended: a copy of penguin_api named on PYTHONPATH must win.
sys.path.append(str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from penguin_api.main import create_app
from penguin_api.settings import Settings

from shared_model import LoadedModel, load_artifact
from shared_model.data import first_of_each_species

API_KEY = "test-key-for-the-suite"


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    """The app with its lifespan run (the model is loaded), and no API key required."""
    with TestClient(create_app(Settings(api_keys=()))) as client:
        yield client


@pytest.fixture
def client_without_model() -> TestClient:
    """The app before its lifespan has run: the process is up, the model is not loaded."""
    return TestClient(create_app(Settings(api_keys=())))


@pytest.fixture(scope="session")
def secured_client() -> Iterator[TestClient]:
    """The app with one accepted API key."""
    with TestClient(create_app(Settings(api_keys=(API_KEY,)))) as client:
        yield client


@pytest.fixture(scope="session")
def model() -> LoadedModel:
    """The model the app serves, loaded by the course's own code: the source of the truth."""
    return load_artifact(Settings().model_dir)


@pytest.fixture
def penguins() -> list[tuple[str, dict[str, Any]]]:
    """(species, request body) for a real penguin of each species: a fresh copy per test."""
    return first_of_each_species()
