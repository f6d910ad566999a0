"""The module 2 reference image, built once per test session, or a clear skip without Docker."""

import sys

import pytest

from course.paths import REPO_ROOT

# The Docker helpers live with the course's scripts, which measure_images.py also uses.
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import dockerkit

TAG = "penguin-api:smoke-test"


@pytest.fixture(scope="session")
def image() -> str:
    if not dockerkit.DOCKERFILE.is_file():
        pytest.skip(f"{dockerkit.DOCKERFILE.relative_to(REPO_ROOT)} is not in this edition")
    problem = dockerkit.engine_problem()
    if problem is not None:
        pytest.skip(f"Image smoke test needs Docker: {problem}")
    dockerkit.build(TAG)
    return TAG
