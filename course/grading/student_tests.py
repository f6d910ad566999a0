"""Run a student's own pytest suite against several copies of ``penguin_api`` at once.

Exercises 11 and 12 grade the tests a student writes: they must pass against a correct API and
fail against each deliberately broken one. Each run is a pytest session of its own, with the
graded copy first on ``sys.path``. Starting a fresh interpreter per copy would pay the import of
scikit-learn, pandas and FastAPI (seconds each on a busy machine) every time, so one process
imports them once and forks a child per copy: the children start warm and run side by side.

``run_student_tests`` is what checks call; ``python -m course.grading.student_tests`` is the
process it starts, so that nothing a student's test does can touch the grader itself.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from course.grading.limits import scaled

INI = Path(__file__).with_name("pytest.ini")
# Imported once by the parent so every forked child has them for free. Optional ones (say,
# schemathesis in an environment without it) are skipped: the child then imports them itself.
WARM_IMPORTS = (
    "pytest",
    "httpx",
    "numpy",
    "pandas",
    "sklearn",
    "fastapi",
    "fastapi.testclient",
    "pydantic_settings",
    "shared_model",
    "shared_model.fast",
    "schemathesis",
    "hypothesis",
)
# Open access by default: a student's tests build `create_app()` from the environment, and an
# API_KEYS left over in the grader's shell must not turn every request into a 401.
TEST_ENV = {"API_KEYS": "", "API_KEYS_FILE": "", "APP_ENV": "development", "DEBUG": "false"}


@dataclass
class TestRun:
    """What one pytest session of the student's tests said about one copy of the API."""

    target: str
    exit_code: int
    collected: int = 0
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # files that could not even be collected
    output: str = ""  # the end of pytest's output, for messages
    timed_out: bool = False
    duration_s: float = 0.0

    @property
    def all_passed(self) -> bool:
        return self.exit_code == 0 and self.collected > 0 and not self.failed

    @property
    def caught(self) -> bool:
        """At least one test ran and failed (a collection error or a timeout is not a catch)."""
        return bool(self.failed) and not self.errors and not self.timed_out

    def summary(self) -> str:
        if self.timed_out:
            return "the tests did not finish in time"
        if self.errors:
            return f"pytest could not collect {', '.join(self.errors)}"
        if self.collected == 0:
            return "pytest found no tests"
        return f"{len(self.passed)} passed, {len(self.failed)} failed"


@dataclass(frozen=True)
class Job:
    """One pytest session: the tests under ``tests`` against the penguin_api in ``target``."""

    name: str
    target: Path
    tests: Path
    ignore: tuple[Path, ...] = ()


