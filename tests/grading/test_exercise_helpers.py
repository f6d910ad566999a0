"""The grader's helpers for module 1's exercises 1, 3 and 6: answers files, scripts, problems."""

from pathlib import Path

import httpx
import pytest

from course.grading import CheckFailure
from course.grading.answers import expect_answers, load_answers
from course.grading.problem_details import error_fields, expect_problem
from course.grading.scripts import run_script


def _response(status: int, body: str, content_type: str) -> httpx.Response:
    return httpx.Response(status, content=body.encode(), headers={"content-type": content_type})


def test_error_fields_reads_both_formats():
    problem = '{"errors": [{"field": "rows[1].island", "message": "bad"}]}'
    default = '{"detail": [{"loc": ["body", "rows", 1, "island"], "msg": "bad"}]}'
    assert error_fields(_response(422, problem, "application/problem+json")) == ["rows[1].island"]
    assert error_fields(_response(422, default, "application/json")) == ["rows[1].island"]
    assert error_fields(_response(500, "Internal Server Error", "text/plain")) == []


def test_expect_problem_names_what_is_missing():
    body = '{"type": "about:blank", "title": "Not Found", "status": 404, "detail": "No."}'
    assert expect_problem(_response(404, body, "application/problem+json"), 404, "GET /x")
    with pytest.raises(CheckFailure, match="Content-Type is application/json"):
        expect_problem(_response(404, body, "application/json"), 404, "GET /x")
    with pytest.raises(CheckFailure, match="lacks the problem member"):
        expect_problem(_response(404, '{"detail": "No."}', "application/problem+json"), 404, "x")
    with pytest.raises(CheckFailure, match="answered 404, not 405"):
        expect_problem(_response(404, body, "application/problem+json"), 405, "GET /x")


def test_answers_name_each_wrong_or_missing_one(tmp_path: Path):
    (tmp_path / "answers.toml").write_text('[s]\na = "TODO"\nb = 405\nc = " POST"\n')
    given = load_answers(tmp_path, "answers.toml", "s")
    with pytest.raises(CheckFailure) as failure:
        expect_answers("answers.toml", "s", given, {"a": "x", "b": 404, "c": "post"}, help="h")
    assert "a is not answered yet" in failure.value.rationale
    assert "b = 405 is not right" in failure.value.rationale
    # " POST" and "post" are the same answer: case and spaces do not count.
    assert "c = " not in failure.value.rationale
    assert "c is" not in failure.value.rationale
    (tmp_path / "broken.toml").write_text("a = \n")
    with pytest.raises(CheckFailure, match="not valid TOML"):
        load_answers(tmp_path, "broken.toml", "s")


def test_scripts_missing_unwritten_and_hanging(tmp_path: Path):
    with pytest.raises(CheckFailure, match="does not exist"):
        run_script(tmp_path, "nowhere.sh")
    (tmp_path / "todo.sh").write_text('echo "todo.sh is not written yet" >&2\nexit 2\n')
    with pytest.raises(CheckFailure, match="still the starter's TODO"):
        run_script(tmp_path, "todo.sh")
    (tmp_path / "hang.sh").write_text("sleep 30\n")
    with pytest.raises(CheckFailure, match="did not finish"):
        run_script(tmp_path, "hang.sh", timeout_s=0.5)
    (tmp_path / "echo.sh").write_text('echo "$1"\n')
    assert run_script(tmp_path, "echo.sh", "8000").lines == ["8000"]
