"""The runner behind exercises 11 and 12: a student's tests against several copies of the API."""

from pathlib import Path

from course.grading.student_tests import Job, run_student_tests

TESTS = """
import time

import penguin_api


def test_the_version_is_one():
    assert penguin_api.API_VERSION == "1.0.0"


def test_sleeps_when_asked():
    if penguin_api.API_VERSION == "sleep":
        time.sleep(600)
"""


def package(root: Path, version: str) -> Path:
    (root / "penguin_api").mkdir(parents=True)
    (root / "penguin_api" / "__init__.py").write_text(f"API_VERSION = {version!r}\n")
    return root


def test_each_copy_gets_its_own_run_and_a_hung_one_is_stopped(tmp_path):
    tests = tmp_path / "student" / "tests"
    tests.mkdir(parents=True)
    (tests / "test_version.py").write_text(TESTS)
    runs = run_student_tests(
        [
            Job("right", package(tmp_path / "right", "1.0.0"), tests),
            Job("wrong", package(tmp_path / "wrong", "2.0.0"), tests),
            Job("hangs", package(tmp_path / "hangs", "sleep"), tests),
        ],
        timeout_s=10,
    )
    assert runs["right"].all_passed
    assert runs["right"].collected == 2
    assert not runs["right"].caught
    assert runs["wrong"].caught
    assert runs["wrong"].failed == ["test_version.py::test_the_version_is_one"]
    assert runs["hangs"].timed_out
    assert not runs["hangs"].caught
