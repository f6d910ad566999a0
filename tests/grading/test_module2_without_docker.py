"""Module 2 graded with and without a Docker engine: static verdicts never depend on it.

The starter is graded (its image builds in seconds); "without Docker" points DOCKER_HOST at a
socket that does not exist, which is what a laptop with Docker stopped looks like.
"""

import os

import pytest

from course.docker import engine_problem
from course.grading.results import GradeReport, Outcome
from course.grading.runner import Target, grade
from course.modules import resolve

MODULE2 = resolve("2")
NO_ENGINE = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}


def grade_starter(env: dict[str, str]) -> GradeReport:
    return grade(MODULE2, Target("student", MODULE2.student_dir()), include_hidden=True, env=env)


def verdicts(report: GradeReport, kind: str) -> dict[str, Outcome]:
    return {r.id: r.outcome for r in report.results if r.kind == kind}


@pytest.fixture(scope="module")
def without_docker() -> GradeReport:
    return grade_starter({**NO_ENGINE, "COURSE_REQUIRE_DOCKER": "0"})


def test_live_checks_are_not_run_and_say_how_to_get_docker(without_docker):
    live = [r for r in without_docker.results if r.kind == "live"]
    assert live
    for result in live:
        if result.outcome == Outcome.BLOCKED:
            continue  # blocked by a failing static check: that reason comes first
        assert result.outcome == Outcome.NOT_RUN, (result.id, result.message)
        assert "make docker-setup" in result.message


def test_static_verdicts_are_the_same_with_docker(without_docker):
    if os.environ.get("COURSE_REQUIRE_DOCKER") != "1" and engine_problem() is not None:
        pytest.skip(f"needs Docker to compare: {engine_problem()}")
    with_docker = grade_starter({"COURSE_REQUIRE_DOCKER": "0"})
    assert verdicts(with_docker, "static") == verdicts(without_docker, "static")
    assert Outcome.NOT_RUN not in verdicts(with_docker, "live").values()


def test_a_required_engine_that_is_missing_fails_the_live_checks():
    report = grade_starter({**NO_ENGINE, "COURSE_REQUIRE_DOCKER": "1"})
    live = verdicts(report, "live")
    assert Outcome.NOT_RUN not in live.values()
    assert Outcome.FAILED in live.values()
