"""The course's one shared model: the Palmer penguins species classifier.

Every module grows this package's model: module 1 serves it over HTTP, module 2 ships it in an
image, module 3 scales it on Kubernetes and module 4 retrains and redeploys it automatically.

Names are imported lazily: scikit-learn takes seconds to import, and a command that only needs
the schema or the version (``course --help``) should not pay for it.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ArtifactError": "shared_model.artifact",
    "LoadedModel": "shared_model.artifact",
    "default_model_dir": "shared_model.artifact",
    "load_artifact": "shared_model.artifact",
    "save_artifact": "shared_model.artifact",
    "FEATURES": "shared_model.schema",
    "SCHEMA": "shared_model.schema",
    "TARGET": "shared_model.schema",
    "FeatureSchema": "shared_model.schema",
    "TrainedModel": "shared_model.training",
    "train": "shared_model.training",
    "MODEL_NAME": "shared_model.version",
    "MODEL_VERSION": "shared_model.version",
}

__all__ = [
    "FEATURES",
    "MODEL_NAME",
    "MODEL_VERSION",
    "SCHEMA",
    "TARGET",
    "ArtifactError",
    "FeatureSchema",
    "LoadedModel",
    "TrainedModel",
    "default_model_dir",
    "load_artifact",
    "save_artifact",
    "train",
]

if TYPE_CHECKING:
    from shared_model.artifact import (
        ArtifactError,
        LoadedModel,
        default_model_dir,
        load_artifact,
        save_artifact,
    )
    from shared_model.schema import FEATURES, SCHEMA, TARGET, FeatureSchema
    from shared_model.training import TrainedModel, train
    from shared_model.version import MODEL_NAME, MODEL_VERSION


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'shared_model' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
