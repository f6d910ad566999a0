"""Instructor commands: ``course release``, ``course selftest`` and ``course starter``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer
from rich.table import Table

from course.console import console, fail
from course.model_cli import ensure_model, model_dir_from_env
from course.modules import MODULES, UnknownModuleError, resolve
from course.paths import REPO_ROOT, is_full_edition

starter_app = typer.Typer(
    help="Generate the starter code from the solutions.", no_args_is_help=True
)


def _need_full_edition(command: str) -> None:
    if not is_full_edition():
        fail(f"`course {command}` needs the instructors' edition of the course (with solutions/).")
        raise typer.Exit(2)


def release_command(
    out: Path = typer.Option(..., "--out", help="An empty folder for the student edition."),  # noqa: B008
    modules: str = typer.Option(
        ",".join(str(m.number) for m in MODULES), "--modules", help="Released modules, e.g. 1,2."
    ),
) -> None:
    """Write the student edition (no solutions, no hidden checks) and verify it."""
    from course.release import ReleaseError, leaks, write

    _need_full_edition("release")
    try:
        released = [resolve(name) for name in modules.split(",") if name.strip()]
        release = write(out, released)
    except (ReleaseError, UnknownModuleError) as exc:
        fail(str(exc))
        raise typer.Exit(2) from None
    console.print(f"Wrote {len(release.files)} files to {out} (modules {modules}).")
    found = leaks(out)
    if found:
        fail("The release contains instructor-only material: " + "; ".join(found))
        raise typer.Exit(1)
    console.print("No solution, hidden check or instructor page in it.")
    _announce_catch_up(out)
    verify(out, [m.number for m in released])


def _announce_catch_up(out: Path) -> None:
    """Say which released folders hold an earlier weekend's solution (on purpose: the catch-up)."""
    from course.starter import SOURCES

    for solution, starter, catch_up in SOURCES:
        if catch_up and (out / starter).exists():
            console.print(
                f"[yellow]Note:[/] {starter}/ is the catch-up copy of {solution}/ (a later "
                "weekend starts from a working earlier one): release that weekend once the "
                "earlier one is graded."
            )


def verify(out: Path, released: list[int]) -> None:
    """Run the edition's own CLI: --help, and `course grade N` on each released starter."""
    import json

    env = {**os.environ, "PYTHONPATH": str(out), "MODEL_DIR": str(model_dir_from_env())}
    ensure_model(model_dir_from_env())
    cli = [sys.executable, "-c", "from course.cli import app; app()"]
    help_run = subprocess.run([*cli, "--help"], cwd=out, env=env, capture_output=True, text=True)
    if help_run.returncode != 0:
        fail(f"`course --help` fails in the release: {help_run.stderr.strip()[-300:]}")
        raise typer.Exit(1)
    for module in MODULES:
        if module.number not in released or not (out / module.folder / "checks").is_dir():
            continue
        command = f"`course grade {module.number}`"
        grade_run = subprocess.run(
            [*cli, "grade", str(module.number), "--format", "json"],
            cwd=out,
            env=env,
            capture_output=True,
            text=True,
        )
        try:
            report = json.loads(grade_run.stdout)
        except json.JSONDecodeError:
            fail(f"{command} did not work in the release: {grade_run.stderr.strip()[-500:]}")
            raise typer.Exit(1) from None
        if report["counts"]["error"]:
            fail(f"{command} in the release reports grader errors.")
            raise typer.Exit(1)
        if Path(report["path"]).resolve() != (out / module.folder).resolve():
            fail(f"{command} in the release graded {report['path']}, not the release's own code.")
            raise typer.Exit(1)
        console.print(
            f"Verified: {command} works in the release; the starter scores "
            f"{report['score']}/{report['max_score']}."
        )


def selftest_command() -> None:
    """Check the course: every solution scores 100%, every starter less, no grader errors."""
    from course import selftest

    _need_full_edition("selftest")
    model_dir = model_dir_from_env()
    ensure_model(model_dir)
    with console.status("Grading every module's solution and starter…"):
        verdicts, problems = selftest.run({"MODEL_DIR": str(model_dir)})
    table = Table(title="course selftest")
    for column in ("module", "solution", "starter", "time"):
        table.add_column(column)
    for v in verdicts:
        table.add_row(
            v.module.folder,
            f"{v.solution.score}/{v.solution.max_score}",
            f"{v.starter.score}/{v.starter.max_score}",
            f"{v.solution.duration_s + v.starter.duration_s:.0f} s",
        )
    console.print(table)
    if problems:
        for problem in problems:
            fail(problem)
        raise typer.Exit(1)
    console.print("[green]Every solution scores 100%, every starter less, no grader errors.[/]")


@starter_app.command("build")
def starter_build() -> None:
    """Regenerate the starter code from the solutions' markers."""
    from course.starter import build

    _need_full_edition("starter build")
    written = build()
    for path in written:
        console.print(f"wrote {path.relative_to(REPO_ROOT)}")
    console.print(f"{len(written)} starter file(s) updated.")


@starter_app.command("check")
def starter_check() -> None:
    """Fail when a committed starter differs from what its solution generates."""
    from course.starter import drift

    _need_full_edition("starter check")
    problems = drift()
    for problem in problems:
        fail(f"{problem}; run `course starter build` and commit the result.")
    if problems:
        raise typer.Exit(1)
    console.print("Starters are in sync with their solutions.")
