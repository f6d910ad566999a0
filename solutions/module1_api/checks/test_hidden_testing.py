"""Instructor-only checks of exercises 11 to 13: the student's tests catch broken APIs.

A test suite is only worth what it catches. The student's tests run against the reference API
(they must pass: a suite that always fails catches everything and proves nothing) and against
each deliberately broken copy in ``solutions/module1_api/broken`` (at least one test must fail).
Every run happens in one batch, side by side (see course.grading.student_tests).
"""

import tempfile
from functools import cache
from pathlib import Path

from course.grading import CheckFailure, check
from course.grading.limits import scaled
from course.grading.live import serve_app
from course.grading.locust_run import run_locust
from course.grading.student_tests import (
    Job,
    TestRun,
    contract_test,
    correctness_ignores,
    run_student_tests,
)
from solutions.module1_api.broken import (
    CONTRACT,
    CORRECTNESS,
    REFERENCE,
    SLOW_PREDICT,
    BrokenVariant,
    build,
)

TESTING = "11. Testing 1: correctness"
CONTRACT_EXERCISE = "12. Testing 2: contract"
REFERENCE_RUN = "reference"
REFERENCE_CONTRACT_RUN = "reference-contract"


@cache
def variant_runs(graded_dir: Path) -> dict[str, TestRun]:
    tests = graded_dir / "tests"
    contract = contract_test(graded_dir)
    with tempfile.TemporaryDirectory(prefix="broken-apis-") as tmp:
        reference = REFERENCE.parent
        ignored = correctness_ignores(graded_dir)
        jobs = [Job(REFERENCE_RUN, reference, tests, ignored)]
        jobs += [Job(v.id, build(v, Path(tmp)), tests, ignored) for v in CORRECTNESS]
        if contract.is_file():
            jobs.append(Job(REFERENCE_CONTRACT_RUN, reference, contract))
            jobs += [Job(v.id, build(v, Path(tmp)), contract) for v in CONTRACT]
        return run_student_tests(jobs, timeout_s=150)


def expect_caught(graded_dir: Path, variants: tuple[BrokenVariant, ...], suite: str) -> None:
    runs = variant_runs(graded_dir)
    missed = [v for v in variants if not runs[v.id].caught]
    if missed:
        raise CheckFailure(
            f"{len(missed)} of {len(variants)} broken APIs pass all of {suite}: "
            + "; ".join(f"{v.bug}" for v in missed),
            expected="at least one test fails on each broken API",
            actual=", ".join(f"{v.id}: {runs[v.id].summary()}" for v in missed),
            help="Write a test that fails on that bug: assert the status and the whole body, "
            "not just one key.",
        )


def by_ids(*ids: str) -> tuple[BrokenVariant, ...]:
    return tuple(v for v in CORRECTNESS if v.id in ids)


@check(
    id="tests-pass-on-reference",
    points=1,
    exercise=TESTING,
    title="Your tests pass against the course's reference API",
    hint="A test that fails on a correct API is testing your implementation's quirks, not "
    "the specification: assert what the exercises specify.",
    requires=["own-tests-pass"],
    timeout=600,
)
def test_tests_pass_on_reference(graded_dir: Path):
    run = variant_runs(graded_dir)[REFERENCE_RUN]
    if not run.all_passed:
        raise CheckFailure(
            f"your tests fail against the reference API: {run.summary()}",
            expected="every test passes",
            actual=", ".join(run.failed[:5] or run.errors[:5]) or run.summary(),
        )


@check(
    id="tests-catch-broken-probes",
    points=2,
    exercise=TESTING,
    title="Your tests catch broken probes (/health needing the model, /ready without one)",
    hint="Test the probes with and without the model loaded: build a TestClient without "
    "entering it (`with`), and lifespan never runs.",
    requires=["tests-pass-on-reference"],
)
def test_tests_catch_broken_probes(graded_dir: Path):
    expect_caught(graded_dir, by_ids("health-needs-model", "ready-without-model"), "your tests")


@check(
    id="tests-catch-broken-predictions",
    points=3,
    exercise=TESTING,
    title="Your tests catch wrong species, probabilities, batch order and missing fields",
    hint="Compare whole bodies with what the model itself predicts (model.predict_proba), "
    "for a penguin of each species, one by one and as one batch (in an order that reads "
    "differently backwards: a batch that is a palindrome cannot catch a reversed answer).",
    requires=["tests-pass-on-reference"],
)
def test_tests_catch_broken_predictions(graded_dir: Path):
    ids = (
        "species-swapped",
        "probabilities-not-normalised",
        "batch-reversed",
        "batch-without-model-version",
    )
    expect_caught(graded_dir, by_ids(*ids), "your tests")


@check(
    id="tests-catch-broken-errors",
    points=2,
    exercise=TESTING,
    title="Your tests catch NaN accepted, errors not problem+json and 401/403 swapped",
    hint="Send NaN the way json.dumps writes it (content=...), check the content type of "
    "error responses, and tell a missing key from a wrong one.",
    requires=["tests-pass-on-reference"],
)
def test_tests_catch_broken_errors(graded_dir: Path):
    ids = ("accepts-nan", "errors-plain-json", "auth-401-403-swapped")
    expect_caught(graded_dir, by_ids(*ids), "your tests")


@check(
    id="contract-test-catches-broken",
    points=3,
    exercise=CONTRACT_EXERCISE,
    title="Your contract test passes on the reference and catches a 500 and a schema break",
    hint="Let schemathesis generate from the whole schema (every endpoint, every enum value) "
    "and run all of its checks with case.call_and_validate().",
    requires=["contract-test-passes"],
    timeout=600,
)
def test_contract_test_catches_broken(graded_dir: Path):
    run = variant_runs(graded_dir)[REFERENCE_CONTRACT_RUN]
    if not run.all_passed:
        raise CheckFailure(
            f"your contract test fails against the reference API: {run.summary()}",
            expected="it passes",
            actual="; ".join(run.failed[:3]) or run.summary(),
        )
    expect_caught(graded_dir, CONTRACT, "your contract test")


@check(
    id="load-test-fails-slow-server",
    points=2,
    exercise="13. Testing 3: load",
    title="Your load test exits non-zero against an API that answers correctly but slowly",
    hint="Failures are not the only way to fail: a p95 latency limit catches a server whose "
    "every answer is right and late.",
    requires=["locust-runs-clean"],
    kind="live",
    timeout=150,
)
def test_load_test_fails_slow_server(graded_dir: Path, tmp_path: Path):
    with serve_app(build(SLOW_PREDICT, tmp_path), deadline_s=scaled(60)) as (url, _):
        # Every /predict takes 2 s: a few seconds give the latency threshold plenty to see.
        run = run_locust(graded_dir / "load" / "locustfile.py", url, tmp_path, run_time_s=4)
    if run.exit_code == 0:
        raise CheckFailure(
            f"locust exited 0 against an API where {SLOW_PREDICT.bug}",
            expected="a non-zero exit code",
            actual=0,
        )
