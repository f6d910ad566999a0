"""Exercise 13: a load test with a realistic mix, a step scenario and pass/fail thresholds.

The static checks read the locustfiles through ``course.grading.locust_probe`` (in a process of
its own: importing locust patches the standard library); the live check runs the locustfile
headless for a few seconds against the student's API as a real server.
"""

from functools import cache
from pathlib import Path
from typing import Any

from course.grading import CheckFailure, check, expect_equal
from course.grading.locust_probe import ProbeError, inspect_locustfile
from course.grading.locust_run import RUN_TIME_S, USERS, run_locust

LOAD = "13. Testing 3: load"
MIN_STEPS = 3


@cache
def probe(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise CheckFailure(f"there is no {path.parent.name}/{path.name}")
    try:
        return inspect_locustfile(path)
    except ProbeError as exc:
        raise CheckFailure(
            f"{path.name} does not import: {exc}",
            help=f"Run `.venv/bin/locust -f {path} --help` and fix the first error.",
        ) from None


@check(
    id="locust-users",
    points=2,
    exercise=LOAD,
    title="load/locustfile.py: weighted single and batch tasks, and a think time",
    hint="A FastHttpUser with @task(10) for POST /predict, a lighter @task for POST "
    "/predict/batch, and wait_time = between(...) so users pause like real clients.",
    kind="static",
    timeout=90,
)
def test_locust_users(graded_dir: Path):
    report = probe(graded_dir / "load" / "locustfile.py")
    if not report["users"]:
        raise CheckFailure("locustfile.py defines no User class", help="Subclass FastHttpUser.")
    user = max(report["users"], key=lambda u: len(u["tasks"]))
    tasks: dict[str, int] = user["tasks"]
    if len(tasks) < 2 or len(set(tasks.values())) < 2:
        raise CheckFailure(
            f"{user['name']} needs at least two tasks with different weights (single "
            "predictions far more often than batches)",
            expected="e.g. {'predict_one': 10, 'predict_batch': 2}",
            actual=tasks,
        )
    if not user["own_wait_time"] or user["think_time_s"] == 0:
        raise CheckFailure(
            f"{user['name']} has no think time: each user fires its next request the moment "
            "the last one answers, which no real client does",
            expected="wait_time = between(0.5, 2) (or constant_throughput(...))",
            actual=f"think time {user['think_time_s']} s",
        )


@check(
    id="locust-step-shape",
    points=2,
    exercise=LOAD,
    title=f"load/step_load.py: a LoadTestShape of at least {MIN_STEPS} growing steps that ends",
    hint="tick() returns (users, spawn_rate) from self.get_run_time(): more users each "
    "step_seconds, then None when the last step is over.",
    kind="static",
    timeout=90,
)
def test_locust_step_shape(graded_dir: Path):
    report = probe(graded_dir / "load" / "step_load.py")
    if not report["shapes"]:
        raise CheckFailure("step_load.py defines no LoadTestShape subclass")
    shape = report["shapes"][0]
    steps: list[int] = shape["steps"]
    if len(steps) < MIN_STEPS or steps != sorted(steps):
        raise CheckFailure(
            f"{shape['name']} has {len(steps)} step(s); a step scenario needs at least "
            f"{MIN_STEPS}, each with more users than the last",
            expected="e.g. [5, 10, 20, 40]",
            actual=steps,
        )
    if not shape["stops"]:
        raise CheckFailure(
            f"{shape['name']} never returns None, so the run never ends",
            help="Return None from tick() once the last step is over.",
        )


@check(
    id="locust-thresholds",
    points=2,
    exercise=LOAD,
    title="load/locustfile.py fails the run (exit code 1) when p95 latency is too high",
    hint="In a `quitting` event listener, compare environment.stats.total (fail_ratio, "
    "get_response_time_percentile(0.95), total_rps) with your limits and set "
    "environment.process_exit_code = 1.",
    kind="static",
    timeout=90,
)
def test_locust_thresholds(graded_dir: Path):
    report = probe(graded_dir / "load" / "locustfile.py")
    if report["quitting_listeners"] == 0:
        raise CheckFailure("locustfile.py registers no @events.quitting listener")
    expect_equal(
        report["exit_code_after_slow_run"],
        1,
        "The exit code your thresholds set after a run whose answers all took 5 s",
        help="Nothing failed in that run, but it was slow: a latency threshold must fail it.",
    )


@check(
    id="locust-runs-clean",
    points=3,
    exercise=LOAD,
    title=f"Your locustfile runs {RUN_TIME_S} s headless against your API: exit 0, CSVs, "
    "both prediction endpoints, no failure",
    hint="Run the lesson's headless command against `course serve --student` and read "
    "<prefix>_stats.csv: every request name, its count and its failures.",
    requires=["locust-users", "predict-over-http", "predict-batch"],
    kind="live",
    timeout=150,
)
def test_locust_runs_clean(graded_dir: Path, live_url: str, tmp_path: Path):
    run = run_locust(graded_dir / "load" / "locustfile.py", live_url, tmp_path)
    for suffix in ("stats", "stats_history", "failures"):
        if f"run_{suffix}.csv" not in run.csv_files:
            raise CheckFailure(
                f"locust wrote no _{suffix}.csv", help="Did the run start? " + run.log_tail
            )
    names = [name for name in run.stats if name != "Aggregated"]
    batch = [n for n in names if "/predict/batch" in n]
    single = [n for n in names if n.startswith("/predict") and "batch" not in n]
    if not batch or not single:
        raise CheckFailure(
            f"in {RUN_TIME_S} s with {USERS} users, your users did not call both "
            "POST /predict and POST /predict/batch",
            expected="request names for /predict and /predict/batch",
            actual=names,
        )
    failures = int(run.stats["Aggregated"]["Failure Count"])
    expect_equal(failures, 0, "The number of failed requests against your API")
    expect_equal(
        run.exit_code,
        0,
        "locust's exit code against a healthy API",
        help="A threshold too tight for a laptop? " + run.log_tail,
    )
