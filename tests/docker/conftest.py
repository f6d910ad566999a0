"""The module 2 reference image, built once per test session, or a clear skip without Docker."""

import os

import pytest

from course import docker
from course.paths import REPO_ROOT

TAG = "penguin-api:smoke-test"


@pytest.fixture(scope="session")
def image() -> str:
    if not docker.DOCKERFILE.is_file():
        pytest.skip(f"{docker.DOCKERFILE.relative_to(REPO_ROOT)} is not in this edition")
    problem = docker.engine_problem()
    if problem is not None:
        # CI sets COURSE_REQUIRE_DOCKER=1 after scripts/ci_docker.sh: there a missing engine is
        # a broken pipeline, and a skip would hide it.
        if os.environ.get("COURSE_REQUIRE_DOCKER") == "1":
            pytest.fail(f"COURSE_REQUIRE_DOCKER=1 but {problem}")
        pytest.skip(f"Image smoke test needs Docker: {problem}")
    docker.build(TAG)
    return TAG
