"""Every outcome the grader reports, produced by real checks in a real pytest process."""

import textwrap

import pytest

from course.grading.results import Outcome
from course.grading.runner import GraderSetupError
from tests.grading.conftest import FakeCourse

CHECKS = """
ARGS = dict(exercise="1. Basics", hint="Read the lesson.")

@check(id="passes", points=2, title="A check that passes", **ARGS)
def test_passes():
    import student
    assert student.answer() == 42

@check(id="mismatch", points=3, title="Expected vs got", requires=["passes"], **ARGS)
def test_mismatch():
    import student
    expect_equal(student.status(), 200, "The status code", help="Return 200.")

@check(id="plain-assert", points=1, title="A plain assert", **ARGS)
def test_plain_assert():
    assert 1 + 1 == 3, "arithmetic is broken"

@check(id="blocked", points=4, title="Needs mismatch", requires=["mismatch"], **ARGS)
def test_blocked():
    raise AssertionError("never runs")

@check(id="needs-docker", points=1, title="Needs docker", needs=["docker"], kind="live", **ARGS)
def test_needs_docker():
    pass

@check(id="slow", points=1, title="Too slow", timeout=1, **ARGS)
def test_slow():
    import student
    student.spin()

@check(id="student-raises", points=1, title="Student code raises", **ARGS)
def test_student_raises():
    import student
    student.broken()

@check(id="grader-bug", points=1, title="A bug in the check itself", **ARGS)
def test_grader_bug():
    {}["missing"]
"""

