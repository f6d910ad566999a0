"""The validation lesson's worked example says what each model does: hold it to that."""

import importlib.util

import pytest

from course.paths import REPO_ROOT

# Loaded from its path: docs/ is the website's folder, not a Python package.
_spec = importlib.util.spec_from_file_location(
    "lax_and_strict", REPO_ROOT / "docs" / "examples" / "lax_and_strict.py"
)
assert _spec is not None
assert _spec.loader is not None
example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(example)
BODIES, LaxReading, StrictReading, verdict = (
    example.BODIES,
    example.LaxReading,
    example.StrictReading,
    example.verdict,
)


@pytest.mark.parametrize("name", list(BODIES))
def test_the_lax_model_accepts_everything(name):
    assert verdict(LaxReading, BODIES[name]).startswith("accepted")


@pytest.mark.parametrize("name", list(BODIES))
def test_the_strict_model_accepts_only_the_valid_body(name):
    expected = "accepted" if name == "valid" else "rejected"
    assert verdict(StrictReading, BODIES[name]).startswith(expected)
