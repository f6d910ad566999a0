"""`course grade` as students and instructors type it: exit codes, formats, messages."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

COURSE = [sys.executable, "-c", "from course.cli import app; app()"]


def course(*args: str, model_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MODEL_DIR": str(model_dir), "COLUMNS": "120"}
    return subprocess.run(
        [*COURSE, *args], capture_output=True, text=True, env=env, timeout=900, check=False
    )


def test_unknown_module_is_a_sentence(model_dir):
    run = course("grade", "7", model_dir=model_dir)
    assert run.returncode == 2
    assert "There is no module '7'; use one of 1 (module1_api)" in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_format_is_a_sentence(model_dir):
    run = course("grade", "1", "--format", "xml", model_dir=model_dir)
    assert run.returncode == 2
    assert "Unknown format 'xml'; use one of table, json, gradescope, junit, csv." in run.stderr


def test_unreleased_module_says_so(model_dir):
    run = course("grade", "module3_k8s", model_dir=model_dir)
    assert run.returncode == 2
    assert "module3_k8s has no graded checks yet" in run.stderr


def test_an_exercise_the_module_has_not_is_a_sentence(model_dir):
    run = course("grade", "1", "--solution", "--exercise", "42", model_dir=model_dir)
    assert run.returncode == 2
    assert "module1_api has no exercise 42" in " ".join(run.stderr.split())
    assert "Traceback" not in run.stderr


def test_missing_submission_folder_is_a_sentence(model_dir, tmp_path):
    run = course("grade", "1", "--submission", str(tmp_path), model_dir=model_dir)
    assert run.returncode == 2
    assert "has no module1_api/ folder" in run.stderr


def test_the_solution_scores_full_marks_in_gradescope_format(model_dir, tmp_path):
    out = tmp_path / "results.json"
    run = course(
        "grade", "1", "--solution", "--format", "gradescope", "--out", str(out), model_dir=model_dir
    )
    assert run.returncode == 0, run.stdout + run.stderr
    body = json.loads(out.read_text())
    assert body["score"] == body["max_score"] > 0


@pytest.fixture(scope="module")
def starter_run(tmp_path_factory, model_dir):
    return course("grade", "1", model_dir=model_dir)


def test_the_starter_scores_low_with_a_hint_per_failing_check(starter_run):
    assert starter_run.returncode == 1
    out = starter_run.stdout
    failed = re.search(r"points \(\d+%\)\s+—\s+\d+ passed, (\d+) failed", out)
    assert failed, out
    # Every failing check shows its hint; blocked checks name their prerequisite instead.
    assert out.count("hint:") == int(failed[1]) > 0
    assert "blocked: can't check until 'ready' passes" in out
    score = re.search(r"module1_api \(student\): (\d+)/(\d+)", out)
    assert score, out
    assert 0 < int(score[1]) < int(score[2]) / 4  # the setup checks pass, little else


def test_min_score_sets_the_pass_mark(model_dir):
    # The starter earns a few points (the setup checks): a pass mark of 1% lets it through.
    run = course("grade", "1", "--min-score", "1", "--format", "csv", model_dir=model_dir)
    assert run.returncode == 0
    assert run.stdout.splitlines()[0].startswith("module,target,check,exercise")
