"""The model's identity. Light on purpose: importing it does not import scikit-learn."""

MODEL_NAME = "penguin-classifier"
# Bump when the training recipe changes: the artifact directory and the API report this version.
MODEL_VERSION = "1.0.0"
DEFAULT_SEED = 42
