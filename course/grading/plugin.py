"""The pytest plugin behind ``course grade``: validation, order, blocking, limits, outcomes.

Loaded with ``-p course.grading.plugin`` in a process of its own per graded target. It writes
one JSON line per event to ``--course-events`` as it goes (the plan, each start, each result),
flushed at once, so that the parent can still report every check when the student's code ends
the process (``os._exit``, a segfault, a kill after the wall-clock limit).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Generator
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import pytest

from course.grading.limits import scaled
from course.grading.needs import missing_need
from course.grading.results import CheckResult, Outcome
from course.grading.runner import EXERCISE_ENV
from course.grading.spec import CheckFailure, CheckSpec

SPEC_KEY = pytest.StashKey[CheckSpec]()
RESULT_KEY = pytest.StashKey[CheckResult]()


class CheckTimeoutError(BaseException):
    """Raised by the alarm. A BaseException, so a student's ``except Exception`` can't eat it."""


class GraderError(Exception):
    """The grader itself cannot work (say, a missing data file): never the student's fault."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("course", "course grader")
    group.addoption("--course-target", help="The module folder being graded.")
    group.addoption("--course-events", help="Write JSON-lines events to this file.")
    group.addoption("--course-hidden-root", help="Checks under this folder are hidden.")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "course_check(spec): a graded check of the course")
    target = config.getoption("course_target")
    if target:
        sys.path.insert(0, str(Path(target).resolve()))
    config.stash[_STATE] = _State(config)
    config.pluginmanager.import_plugin("course.grading.api_fixtures")
    config.pluginmanager.import_plugin("course.grading.docker_fixtures")


class _State:
    def __init__(self, config: pytest.Config) -> None:
        events = config.getoption("course_events")
        self.events = Path(events).open("a", encoding="utf-8") if events else None  # noqa: SIM115
        hidden_root = config.getoption("course_hidden_root")
        self.hidden_root = Path(hidden_root).resolve() if hidden_root else None
        target = config.getoption("course_target")
        self.target = Path(target).resolve() if target else None
        self.outcomes: dict[str, Outcome] = {}

    def emit(self, event: dict[str, Any]) -> None:
        if self.events is None:
            return
        self.events.write(json.dumps(event, default=repr) + "\n")
        self.events.flush()
        os.fsync(self.events.fileno())


_STATE = pytest.StashKey[_State]()


# --- collection: validate the declarations and order checks by their prerequisites ----------


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    state = config.stash[_STATE]
    specs: dict[str, CheckSpec] = {}
    by_id: dict[str, pytest.Item] = {}
    problems: list[str] = []
    for item in items:
        marker = item.get_closest_marker("course_check")
        if marker is None:
            problems.append(f"{item.nodeid} is not declared with @check(...)")
            continue
        spec: CheckSpec = marker.args[0]
        hidden = state.hidden_root is not None and _is_under(item.path, state.hidden_root)
        spec = CheckSpec(**{**spec.__dict__, "hidden": hidden, "source": item.nodeid})
        if spec.id in specs:
            problems.append(
                f"check id {spec.id!r} is declared twice ({specs[spec.id].source} and "
                f"{item.nodeid}); parametrized checks are not supported, declare one per case"
            )
            continue
        specs[spec.id] = spec
        by_id[spec.id] = item
        item.stash[SPEC_KEY] = spec
    for spec in specs.values():
        for required in spec.requires:
            if required not in specs:
                problems.append(f"check {spec.id!r} requires unknown check {required!r}")
            elif specs[required].hidden and not spec.hidden:
                problems.append(
                    f"visible check {spec.id!r} requires hidden check {required!r}, which the "
                    "student edition does not have"
                )
    if not specs and not problems:
        problems.append("this module has no checks: there is nothing to grade")
    ordered, cycle = _topological(specs)
    if cycle:
        problems.append(f"checks depend on each other in a cycle: {' -> '.join(cycle)}")
    if problems:
        raise pytest.UsageError(
            "The module's checks are declared wrongly:\n  - " + "\n  - ".join(problems)
        )
    exercise = os.environ.get(EXERCISE_ENV)
    if exercise:
        # One exercise (`course grade N --exercise E`): its checks and what they build on.
        kept = _with_prerequisites(
            {c for c, spec in specs.items() if spec.exercise.split(".", 1)[0].strip() == exercise},
            specs,
        )
        config.hook.pytest_deselected(items=[by_id[c] for c in ordered if c not in kept])
        ordered = [c for c in ordered if c in kept]
    items[:] = [by_id[check_id] for check_id in ordered]
    state.emit({"event": "plan", "checks": [_pending(specs[c]).to_dict() for c in ordered]})


