"""Saving and loading artifacts: checksums, versions and the messages students see."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio

from shared_model import SCHEMA, ArtifactError, load_artifact
from shared_model.artifact import (
    CHECKSUM_FILE,
    METADATA_FILE,
    MODEL_FILE,
    recipe_sha256,
    runtime_versions,
)
from shared_model.data import data_sha256, load_penguins


@pytest.fixture
def artifact_copy(model_dir: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(model_dir, tmp_path / "artifact"))


def _edit_metadata(directory: Path, **changes: object) -> None:
    path = directory / METADATA_FILE
    metadata = json.loads(path.read_text())
    for key, value in changes.items():
        target = metadata
        *parents, leaf = key.split("__")
        for parent in parents:
            target = target[parent]
        target[leaf] = value
    path.write_text(json.dumps(metadata))


def test_the_artifact_holds_model_checksum_and_metadata(model_dir: Path):
    assert sorted(p.name for p in model_dir.iterdir()) == sorted(
        [MODEL_FILE, CHECKSUM_FILE, METADATA_FILE]
    )
    metadata = json.loads((model_dir / METADATA_FILE).read_text())
    assert metadata["name"] == "penguin-classifier"
    assert metadata["version"] == "1.0.0"
    assert metadata["versions"] == runtime_versions()
    assert metadata["training_data_sha256"] == data_sha256()
    assert metadata["recipe_sha256"] == recipe_sha256()
    assert metadata["classes"] == list(SCHEMA.classes)
    assert metadata["feature_schema"] == SCHEMA.to_dict()
    assert set(metadata["metrics"]) == {"accuracy", "macro_f1", "n_train", "n_test"}
    assert metadata["created_at"].endswith("+00:00")
    checksum_line = (model_dir / CHECKSUM_FILE).read_text()
    assert checksum_line == f"{metadata['model_sha256']}  {MODEL_FILE}\n"


def test_a_loaded_model_predicts_the_data_set(loaded_model):
    frame = load_penguins()
    records = frame[list(SCHEMA.names)].replace({np.nan: None}).to_dict("records")
    predicted = np.array(loaded_model.classes)[loaded_model.predict_proba(records).argmax(axis=1)]
    assert (predicted == frame[SCHEMA.target.name].to_numpy()).mean() >= 0.95


def test_missing_artifact(tmp_path: Path):
    with pytest.raises(ArtifactError) as err:
        load_artifact(tmp_path / "nowhere")
    assert str(err.value) == (
        f"No trained model in {tmp_path / 'nowhere'} (expected metadata.json and model.skops); "
        "run `course model train` to create it."
    )


def test_corrupted_model_file(artifact_copy: Path):
    with (artifact_copy / MODEL_FILE).open("ab") as f:
        f.write(b"\0")
    with pytest.raises(
        ArtifactError,
        match=r"is corrupted or was replaced: its sha256 is .*"
        r"run `course model train` to rebuild it\.$",
    ):
        load_artifact(artifact_copy)


def test_unreadable_metadata(artifact_copy: Path):
    (artifact_copy / METADATA_FILE).write_text("{not json")
    with pytest.raises(ArtifactError, match="is not a valid model metadata file"):
        load_artifact(artifact_copy)


@pytest.mark.parametrize("library", ["scikit-learn", "numpy"])
def test_library_version_mismatch(artifact_copy: Path, library: str):
    _edit_metadata(artifact_copy, **{f"versions__{library}": "0.0.1"})
    with pytest.raises(ArtifactError) as err:
        load_artifact(artifact_copy)
    current = runtime_versions()[library]
    assert str(err.value) == (
        f"The model in {artifact_copy} was saved with {library} 0.0.1 but this environment has "
        f"{library} {current}; run `course model train` to retrain it here (or install the "
        "locked versions with `make install`)."
    )


def test_python_patch_releases_are_compatible(artifact_copy: Path):
    major, minor, _ = runtime_versions()["python"].split(".")
    _edit_metadata(artifact_copy, versions__python=f"{major}.{minor}.999")
    assert load_artifact(artifact_copy).version == "1.0.0"


def test_python_minor_mismatch(artifact_copy: Path):
    _edit_metadata(artifact_copy, versions__python="3.99.0")
    with pytest.raises(ArtifactError, match=r"saved with Python 3\.99 but this is Python"):
        load_artifact(artifact_copy)


def test_a_model_from_another_training_recipe_is_refused(artifact_copy: Path):
    _edit_metadata(artifact_copy, recipe_sha256="0" * 64)
    with pytest.raises(ArtifactError) as err:
        load_artifact(artifact_copy)
    assert str(err.value) == (
        f"The model in {artifact_copy} was trained by another version of "
        "shared_model/training.py than this one; run `course model train` to retrain it."
    )


def test_schema_drift_is_detected(artifact_copy: Path):
    metadata = json.loads((artifact_copy / METADATA_FILE).read_text())
    metadata["feature_schema"]["features"][0]["maximum"] = 99.0
    (artifact_copy / METADATA_FILE).write_text(json.dumps(metadata))
    with pytest.raises(ArtifactError, match="trained on a different feature schema"):
        load_artifact(artifact_copy)


def test_a_file_with_untrusted_types_is_refused(artifact_copy: Path):
    # A pipeline-shaped file that smuggles in a function: exactly what a malicious pickle does.
    payload = {"steps": [print]}
    sio.dump(payload, artifact_copy / MODEL_FILE)
    digest = __import__("hashlib").sha256((artifact_copy / MODEL_FILE).read_bytes()).hexdigest()
    _edit_metadata(artifact_copy, model_sha256=digest)
    with pytest.raises(ArtifactError, match=r"contains types this course does not trust \(.*print"):
        load_artifact(artifact_copy)
