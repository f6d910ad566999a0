"""Fixtures shared by every test: one real trained model artifact per test session."""

from pathlib import Path

import pytest

from shared_model import LoadedModel, load_artifact, save_artifact, train


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly trained artifact, written the way `course model train` writes it."""
    return save_artifact(train(), tmp_path_factory.mktemp("model") / "penguin-classifier")


@pytest.fixture(scope="session")
def loaded_model(model_dir: Path) -> LoadedModel:
    return load_artifact(model_dir)
