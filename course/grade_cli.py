"""``course grade``: grade one module of the student's work, the solution, or a submission."""

from __future__ import annotations

from pathlib import Path

import typer

from course.console import console, err_console, fail
from course.grading.render import FORMATS, render, table
from course.grading.results import GradeReport, Outcome
from course.grading.runner import EXERCISE_ENV, GraderSetupError, Target, grade
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
    exercise: int = typer.Option(
        None,
        "--exercise",
        "-e",
        help="Grade only this exercise and the checks it builds on (faster), e.g. 3.",
    ),
    reveal_hidden: bool = typer.Option(
        False,
        "--reveal-hidden",
        help="Instructors: hidden checks keep their messages (never for a report students see).",
    ),
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
    if reveal_hidden and not is_full_edition():
        fail("--reveal-hidden needs the instructors' edition of the course (with solutions/).")
        raise typer.Exit(EXIT_GRADER)
    model_dir = model_dir_from_env()
    ensure_model(model_dir)
    with err_console.status(f"Grading {chosen.folder} ({target.kind})…"):
        try:
            report = grade(
                chosen,
                target,
                include_hidden=is_full_edition(),
                env={
                    "MODEL_DIR": str(model_dir),
                    **({EXERCISE_ENV: str(exercise)} if exercise is not None else {}),
                },
            )
        except GraderSetupError as exc:
            fail(str(exc))
            raise typer.Exit(EXIT_GRADER) from None
    if exercise is not None and not report.results:
        fail(
            f"{chosen.folder} has no exercise {exercise}: use an exercise's number as the "
            "exercises page numbers them."
        )
        raise typer.Exit(EXIT_GRADER)
    if reveal_hidden:
        report = report.revealed()
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(report, fmt, verbose))
        console.print(table(report, verbose) if fmt == "table" else f"Report written to {out}")
    elif fmt == "table":
        console.print(table(report, verbose))
        if exercise is not None:
            console.print(
                f"Exercise {exercise} and the checks it builds on only; "
                f"`course grade {chosen.number}` grades every exercise."
            )
    else:
        print(render(report, fmt, verbose), end="")
    raise typer.Exit(exit_code(report, min_score))


def grade_all_command(
    module: str = typer.Argument(..., help="Module number or folder: 1 or module1_api."),
    directory: Path = typer.Argument(  # noqa: B008
        ..., help="One folder per student, each a copy of the student's repository."
    ),
    out: Path = typer.Option(..., "--out", help="Folder for the CSVs and JSON reports."),  # noqa: B008
    jobs: int = typer.Option(2, "--jobs", min=1, help="Submissions graded at once."),
    wall_clock: float = typer.Option(
        600.0, "--wall-clock", help="Seconds one submission may take in all."
    ),
    timeout_scale: float = typer.Option(
        1.0, "--timeout-scale", help="Multiply every check's time limit (slow machines: 2)."
    ),
) -> None:
    """Grade every submission in DIRECTORY, each isolated; write grades_wide.csv and more."""
    from course.grading.bulk import grade_all

    chosen = module_or_exit(module)
    if not directory.is_dir():
        fail(f"{directory} is not a folder; give the folder that holds one folder per student.")
        raise typer.Exit(EXIT_GRADER)
    model_dir = model_dir_from_env()
    ensure_model(model_dir)
    reports = grade_all(
        chosen,
        directory,
        out,
        jobs=jobs,
        wall_clock_s=wall_clock,
        env={"MODEL_DIR": str(model_dir)},
        timeout_scale=timeout_scale,
    )
    from rich.table import Table

    overview = Table(title=f"{chosen.folder}: {len(reports)} submissions")
    for column in ("student", "score", "passed", "failed", "blocked", "not run", "error", "time"):
        overview.add_column(column, justify="left" if column == "student" else "right")
    for name, report in reports.items():
        overview.add_row(
            name,
            f"{report.score}/{report.max_score}",
            *(str(report.count(o)) for o in Outcome),
            f"{report.duration_s:.0f} s",
        )
    console.print(overview)
    console.print(f"Wrote {out}/grades_wide.csv, {out}/grades_long.csv and {out}/json/")
