"""``course grade``: grade one module of the student's work, the solution, or a submission."""

from __future__ import annotations

from pathlib import Path

import typer

from course.console import console, err_console, fail
from course.grading.render import FORMATS, render, table
from course.grading.results import GradeReport, Outcome
from course.grading.runner import GraderSetupError, Target, grade
from course.model_cli import ensure_model, model_dir_from_env
from course.modules import Module, UnknownModuleError, resolve
from course.paths import REPO_ROOT, is_full_edition

EXIT_BELOW = 1
EXIT_GRADER = 2


def module_or_exit(name: str) -> Module:
    try:
        return resolve(name)
    except UnknownModuleError as exc:
        fail(str(exc))
        raise typer.Exit(EXIT_GRADER) from None


def choose_target(module: Module, solution: bool, submission: Path | None) -> Target:
    if solution and submission:
        fail("Use either --solution or --submission, not both.")
        raise typer.Exit(EXIT_GRADER)
    if solution:
        if not is_full_edition():
            fail("--solution needs the instructors' edition of the course (it has solutions/).")
            raise typer.Exit(EXIT_GRADER)
        return Target("solution", module.solution_dir())
    if submission is not None:
        folder = submission.resolve() / module.folder
        if not folder.is_dir():
            fail(
                f"{submission} has no {module.folder}/ folder; point --submission at a copy of "
                "a student's repository."
            )
            raise typer.Exit(EXIT_GRADER)
        return Target("submission", folder)
    return Target("student", module.student_dir())


def exit_code(report: GradeReport, min_score: float) -> int:
    if report.count(Outcome.ERROR):
        return EXIT_GRADER
    return 0 if report.percent >= min_score else EXIT_BELOW


def grade_command(
    module: str = typer.Argument(..., help="Module number or folder: 1 or module1_api."),
    solution: bool = typer.Option(False, "--solution", help="Grade the reference solution."),
    submission: Path = typer.Option(  # noqa: B008
        None, "--submission", help="Grade another copy of the repository (a student's)."
    ),
    fmt: str = typer.Option("table", "--format", help=f"One of: {', '.join(FORMATS)}."),
    out: Path = typer.Option(None, "--out", help="Write the report to this file."),  # noqa: B008
    min_score: float = typer.Option(
        100.0, "--min-score", help="Exit 0 from this percentage on (default: full marks)."
    ),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Show tracebacks of failures."),
) -> None:
    """Grade a module: a score, and a hint for every check that does not pass."""
    if fmt not in FORMATS:
        fail(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
        raise typer.Exit(EXIT_GRADER)
    chosen = module_or_exit(module)
    if not chosen.has_checks(REPO_ROOT):
        fail(f"{chosen.folder} has no graded checks yet: its lab has not been released.")
        raise typer.Exit(EXIT_GRADER)
    target = choose_target(chosen, solution, submission)
    model_dir = model_dir_from_env()
    ensure_model(model_dir)
    with err_console.status(f"Grading {chosen.folder} ({target.kind})…"):
        try:
            report = grade(
                chosen,
                target,
                include_hidden=is_full_edition(),
                env={"MODEL_DIR": str(model_dir)},
            )
        except GraderSetupError as exc:
            fail(str(exc))
            raise typer.Exit(EXIT_GRADER) from None
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(report, fmt, verbose))
        console.print(table(report, verbose) if fmt == "table" else f"Report written to {out}")
    elif fmt == "table":
        console.print(table(report, verbose))
    else:
        print(render(report, fmt, verbose), end="")
    raise typer.Exit(exit_code(report, min_score))