STUDENT = """
def answer():
    return 42

def status():
    return 500

def spin():
    while True:
        try:
            pass
        except Exception:  # a student's catch-all must not swallow the time limit
            pass

def broken():
    return 1 / 0
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    course = FakeCourse(tmp_path_factory.mktemp("course"))
    course.write_checks(CHECKS)
    course.write_target("student.py", STUDENT)
    # An empty PATH: no docker, kubectl or cluster can be found, whatever the machine has; and
    # a missing tool is "not run" here even in CI, which otherwise makes a missing engine fail.
    return course.grade(env={"PATH": str(course.root / "empty"), "COURSE_REQUIRE_DOCKER": "0"})


def by_id(report):
    return {r.id: r for r in report.results}


def test_outcomes(report):
    outcomes = {r.id: r.outcome for r in report.results}
    assert outcomes == {
        "passes": Outcome.PASSED,
        "mismatch": Outcome.FAILED,
        "plain-assert": Outcome.FAILED,
        "blocked": Outcome.BLOCKED,
        "needs-docker": Outcome.NOT_RUN,
        "slow": Outcome.FAILED,
        "student-raises": Outcome.FAILED,
        "grader-bug": Outcome.ERROR,
    }
    assert (report.score, report.max_score) == (2, 14)


def test_expected_vs_got(report):
    mismatch = by_id(report)["mismatch"]
    assert mismatch.message == "The status code is not what was expected"
    assert (mismatch.expected, mismatch.actual, mismatch.help) == (200, 500, "Return 200.")
    assert "Traceback" not in mismatch.message
    assert "test_mismatch" in mismatch.detail  # the traceback is kept for -v


def test_plain_assert_message(report):
    assert by_id(report)["plain-assert"].message.startswith("arithmetic is broken")


def test_blocked_names_the_prerequisite(report):
    assert by_id(report)["blocked"].message == "can't check until 'mismatch' passes"


def test_not_run_says_what_is_missing_and_how_to_get_it(report):
    message = by_id(report)["needs-docker"].message
    assert (
        message
        == "needs Docker, and there is no `docker` command: install Docker, then grade again"
    )


def test_timeout_is_a_failure_with_a_message(report):
    slow = by_id(report)["slow"]
    assert slow.message.startswith("took longer than its 1 s time limit")
    assert slow.duration_s < 10


def test_student_exception_points_at_their_line(report):
    message = by_id(report)["student-raises"].message
    line = textwrap.dedent(STUDENT).splitlines().index("    return 1 / 0") + 1
    assert message == f"your code raised ZeroDivisionError: division by zero (student.py:{line})"


def test_a_broken_check_is_never_blamed_on_the_student(report):
    message = by_id(report)["grader-bug"].message
    assert message.startswith("the grader broke (KeyError: 'missing'); this is not your fault")


def test_checks_run_in_dependency_order(course):
    course.write_checks(
        """
        A = dict(exercise="e", hint="h", points=1)

        @check(id="second", title="second", requires=["first"], **A)
        def test_second(): pass

        @check(id="first", title="first", **A)
        def test_first(): pass
        """
    )
    assert [r.id for r in course.grade().results] == ["first", "second"]


def test_the_process_ending_mid_check_is_reported(course):
    course.write_checks(
        """
        A = dict(exercise="e", hint="h", points=1)

        @check(id="before", title="before", **A)
        def test_before(): pass

        @check(id="exits", title="exits", **A)
        def test_exits():
            import os
            os._exit(3)

        @check(id="after", title="after", **A)
        def test_after(): pass
        """
    )
    results = {r.id: r for r in course.grade().results}
    assert results["before"].outcome == Outcome.PASSED
    assert results["exits"].outcome == Outcome.FAILED
    assert results["exits"].message.startswith("the grading process ended with exit code 3 while")
    assert results["after"].outcome == Outcome.BLOCKED


def test_hidden_checks_are_marked_and_run_only_when_asked(course):
    course.write_checks(
        'A = dict(exercise="e", hint="h", points=1)\n'
        '@check(id="visible", title="v", **A)\ndef test_visible(): pass\n'
    )
    course.write_checks(
        'A = dict(exercise="e", hint="secret hint", points=2)\n'
        '@check(id="secret", title="s", requires=["visible"], **A)\n'
        'def test_secret(): assert False, "the secret expectation"\n',
        hidden=True,
    )
    full = {r.id: r for r in course.grade(include_hidden=True).results}
    assert full["secret"].hidden
    assert full["secret"].outcome == Outcome.FAILED
    public = full["secret"].public()
    assert (public.message, public.detail, public.expected) == ("", "", None)
    assert public.hint == "secret hint"
    assert [r.id for r in course.grade(include_hidden=False).results] == ["visible"]


@pytest.mark.parametrize(
    ("checks", "message"),
    [
        (
            '@check(id="a", title="t", exercise="e", hint="h", points=1)\ndef test_a(): pass\n'
            '@check(id="a", title="t", exercise="e", hint="h", points=1)\ndef test_b(): pass\n',
            "check id 'a' is declared twice",
        ),
        (
            '@check(id="a", title="t", exercise="e", hint="h", points=1, requires=["zz"])\n'
            "def test_a(): pass\n",
            "check 'a' requires unknown check 'zz'",
        ),
        (
            '@check(id="a", title="t", exercise="e", hint="h", points=1, requires=["b"])\n'
            "def test_a(): pass\n"
            '@check(id="b", title="t", exercise="e", hint="h", points=1, requires=["a"])\n'
            "def test_b(): pass\n",
            "checks depend on each other in a cycle: a -> b -> a",
        ),
        ("def test_undeclared(): pass\n", "is not declared with @check(...)"),
        ("X = 1\n", "this module has no checks"),
    ],
    ids=["duplicate", "unknown-requirement", "cycle", "undeclared", "empty"],
)
def test_bad_declarations_fail_loudly(course, checks, message):
    course.write_checks(checks)
    with pytest.raises(GraderSetupError, match="this is a problem with the course") as err:
        course.grade()
    assert message in str(err.value)


def test_a_malformed_check_is_refused_at_import():
    from course.grading import check

    with pytest.raises(ValueError, match="kind must be one of static, unit, live"):
        check(id="x", points=1, exercise="e", title="t", hint="h", kind="other")


EXERCISES = """
@check(id="a1", points=1, exercise="1. A", title="A", hint="h")
def test_a1():
    pass

@check(id="b1", points=2, exercise="2. B", title="B", hint="h", requires=["a1"])
def test_b1():
    pass

@check(id="c1", points=3, exercise="3. C", title="C", hint="h")
def test_c1():
    pass
"""


def test_one_exercise_is_graded_with_the_checks_it_builds_on(tmp_path):
    course = FakeCourse(tmp_path)
    course.write_checks(EXERCISES)
    course.write_target("student.py", STUDENT)
    report = course.grade(env={"COURSE_EXERCISE": "2"})
    assert [r.id for r in report.results] == ["a1", "b1"]
    assert (report.score, report.max_score) == (3, 3)
    assert course.grade(env={"COURSE_EXERCISE": "9"}).results == []
