"""The reference API (module 1's solution), built from its factory on a real model."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from course.paths import MODULE1, SOLUTIONS

# The solution's package is imported from its own folder, exactly as `course serve` does.
sys.path.insert(0, str(SOLUTIONS / MODULE1))

from penguin_api.main import create_app
from penguin_api.settings import Settings


@pytest.fixture(scope="session")
def settings(model_dir: Path) -> Settings:
    return Settings(model_dir=model_dir)


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    """A client whose `with` block runs the app's lifespan, so the model is loaded."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client
