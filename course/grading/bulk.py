"""``course grade-all``: grade a whole class, one isolated run per submission.

Each submission is copied to a temporary folder and graded in its own process tree, with a
wall-clock limit and resource limits; run as root (a classroom server, CI), the process also
drops to an unprivileged user, because root ignores process limits and can write anywhere. One
broken submission gets a row like any other, and the batch goes on.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from course.console import err_console
from course.grading.render import to_json
from course.grading.results import CheckResult, GradeReport, Outcome
from course.grading.runner import GraderSetupError, Target, grade
from course.modules import Module

SANDBOX_USER = "nobody"
MEMORY_LIMIT = 4 * 1024**3  # bytes of address space: sklearn + uvicorn need well under this
FILE_LIMIT = 64 * 1024**2  # bytes per file written: megabytes of output stop here
PROCESS_LIMIT = 256  # processes of the sandbox user: a fork bomb stops here
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.pyc", "node_modules")


@dataclass(frozen=True)
class Submission:
    name: str
    path: Path


def submissions(directory: Path) -> list[Submission]:
    return [
        Submission(p.name, p)
        for p in sorted(directory.iterdir())
        if p.is_dir() and not p.name.startswith(".")
    ]


@cache
def sandbox_user() -> pwd.struct_passwd | None:
    """The unprivileged user submissions run as, when we are root and that user can work.

    Returns None when we are not root (the limits below then apply to our own user), and also
    when the sandbox user cannot run this Python or read the course (say, a Python installed
    under /root): grading then runs as root with a warning, since it cannot drop privileges.
    """
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam(SANDBOX_USER)
    except KeyError:
        _warn(f"there is no user {SANDBOX_USER!r} to run submissions as")
        return None
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import course.grading.plugin, shared_model"],
            capture_output=True,
            preexec_fn=_drop(user),
            cwd="/",
            env={**os.environ, "HOME": "/"},
            timeout=60,
        )
        why = probe.stderr.decode(errors="replace").strip()[-200:]
    except OSError as exc:
        probe, why = None, str(exc)
    if probe is None or probe.returncode != 0:
        _warn(f"user {SANDBOX_USER!r} cannot run {sys.executable} or read the course ({why})")
        return None
    return user


def _warn(why: str) -> None:
    err_console.print(
        f"[yellow]warning:[/] grading as root without dropping privileges: {why}. Process-count "
        "limits do not apply to root; grade as an ordinary user, or install the course with a "
        "Python that every user can run (e.g. make install PYTHON=/usr/bin/python3)."
    )


def _drop(user: pwd.struct_passwd) -> Callable[[], None]:
    def apply() -> None:
        os.setgroups([])
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return apply


def _limits(user: pwd.struct_passwd | None) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if user is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (PROCESS_LIMIT, PROCESS_LIMIT))
            _drop(user)()

    return apply


def _chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    for item in [path, *path.rglob("*")]:
        os.lchown(item, user.pw_uid, user.pw_gid)


def grade_one(
    module: Module,
    submission: Submission,
    *,
    wall_clock_s: float,
    env: dict[str, str],
    timeout_scale: float,
) -> GradeReport:
    user = sandbox_user()
    with tempfile.TemporaryDirectory(prefix=f"course-{submission.name}-") as tmp:
        source = submission.path / module.folder
        copy = Path(tmp) / module.folder
        if not source.is_dir():
            return _unreadable(module, submission, f"the submission has no {module.folder}/ folder")
        shutil.copytree(source, copy, symlinks=True, ignore=COPY_IGNORE)
        home = Path(tmp) / "home"
        home.mkdir()
        if user is not None:
            os.chmod(tmp, 0o755)
            _chown_tree(copy, user)
            _chown_tree(home, user)
            if "MODEL_DIR" in env:
                # A copy the sandbox user can read (the original may sit in a private folder),
                # and cannot change: every submission is graded against the same model.
                model = Path(tmp) / "model"
                shutil.copytree(env["MODEL_DIR"], model)
                env = {**env, "MODEL_DIR": str(model)}
        try:
            return grade(
                module,
                Target("submission", copy),
                include_hidden=True,
                wall_clock_s=wall_clock_s,
                env={**env, "HOME": str(home), "TMPDIR": str(home)},
                preexec=_limits(user),
                timeout_scale=timeout_scale,
            )
        except GraderSetupError as exc:
            return _unreadable(module, submission, str(exc))


def _unreadable(module: Module, submission: Submission, why: str) -> GradeReport:
    result = CheckResult(
        id="submission",
        title="The submission can be graded",
        exercise="-",
        points=0,
        outcome=Outcome.ERROR,
        hint="",
        message=why,
    )
    return GradeReport(module.folder, "submission", str(submission.path), [result], note=why)


def grade_all(
    module: Module,
    directory: Path,
    out: Path,
    *,
    jobs: int,
    wall_clock_s: float,
    env: dict[str, str],
    timeout_scale: float = 1.0,
) -> dict[str, GradeReport]:
    everyone = submissions(directory)
    reports: dict[str, GradeReport] = {}
    (out / "json").mkdir(parents=True, exist_ok=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with (
        Progress(*columns, console=err_console) as progress,
        ThreadPoolExecutor(max_workers=jobs) as pool,
    ):
        task = progress.add_task(f"Grading {module.folder}", total=len(everyone))
        futures = {
            pool.submit(
                grade_one,
                module,
                s,
                wall_clock_s=wall_clock_s,
                env=env,
                timeout_scale=timeout_scale,
            ): s
            for s in everyone
        }
        for future in as_completed(futures):
            submission = futures[future]
            report = future.result()
            report.path = str(submission.path)
            reports[submission.name] = report
            (out / "json" / f"{submission.name}.json").write_text(to_json(report))
            progress.advance(task)
    ordered = {s.name: reports[s.name] for s in everyone}
    write_csvs(ordered, out)
    return ordered


def write_csvs(reports: dict[str, GradeReport], out: Path) -> None:
    """A wide CSV (a row per student; first row: points possible), a long one (a row per check)."""
    check_ids: list[str] = []
    possible: dict[str, int] = {}
    for report in reports.values():
        for result in report.results:
            if result.id not in possible and result.id != "submission":
                check_ids.append(result.id)
                possible[result.id] = result.points
    with (out / "grades_wide.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *check_ids, "total", "note"])
        writer.writerow(["(points possible)", *possible.values(), sum(possible.values()), ""])
        for name, report in reports.items():
            earned = {r.id: r.earned for r in report.results}
            writer.writerow(
                [name, *(earned.get(c, 0) for c in check_ids), report.score, report.note]
            )
    with (out / "grades_long.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "check", "outcome", "earned", "points", "message"])
        for name, report in reports.items():
            for r in report.results:
                writer.writerow([name, r.id, r.outcome.value, r.earned, r.points, r.message])
    summary = {name: {"score": r.score, "max_score": r.max_score} for name, r in reports.items()}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
