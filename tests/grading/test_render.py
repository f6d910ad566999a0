"""Golden files: every report format, rendered from one report that has every outcome.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/grading/test_render.py``
and review the diff like code.
"""

import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from course.grading.render import render
from course.grading.results import CheckResult, GradeReport, Outcome

GOLDEN = Path(__file__).with_name("golden")


def sample_report() -> GradeReport:
    def result(id_: str, outcome: Outcome, points: int, **extra) -> CheckResult:
        return CheckResult(
            id=id_,
            title=f"The {id_.replace('-', ' ')} check",
            exercise="2. First endpoints" if points < 3 else "4. Prediction",
            points=points,
            outcome=outcome,
            hint=f"Hint for {id_}.",
            duration_s=0.5,
            **extra,
        )

    return GradeReport(
        module="module1_api",
        target="submission",
        path="/submissions/ada/module1_api",
        duration_s=12.345,
        results=[
            result("health", Outcome.PASSED, 2),
            result(
                "ready",
                Outcome.FAILED,
                2,
                message="The body of GET /ready is not what was expected",
                expected={"status": "ready", "model_version": "1.0.0"},
                actual={"status": "ok"},
                detail="Traceback (most recent call last): ...",
            ),
            result("not-ready", Outcome.BLOCKED, 1, message="can't check until 'ready' passes"),
            result("predict", Outcome.FAILED, 3, message="took longer than its 30 s time limit"),
            result(
                "in-docker",
                Outcome.NOT_RUN,
                2,
                kind="live",
                message="needs a running Docker engine: start Docker, then grade again",
            ),
            result("grader-bug", Outcome.ERROR, 1, message="the grader broke (KeyError: 'x')"),
            result(
                "hidden-one",
                Outcome.FAILED,
                3,
                hidden=True,
                message="secret: 12 of 67 penguins differ",
                expected=0,
                actual=12,
                detail="secret traceback",
            ),
        ],
    )


@pytest.mark.parametrize(
    ("fmt", "filename"),
    [
        ("table", "report.txt"),
        ("json", "report.json"),
        ("gradescope", "results.json"),
        ("junit", "junit.xml"),
        ("csv", "report.csv"),
    ],
)
def test_format_matches_its_golden_file(fmt, filename):
    rendered = render(sample_report(), fmt)
    golden = GOLDEN / filename
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(rendered)
    assert rendered == golden.read_text()


@pytest.mark.parametrize("fmt", ["table", "json", "gradescope", "junit", "csv"])
def test_no_format_leaks_a_hidden_check(fmt):
    rendered = render(sample_report(), fmt)
    assert "secret" not in rendered
    assert "Hint for hidden-one." in rendered or fmt in ("csv", "json")


def test_the_instructors_view_reveals_hidden_checks():
    revealed = sample_report().revealed()
    rendered = render(revealed, "table", verbose=True)
    assert "secret: 12 of 67 penguins differ" in rendered
    assert "secret traceback" in rendered
    assert "The hidden one check (hidden)" in rendered
    assert (revealed.score, revealed.max_score) == (sample_report().score, 14)


def test_an_absent_side_reads_none_not_null():
    result = CheckResult(
        id="header",
        title="A header",
        exercise="7. Logging",
        points=1,
        outcome=Outcome.FAILED,
        hint="h",
        message="X-Request-ID is missing",
        expected="an id",
        actual=None,
    )
    report = GradeReport(module="m", target="student", path="/p", results=[result])
    assert "got:      (none)" in render(report, "table")
    assert "null" not in render(report, "table")


def test_gradescope_scores_add_up():
    body = json.loads(render(sample_report(), "gradescope"))
    assert (body["score"], body["max_score"]) == (2, 14)
    assert sum(t["score"] for t in body["tests"]) == body["score"]
    assert {t["visibility"] for t in body["tests"]} == {"visible"}


def test_junit_is_valid_xml_with_counts():
    suite = ET.fromstring(render(sample_report(), "junit").split("?>", 1)[1])
    counts = {k: suite.attrib[k] for k in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "7", "failures": "3", "errors": "1", "skipped": "2"}


def test_json_round_trips():
    data = json.loads(render(sample_report(), "json"))
    again = GradeReport.from_dict(data)
    assert again.score == 2
    assert [r.outcome for r in again.results] == [r.outcome for r in sample_report().results]
