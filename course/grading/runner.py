"""Grade one target in a process of its own and turn its event stream into a GradeReport.

Each target (the student's module folder, the solution, a submission) gets a fresh Python
process whose import path starts with that folder, so starter and solution code never mix, and
whose checks always come from this (the instructor's) copy of the course.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from course.grading.results import CheckResult, GradeReport, Outcome
from course.modules import Module
from course.paths import REPO_ROOT

# Set by `course grade --exercise E`: grade only exercise E's checks and their prerequisites.
EXERCISE_ENV = "COURSE_EXERCISE"

INI = Path(__file__).with_name("pytest.ini")
OUTPUT_LIMIT = 200_000  # bytes of pytest output kept for a grader error message


class GraderSetupError(RuntimeError):
    """The checks could not even be collected (a broken declaration). One sentence + details."""


@dataclass(frozen=True)
class Target:
    kind: str  # "student", "solution" or "submission"
    module_dir: Path  # the folder that holds the graded package (e.g. .../module1_api)


def check_dirs(module: Module, include_hidden: bool, root: Path = REPO_ROOT) -> list[Path]:
    dirs = [module.checks_dir(root)]
    hidden = module.hidden_checks_dir(root)
    if include_hidden and hidden.is_dir():
        dirs.append(hidden)
    return [d for d in dirs if d.is_dir()]


def grade(
    module: Module,
    target: Target,
    *,
    include_hidden: bool,
    wall_clock_s: float | None = None,
    env: dict[str, str] | None = None,
    preexec: object = None,
    root: Path = REPO_ROOT,
    timeout_scale: float = 1.0,
) -> GradeReport:
    dirs = check_dirs(module, include_hidden, root)
    wall_clock_s = wall_clock_s or module.wall_clock_s
    if not dirs:
        raise GraderSetupError(f"Module {module.folder} has no checks folder to grade with.")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        events = Path(tmp) / "events.jsonl"
        events.touch()
        output = Path(tmp) / "pytest.out"
        if preexec is not None:
            os.chmod(tmp, 0o777)  # the sandboxed user writes its events here
            events.chmod(0o666)
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(INI),
            "--rootdir",
            str(dirs[0]),
            "-p",
            "course.grading.plugin",
            "-q",
            "--no-header",
            "-o",
            "console_output_style=classic",
            "--course-target",
            str(target.module_dir),
            "--course-events",
            str(events),
            "--course-hidden-root",
            str(root / "solutions"),
            *map(str, dirs),
        ]
        child_env = {
            **os.environ,
            **(env or {}),
            # The graded folder first: `import penguin_api` is the target's, nobody else's; then
            # this copy of the course, so the checks run with the tooling that collected them.
            "PYTHONPATH": os.pathsep.join([str(target.module_dir), str(root)]),
            "COURSE_TIMEOUT_SCALE": str(timeout_scale),
            # Don't litter a student's folder (or a read-only submission) with bytecode.
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        with output.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=target.module_dir,
                env=child_env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=preexec,  # type: ignore[arg-type]
            )
            note = ""
            try:
                process.wait(timeout=wall_clock_s)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                note = f"grading stopped after its {wall_clock_s:g} s wall-clock limit"
            else:
                # Whatever the checks started (servers, forks) dies with the run.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        results, plan_seen, note = _read_events(events, note or _ended_early(process.returncode))
        if not plan_seen:
            with output.open("rb") as f:
                text = f.read(OUTPUT_LIMIT).decode(errors="replace")
            raise GraderSetupError(_setup_message(text, process.returncode))
    return GradeReport(
        module=module.folder,
        target=target.kind,
        path=str(target.module_dir),
        results=results,
        duration_s=time.monotonic() - started,
        note=note,
    )


def _ended_early(returncode: int | None) -> str:
    if returncode in (0, 1):  # pytest: all passed / some failed
        return ""
    if returncode is not None and returncode < 0:
        return f"the grading process was killed by signal {-returncode}"
    return f"the grading process ended with exit code {returncode}"


def _read_events(path: Path, note: str) -> tuple[list[CheckResult], bool, str]:
    """Results in plan order; checks the run never finished get a result that says why."""
    plan: list[CheckResult] = []
    finished: dict[str, CheckResult] = {}
    running: str | None = None
    plan_seen = False
    for line in path.read_text(errors="replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a half-written last line from a process that died mid-write
        if event["event"] == "plan":
            plan = [CheckResult.from_dict(c) for c in event["checks"]]
            plan_seen = True
        elif event["event"] == "start":
            running = event["id"]
        elif event["event"] == "result":
            result = CheckResult.from_dict(event["result"])
            finished[result.id] = result
            running = None
        elif event["event"] == "abort":
            note = f"grading stopped early: {event['why']}"
    results = []
    for pending in plan:
        if pending.id in finished:
            results.append(finished[pending.id])
            continue
        if pending.id == running:
            pending.outcome = Outcome.FAILED
            pending.message = (
                f"{note or 'the grading process ended'} while this check ran: does your code "
                "call sys.exit() or os._exit(), or crash the interpreter?"
            )
        else:
            pending.outcome = Outcome.BLOCKED
            pending.message = f"not run: {note or 'the grading process ended early'}"
        results.append(pending)
    return results, plan_seen, note


def _setup_message(output: str, returncode: int | None) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    useful = [line for line in lines if "declared wrongly" in line or line.startswith("  - ")]
    detail = "\n".join(useful or lines[-15:])
    return (
        f"The grader could not collect the checks (pytest exit code {returncode}); this is a "
        f"problem with the course, not with your work:\n{detail}"
    )
