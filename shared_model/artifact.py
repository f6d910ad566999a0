"""Saving and loading a versioned model artifact, safely.

An artifact is a directory::

    models/penguin-classifier/1.0.0/
        model.skops          the fitted pipeline
        model.skops.sha256   its checksum, in ``sha256sum`` format
        metadata.json        name, version, provenance, library versions, metrics, schema

Why skops and not pickle/joblib: unpickling runs whatever code the file names, so a model file
from a colleague's laptop or an object store is a program you execute. ``skops.io`` refuses any
type that is not on an explicit allow-list (``TRUSTED_TYPES``), and we still verify the checksum
and the library versions before we read a byte of it.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from shared_model.data import model_frame
from shared_model.schema import SCHEMA, FeatureSchema
from shared_model.version import MODEL_NAME, MODEL_VERSION

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from shared_model.training import TrainedModel

# scikit-learn and skops are imported inside the functions that need them: together they take
# seconds to import, and a module that only defines an API (or a grader that only checks that it
# imports) should not pay for them before the model is actually loaded.

MODEL_FILE = "model.skops"
CHECKSUM_FILE = "model.skops.sha256"
METADATA_FILE = "metadata.json"
FIX_COMMAND = "course model train"

# --8<-- [start:trusted-types]
# Every type our pipeline stores that skops does not trust by default. Anything else in a file
# (say, a function smuggled in by an attacker) makes loading fail instead of running it.
TRUSTED_TYPES: frozenset[str] = frozenset({"numpy.dtype"})
# --8<-- [end:trusted-types]


class ArtifactError(RuntimeError):
    """A model artifact that cannot be served. The message is one sentence with the fix."""


@dataclass(frozen=True)
class LoadedModel:
    pipeline: Pipeline
    metadata: dict[str, Any]
    schema: FeatureSchema

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.metadata["classes"])

    def predict_proba(self, records: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Class probabilities, one row per record, columns in ``classes`` order."""
        frame = pd.DataFrame.from_records(records, columns=list(self.schema.names))
        return self.pipeline.predict_proba(model_frame(frame, self.schema))


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def default_model_dir() -> Path:
    """Where ``course model train`` writes and ``course serve`` reads when MODEL_DIR is unset."""
    return repo_root() / "models" / MODEL_NAME / MODEL_VERSION


def runtime_versions() -> dict[str, str]:
    """The versions an artifact is tied to (see ``check_versions``)."""
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    }


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=repo_root(),
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_artifact(model: TrainedModel, out_dir: Path) -> Path:
    """Write the model, its checksum and its metadata to ``out_dir``; returns ``out_dir``."""
    import skops.io as sio

    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = out_dir / MODEL_FILE
    sio.dump(model.pipeline, model_path)
    digest = _sha256(model_path)
    (out_dir / CHECKSUM_FILE).write_text(f"{digest}  {MODEL_FILE}\n")
    metadata = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "versions": runtime_versions(),
        "training_data_sha256": model.data_sha256,
        "recipe_sha256": recipe_sha256(),
        "seed": model.seed,
        "metrics": model.metrics,
        "classes": list(model.schema.classes),
        "feature_schema": model.schema.to_dict(),
        "model_file": MODEL_FILE,
        "model_sha256": digest,
    }
    (out_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    return out_dir


def recipe_sha256() -> str:
    """A fingerprint of the training code: a model made by another recipe is another model.

    Library versions and the schema can match while the pipeline's steps differ (an imputer
    changed, a step added); such a model may load and then fail or mispredict at serving time.
    """
    return _sha256(Path(__file__).with_name("training.py"))


def check_versions(recorded: dict[str, str], model_dir: Path) -> None:
    """scikit-learn and numpy must match exactly, Python by major.minor.

    scikit-learn gives no guarantee that a model saved by one version predicts the same (or loads
    at all) in another, so a mismatch is an error, not a warning.
    """
    current = runtime_versions()
    for library in ("scikit-learn", "numpy"):
        if recorded.get(library) != current[library]:
            raise ArtifactError(
                f"The model in {model_dir} was saved with {library} {recorded.get(library)} but "
                f"this environment has {library} {current[library]}; run `{FIX_COMMAND}` to "
                "retrain it here (or install the locked versions with `make install`)."
            )
    saved_py = ".".join(str(recorded.get("python", "")).split(".")[:2])
    this_py = ".".join(current["python"].split(".")[:2])
    if saved_py != this_py:
        raise ArtifactError(
            f"The model in {model_dir} was saved with Python {saved_py} but this is Python "
            f"{this_py}; run `{FIX_COMMAND}` to retrain it with this Python."
        )


def load_artifact(model_dir: Path, schema: FeatureSchema = SCHEMA) -> LoadedModel:
    """Verify, then load. Every failure is an ``ArtifactError`` whose message names the fix."""
    import skops.io as sio

    model_dir = Path(model_dir)
    metadata_path = model_dir / METADATA_FILE
    model_path = model_dir / MODEL_FILE
    if not metadata_path.is_file() or not model_path.is_file():
        raise ArtifactError(
            f"No trained model in {model_dir} (expected {METADATA_FILE} and {MODEL_FILE}); "
            f"run `{FIX_COMMAND}` to create it."
        )
    try:
        metadata = json.loads(metadata_path.read_text())
        expected = str(metadata["model_sha256"])
        recorded_versions = dict(metadata["versions"])
        saved_schema = FeatureSchema.from_dict(metadata["feature_schema"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ArtifactError(
            f"{metadata_path} is not a valid model metadata file ({exc}); "
            f"run `{FIX_COMMAND}` to rebuild the artifact."
        ) from exc
    actual = _sha256(model_path)
    if actual != expected:
        raise ArtifactError(
            f"{model_path} is corrupted or was replaced: its sha256 is {actual[:12]}… but "
            f"{METADATA_FILE} expects {expected[:12]}…; run `{FIX_COMMAND}` to rebuild it."
        )
    check_versions(recorded_versions, model_dir)
    if metadata.get("recipe_sha256") != recipe_sha256():
        raise ArtifactError(
            f"The model in {model_dir} was trained by another version of "
            f"shared_model/training.py than this one; run `{FIX_COMMAND}` to retrain it."
        )
    if saved_schema != schema:
        raise ArtifactError(
            f"The model in {model_dir} was trained on a different feature schema than the one "
            f"in shared_model/schema.py; run `{FIX_COMMAND}` to retrain it on the current one."
        )
    untrusted = set(sio.get_untrusted_types(file=model_path)) - TRUSTED_TYPES
    if untrusted:
        raise ArtifactError(
            f"{model_path} contains types this course does not trust "
            f"({', '.join(sorted(untrusted))}); refusing to load it. Retrain with "
            f"`{FIX_COMMAND}` rather than loading files from elsewhere."
        )
    pipeline = sio.load(model_path, trusted=sorted(TRUSTED_TYPES))
    if tuple(pipeline.classes_) != tuple(metadata["classes"]):
        raise ArtifactError(
            f"The model in {model_dir} predicts classes {list(pipeline.classes_)} but its metadata "
            f"lists {metadata['classes']}; run `{FIX_COMMAND}` to rebuild the artifact."
        )
    return LoadedModel(pipeline=pipeline, metadata=metadata, schema=saved_schema)
