"""Exercise 11: the student's own correctness tests pass against their own API.

The hidden checks then run the same tests against broken copies of the API: each must make at
least one of them fail.
"""

from pathlib import Path

from course.grading import CheckFailure, check
from course.grading.student_tests import CORRECTNESS_RUN, own_test_runs

TESTING = "11. Testing 1: correctness"
MIN_TESTS = 8


@check(
    id="own-tests-pass",
    points=3,
    exercise=TESTING,
    title=f"Your tests in tests/ (at least {MIN_TESTS}) pass against your own API",
    hint="Run `.venv/bin/pytest module1_api/tests` and make every test pass; then add tests "
    "until each endpoint's status and whole body are asserted.",
    requires=["app-starts"],
    timeout=240,
)
def test_own_tests_pass(graded_dir: Path):
    run = own_test_runs(graded_dir).get(CORRECTNESS_RUN)
    if run is None:
        raise CheckFailure(
            "there is no tests/ folder next to penguin_api/",
            help="Write your tests in module1_api/tests/ (the starter has examples).",
        )
    if not run.all_passed:
        raise CheckFailure(
            f"your tests do not all pass against your own API: {run.summary()}",
            expected="every test passes",
            actual=", ".join(run.failed[:5] or run.errors[:5]) or run.summary(),
            help="A failing test means your API or the test is wrong: read pytest's message "
            "with `.venv/bin/pytest module1_api/tests -x`.",
        )
    if run.collected < MIN_TESTS:
        raise CheckFailure(
            f"tests/ holds {run.collected} tests, too few to cover the endpoints",
            expected=f"at least {MIN_TESTS}",
            actual=run.collected,
        )