def _with_prerequisites(wanted: set[str], specs: dict[str, CheckSpec]) -> set[str]:
    kept: set[str] = set()
    todo = list(wanted)
    while todo:
        check_id = todo.pop()
        if check_id not in kept:
            kept.add(check_id)
            todo.extend(specs[check_id].requires)
    return kept


def _is_under(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def _topological(specs: dict[str, CheckSpec]) -> tuple[list[str], list[str]]:
    """Declaration order, moved only as far as prerequisites demand; or the cycle found."""
    ordered: list[str] = []
    state: dict[str, str] = {}

    def visit(check_id: str, path: list[str]) -> list[str]:
        if state.get(check_id) == "done" or check_id not in specs:
            return []
        if state.get(check_id) == "active":
            return [*path[path.index(check_id) :], check_id]
        state[check_id] = "active"
        for required in specs[check_id].requires:
            if cycle := visit(required, [*path, check_id]):
                return cycle
        state[check_id] = "done"
        ordered.append(check_id)
        return []

    for check_id in specs:
        if cycle := visit(check_id, []):
            return [], cycle
    return ordered, []


def _pending(spec: CheckSpec) -> CheckResult:
    return CheckResult(
        id=spec.id,
        title=spec.title,
        exercise=spec.exercise,
        points=spec.points,
        outcome=Outcome.BLOCKED,
        hint=spec.hint,
        kind=spec.kind,
        hidden=spec.hidden,
        requires=list(spec.requires),
    )


# --- running: blocking, missing tools, time limits -----------------------------------------


# Seconds a check gets to clean up after its time limit before the process gives up on it.
CLEANUP_GRACE_S = 10.0


class _Clock:
    """The time limit of the running check, and what to do if it cannot even be stopped."""

    def __init__(self, state: _State, spec: CheckSpec) -> None:
        self.state = state
        self.spec = spec
        self.expired = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if not self.expired:
            self.expired = True
            signal.setitimer(signal.ITIMER_REAL, scaled(CLEANUP_GRACE_S))
            raise CheckTimeoutError
        # Still here after the grace period: its cleanup hangs too (say, a thread stuck in the
        # student's lifespan). Record the failure and end the run; the parent reports the rest.
        result = _result(self.spec, Outcome.FAILED, _timeout_message(self.spec))
        self.state.emit({"event": "result", "result": result.to_dict()})
        self.state.emit(
            {
                "event": "abort",
                "why": f"check {self.spec.id!r} could not be stopped after its time limit",
            }
        )
        os._exit(124)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    state = item.config.stash[_STATE]
    spec = item.stash[SPEC_KEY]
    state.emit({"event": "start", "id": spec.id})
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _Clock(state, spec))
    signal.setitimer(signal.ITIMER_REAL, scaled(spec.timeout))
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        result = item.stash.get(RESULT_KEY, None) or _result(spec, Outcome.ERROR, "no result")
        result.duration_s = round(time.monotonic() - started, 3)
        state.outcomes[spec.id] = result.outcome
        state.emit({"event": "result", "result": result.to_dict()})


