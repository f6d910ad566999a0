"""The student edition: nothing instructor-only leaks, and grading works inside it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course.modules import resolve
from course.paths import REPO_ROOT
from course.release import leaks, student_mkdocs, write


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "penguins-course"
    write(out, [resolve("1")])
    return out


def test_nothing_instructor_only_leaks(edition):
    assert leaks(edition) == []
    assert not (edition / "solutions").exists()
    assert not (edition / "docs" / "instructors").exists()
    assert not (edition / "tests" / "reference_api").exists()


def test_only_released_modules_have_their_lab(edition):
    assert (edition / "module1_api" / "checks").is_dir()
    assert (edition / "module1_api" / "penguin_api" / "routes.py").is_file()
    for later in ("module2_docker", "module3_k8s", "module4_cicd"):
        assert sorted(p.name for p in (edition / later).iterdir()) == ["README.md"]


def test_the_starter_not_the_solution_is_released(edition):
    routes = (edition / "module1_api" / "penguin_api" / "routes.py").read_text()
    assert 'raise NotImplementedError("GET /health is not written yet (exercise 2)")' in routes
    assert "return Health()" not in routes


def test_lesson_pages_keep_exercises_and_hints_but_not_solutions(edition):
    full = (REPO_ROOT / "docs" / "module1" / "exercises.md").read_text()
    student = (edition / "docs" / "module1" / "exercises.md").read_text()
    assert '??? success "Solution"' in full
    assert '??? success "Solution"' not in student
    assert "solutions/" not in student
    assert student.count('??? tip "Hint') == full.count('??? tip "Hint') > 0


def test_it_is_a_git_repository_with_one_commit(edition):
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=edition, capture_output=True, text=True, check=True
    )
    assert log.stdout.strip().endswith("Student edition")


def test_a_planted_solution_is_caught(edition, tmp_path):
    planted = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(edition), str(planted)], check=True)
    solution = REPO_ROOT / "solutions" / "module1_api" / "penguin_api" / "routes.py"
    (planted / "module1_api" / "penguin_api" / "routes.py").write_text(solution.read_text())
    (planted / "solutions").mkdir()
    (planted / "solutions" / "notes.md").write_text("answers")
    found = leaks(planted)
    assert "solutions/notes.md is instructor-only" in found
    assert "module1_api/penguin_api/routes.py contains solution markers" in found
    assert "module1_api/penguin_api/routes.py is a copy of a solution file" in found


def test_instructor_navigation_is_removed():
    text = (
        "nav:\n  - Home: index.md\n"
        "  # BEGIN INSTRUCTORS\n  - Instructors:\n      - instructors/index.md\n"
        "  # END INSTRUCTORS\n"
        "  - Licences: licences.md\n"
    )
    assert student_mkdocs(text) == "nav:\n  - Home: index.md\n  - Licences: licences.md\n"


def test_the_edition_grades_its_own_starter(edition, model_dir):
    env = {**os.environ, "PYTHONPATH": str(edition), "MODEL_DIR": str(model_dir)}
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from course.cli import app; app()",
            "grade",
            "1",
            "--format",
            "json",
        ],
        cwd=edition,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr  # below full marks
    report = json.loads(run.stdout)
    assert report["path"] == str(edition / "module1_api")
    assert report["counts"]["error"] == 0
    assert 0 < report["score"] < report["max_score"]
    assert "predict-whole-dataset" not in {r["id"] for r in report["results"]}


def test_the_editions_own_tests_pass(edition, model_dir):
    env = {**os.environ, "PYTHONPATH": str(edition), "MODEL_DIR": str(model_dir)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=edition,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.fixture(scope="module")
def edition_with_docker_weekend(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release-1-2") / "penguins-course"
    write(out, [resolve("1"), resolve("2")])
    return out


def test_the_docker_weekend_is_released_with_a_working_api_and_no_leak(
    edition_with_docker_weekend,
):
    module2 = edition_with_docker_weekend / "module2_docker"
    assert (module2 / "Dockerfile").is_file()
    assert (module2 / "penguin_api" / "routes.py").is_file()  # the catch-up API
    assert not (module2 / "checks" / "test_hidden.py").exists()
    assert leaks(edition_with_docker_weekend) == []


def test_the_edition_grades_module_2(edition_with_docker_weekend, model_dir):
    # Without an engine: the static checks are graded, the live ones say how to get Docker.
    env = {
        **os.environ,
        "PYTHONPATH": str(edition_with_docker_weekend),
        "MODEL_DIR": str(model_dir),
        "DOCKER_HOST": "unix:///nonexistent/docker.sock",
        "COURSE_REQUIRE_DOCKER": "0",
    }
    course = [sys.executable, "-c", "from course.cli import app; app()"]
    run = subprocess.run(
        [*course, "grade", "2", "--format", "json"],
        cwd=edition_with_docker_weekend,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(run.stdout)
    assert report["path"] == str(edition_with_docker_weekend / "module2_docker")
    assert report["counts"]["error"] == 0
    assert 0 < report["score"] < report["max_score"]
    outcomes = {r["kind"]: set() for r in report["results"]}
    for result in report["results"]:
        outcomes[result["kind"]].add(result["outcome"])
    assert outcomes["live"] <= {"not run", "blocked"}


@pytest.mark.parametrize(
    ("script", "target", "reference"),
    [
        ("measure_images.py", "make docker-measure", "solutions/module2_docker/"),
        ("measure_compose_scaling.py", "make compose-scale", "solutions/module2_docker/compose/"),
    ],
)
def test_the_measuring_scripts_stop_before_docker_without_the_reference(
    edition_with_docker_weekend, script, target, reference
):
    # An engine that is not there: the script must stop on the missing reference first.
    env = {
        **os.environ,
        "PYTHONPATH": str(edition_with_docker_weekend),
        "DOCKER_HOST": "unix:///nonexistent/docker.sock",
    }
    run = subprocess.run(
        [sys.executable, str(edition_with_docker_weekend / "scripts" / script)],
        cwd=edition_with_docker_weekend,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = " ".join((run.stdout + run.stderr).split())
    assert run.returncode == 1, said
    assert f"{target} measures the course's reference" in said
    assert f"only the instructors' edition has ({reference})" in said
    assert "Traceback" not in said


def test_release_names_the_catch_up_copies_it_ships(edition, tmp_path):
    from course.console import console
    from course.instructor_cli import _announce_catch_up

    with console.capture() as weekend1_only:
        _announce_catch_up(edition)
    assert weekend1_only.get() == ""
    both = tmp_path / "weekends-1-2"
    write(both, [resolve("1"), resolve("2")])
    with console.capture() as captured:
        _announce_catch_up(both)
    said = " ".join(captured.get().split())
    assert (
        "module2_docker/penguin_api/ is the catch-up copy of solutions/module1_api/penguin_api/"
        in said
    )
    assert "module2_docker/load/ is the catch-up copy of solutions/module1_api/load/" in said