def run_student_tests(
    jobs: list[Job], *, timeout_s: float = 60.0, parallel: int | None = None
) -> dict[str, TestRun]:
    """Run every job, side by side; a job that runs past ``timeout_s`` is stopped."""
    timeout_s = scaled(timeout_s)
    parallel = parallel or max(2, min(4, os.cpu_count() or 2))
    with tempfile.TemporaryDirectory(prefix="course-student-tests-") as tmp:
        spec, out = Path(tmp) / "jobs.json", Path(tmp) / "runs.json"
        spec.write_text(
            json.dumps(
                [
                    {
                        "name": job.name,
                        "target": str(job.target),
                        "tests": str(job.tests),
                        "ignore": [str(path) for path in job.ignore],
                    }
                    for job in jobs
                ]
            )
        )
        command = [
            sys.executable,
            "-m",
            "course.grading.student_tests",
            str(spec),
            str(out),
            "--parallel",
            str(parallel),
            "--timeout",
            str(timeout_s),
        ]
        repo_root = str(Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            **TEST_ENV,
            "PYTHONPATH": repo_root,
            "PYTHONDONTWRITEBYTECODE": "1",
            # One BLAS thread per child: forked children would otherwise fight over the cores.
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
        }
        batches = -(-len(jobs) // parallel)
        subprocess.run(
            command,
            cwd=tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            # The parent's own imports (seconds on a busy machine) come on top of the runs.
            timeout=timeout_s * batches + scaled(60),
            check=False,
        )
        if not out.is_file():
            raise RuntimeError("the student-test runner ended without writing its results")
        raw: dict[str, dict[str, Any]] = json.loads(out.read_text())
    return {name: TestRun(**run) for name, run in raw.items()}


CORRECTNESS_RUN = "correctness"
CONTRACT_RUN = "contract"


def contract_test(graded_dir: Path) -> Path:
    """Where exercise 12 asks for the contract test."""
    return graded_dir / "tests" / "test_contract.py"


def snapshot_test(graded_dir: Path) -> Path:
    """Exercise 5's test, which holds the student's own app to their committed OpenAPI snapshot.

    It says nothing about another copy of the API (the reference serves its own schema), and it
    is graded by exercise 5's `openapi-snapshot` check, so the runs of exercises 11 and 12 leave
    it out.
    """
    return graded_dir / "tests" / "test_openapi_snapshot.py"


def correctness_ignores(graded_dir: Path) -> tuple[Path, ...]:
    """What exercise 11's runs leave out of the student's tests folder."""
    return (contract_test(graded_dir), snapshot_test(graded_dir))


@cache
def own_test_runs(graded_dir: Path) -> dict[str, TestRun]:
    """The student's tests against their own app, once per grading run.

    ``correctness``: every test but the contract and snapshot tests (exercise 11);
    ``contract``: the contract test alone (exercise 12), when it exists.
    """
    tests = graded_dir / "tests"
    if not tests.is_dir():
        return {}
    contract = contract_test(graded_dir)
    jobs = [Job(CORRECTNESS_RUN, graded_dir, tests, correctness_ignores(graded_dir))]
    if contract.is_file():
        jobs.append(Job(CONTRACT_RUN, graded_dir, contract))
    return run_student_tests(jobs, timeout_s=120)


# --- the runner process ---------------------------------------------------------------------


class _Recorder:
    """A pytest plugin that notes every test's outcome."""

    def __init__(self) -> None:
        self.collected = 0
        self.passed: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.errors.append(report.nodeid or "the test folder")

    def pytest_collection_finish(self, session: Any) -> None:
        self.collected = len(session.items)

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed and report.nodeid not in self.failed:
            self.failed.append(report.nodeid)
        elif report.when == "call" and report.passed:
            self.passed.append(report.nodeid)


def _child(name: str, target: Path, tests: Path, ignore: list[str], result_file: Path) -> None:
    """In a forked child: pytest on ``tests``, ``target`` first on the path. Never returns."""
    code = 3
    log = result_file.with_suffix(".log")
    try:
        os.setsid()  # its own process group: the parent can stop whatever it starts
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        started = time.monotonic()
        folder = tests if tests.is_dir() else tests.parent
        os.chdir(folder.parent)  # where the student runs them: relative paths still work
        sys.path.insert(0, str(target))
        import pytest

        recorder = _Recorder()
        args = [
            str(tests),
            "-c",
            str(INI),
            "--rootdir",
            str(folder),
            "-q",
            "--no-header",
            "-o",
            "console_output_style=classic",
            *[f"--ignore={path}" for path in ignore],
        ]
        code = int(pytest.main(args, plugins=[recorder]))
        run = TestRun(
            target=name,
            exit_code=code,
            collected=recorder.collected,
            passed=recorder.passed,
            failed=recorder.failed,
            errors=recorder.errors,
            duration_s=round(time.monotonic() - started, 2),
        )
        sys.stdout.flush()
        sys.stderr.flush()
        run.output = log.read_text(errors="replace")[-3000:]
        result_file.write_text(json.dumps(asdict(run)))
    finally:
        os._exit(code)


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("jobs", type=Path, help="a JSON list of jobs (see Job)")
    parser.add_argument("out", type=Path, help="where to write the runs, as JSON")
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    pending: list[dict[str, Any]] = json.loads(args.jobs.read_text())
    for module in WARM_IMPORTS:
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    work = Path(tempfile.mkdtemp(prefix="runs-", dir=args.out.parent))
    running: dict[int, tuple[str, float]] = {}
    runs: dict[str, dict[str, Any]] = {}
    while pending or running:
        while pending and len(running) < args.parallel:
            job = pending.pop(0)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(
                    job["name"],
                    Path(job["target"]),
                    Path(job["tests"]),
                    job["ignore"],
                    work / f"{job['name']}.json",
                )
            running[pid] = (job["name"], time.monotonic() + args.timeout)
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            time.sleep(0.05)
            for child, (name, deadline) in list(running.items()):
                if time.monotonic() > deadline:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(child, signal.SIGKILL)
                    os.waitpid(child, 0)
                    del running[child]
                    runs[name] = asdict(TestRun(target=name, exit_code=-9, timed_out=True))
            continue
        name, _ = running.pop(pid)
        # Whatever the tests started (a server, say) ends with them.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        result = work / f"{name}.json"
        if result.is_file():
            runs[name] = json.loads(result.read_text())
        else:
            log = work / f"{name}.log"
            tail = log.read_text(errors="replace")[-3000:] if log.is_file() else ""
            code = os.waitstatus_to_exitcode(status)
            runs[name] = asdict(TestRun(target=name, exit_code=code, output=tail))
    args.out.write_text(json.dumps(runs))


if __name__ == "__main__":
    _main()