def _timeout_message(spec: CheckSpec) -> str:
    return (
        f"took longer than its {scaled(spec.timeout):g} s time limit (an endless loop, or a "
        "server that never answers?)"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    state = item.config.stash[_STATE]
    spec = item.stash[SPEC_KEY]
    failed = [r for r in spec.requires if state.outcomes.get(r) != Outcome.PASSED]
    if failed:
        reason = f"can't check until {', '.join(repr(f) for f in failed)} passes"
        item.stash[RESULT_KEY] = _result(spec, Outcome.BLOCKED, reason)
        pytest.skip(reason)
    for need in spec.needs:
        if message := missing_need(need):
            if need == "docker" and os.environ.get("COURSE_REQUIRE_DOCKER") == "1":
                # CI promised an engine (scripts/ci_docker.sh): its absence is a broken
                # pipeline, and a "not run" would hide it.
                message = f"COURSE_REQUIRE_DOCKER=1, but this check {message}"
                item.stash[RESULT_KEY] = _result(spec, Outcome.FAILED, message)
                pytest.fail(message, pytrace=False)
            item.stash[RESULT_KEY] = _result(spec, Outcome.NOT_RUN, message)
            pytest.skip(message)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    spec = item.stash.get(SPEC_KEY, None)
    if spec is None:
        return report
    current = item.stash.get(RESULT_KEY, None)
    target = item.config.stash[_STATE].target
    if call.when == "setup" and current is None and call.excinfo is not None:
        item.stash[RESULT_KEY] = _classify(spec, call.excinfo, target, str(report.longrepr))
    elif call.when == "call":
        item.stash[RESULT_KEY] = (
            _result(spec, Outcome.PASSED)
            if call.excinfo is None
            else _classify(spec, call.excinfo, target, str(report.longrepr))
        )
    elif (
        call.when == "teardown"
        and call.excinfo is not None
        and current is not None
        and current.outcome == Outcome.PASSED
    ):
        item.stash[RESULT_KEY] = _result(
            spec,
            Outcome.ERROR,
            f"cleaning up after the check failed: {call.excinfo.exconly()}",
            detail=str(report.longrepr),
        )
    return report


def _classify(
    spec: CheckSpec, excinfo: pytest.ExceptionInfo[BaseException], target: Path | None, detail: str
) -> CheckResult:
    exc = excinfo.value
    if isinstance(exc, CheckTimeoutError):
        return _result(spec, Outcome.FAILED, _timeout_message(spec), detail=detail)
    if isinstance(exc, CheckFailure):
        return _result(
            spec,
            Outcome.FAILED,
            exc.rationale,
            expected=exc.expected,
            actual=exc.actual,
            help=exc.help,
            detail=detail,
        )
    if isinstance(exc, pytest.skip.Exception):
        return _result(spec, Outcome.NOT_RUN, str(exc.msg), detail=detail)
    if isinstance(exc, AssertionError):
        message = excinfo.exconly().removeprefix("AssertionError: ")
        return _result(spec, Outcome.FAILED, message, detail=detail)
    if isinstance(exc, GraderError):
        return _result(spec, Outcome.ERROR, str(exc), detail=detail)
    where = _student_frame(excinfo.tb, target)
    if where:
        return _result(
            spec,
            Outcome.FAILED,
            f"your code raised {type(exc).__name__}: {exc} ({where})",
            detail=detail,
        )
    return _result(
        spec,
        Outcome.ERROR,
        f"the grader broke ({type(exc).__name__}: {exc}); this is not your fault, tell your "
        "instructor and attach `course grade --format json` output",
        detail=detail,
    )


def _student_frame(tb: TracebackType | None, target: Path | None) -> str | None:
    """The deepest frame of the traceback that is in the graded folder, as ``file:line``."""
    if target is None:
        return None
    where = None
    for frame, line in traceback.walk_tb(tb):
        path = Path(frame.f_code.co_filename)
        if path.is_absolute() and _is_under(path, target):
            where = f"{path.relative_to(target)}:{line}"
    return where


def _result(spec: CheckSpec, outcome: Outcome, message: str = "", **extra: Any) -> CheckResult:
    result = _pending(spec)
    result.outcome = outcome
    result.message = message
    for key, value in extra.items():
        setattr(result, key, value)
    return result


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None and state.events is not None:
        state.events.close()
