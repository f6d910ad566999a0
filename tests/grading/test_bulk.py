"""`course grade-all` over a class that includes every kind of broken submission.

The corpus is built from the real solution and starter, each broken in one way, so it follows
the course as it changes instead of rotting in a folder of copies.
"""

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from course.grading.bulk import grade_all, sandbox_user
from course.grading.results import Outcome
from course.modules import resolve

MODULE = resolve("1")
SLEEP_MARK = "613"  # a forked child sleeps this many seconds: easy to find if it survives


def mutate_main(extra: str):
    def apply(package: Path) -> None:
        main = package / "main.py"
        main.write_text(main.read_text() + "\n" + extra + "\n")

    return apply


def never_ready(package: Path) -> None:
    main = package / "main.py"
    text = main.read_text()
    # At the lifespan's own indentation, whatever it is: a mis-indented patch would make this
    # a syntax error, a different broken submission.
    patched = re.sub(
        r"^( +)yield \{",
        lambda m: f"{m[1]}import time\n{m[1]}time.sleep(10_000)\n{m[1]}yield {{",
        text,
        count=1,
        flags=re.M,
    )
    assert patched != text, "the reference's lifespan no longer yields its state"
    main.write_text(patched)


def edit_checks(package: Path) -> None:
    """The starter, plus a checks folder edited to give itself full marks."""
    checks = package.parent / "checks"
    checks.mkdir()
    (checks / "test_first_endpoints.py").write_text(
        "from course.grading import check\n"
        '@check(id="health", points=99, exercise="e", title="t", hint="h")\n'
        "def test_health(): pass\n"
    )


def corpus(root: Path, outside: Path) -> dict[str, str]:
    """Write one folder per student; returns student -> what is wrong with them."""
    cases = {
        "ada-complete": (MODULE.solution_dir(), None),
        "bob-starter": (MODULE.student_dir(), None),
        "cy-syntax-error": (MODULE.solution_dir(), mutate_main("def broken(:")),
        "di-import-loop": (MODULE.solution_dir(), mutate_main("while True:\n    pass")),
        "ed-sys-exit": (MODULE.solution_dir(), mutate_main("import sys\nsys.exit(3)")),
        "fa-os-exit": (MODULE.solution_dir(), mutate_main("import os\nos._exit(7)")),
        "gu-never-ready": (MODULE.solution_dir(), never_ready),
        "ha-megabytes": (
            MODULE.solution_dir(),
            mutate_main(
                "import sys\nsys.stdout.write('x' * 3_000_000)\nsys.stderr.write('y' * 3_000_000)"
            ),
        ),
        "io-fork": (
            MODULE.solution_dir(),
            mutate_main(
                f"import os\nif os.fork() == 0:\n    os.execvp('sleep', ['sleep', '{SLEEP_MARK}'])"
            ),
        ),
        "ju-writes-outside": (
            MODULE.solution_dir(),
            mutate_main(f"from pathlib import Path\nPath({str(outside)!r}).write_text('pwned')"),
        ),
        "ki-edited-checks": (MODULE.student_dir(), edit_checks),
    }
    for student, (source, mutation) in cases.items():
        # The whole module folder as handed in: the package, scripts, answers, tests, load tests.
        shutil.copytree(
            source,
            root / student / MODULE.folder,
            ignore=shutil.ignore_patterns("__pycache__", "checks"),
        )
        package = root / student / MODULE.folder / "penguin_api"
        if mutation:
            mutation(package)
    return {student: str(mutation) for student, (_, mutation) in cases.items()}


def failures(report) -> list[tuple[str, str]]:
    return [(r.id, r.message) for r in report.results if r.outcome != Outcome.PASSED]


@pytest.fixture(scope="module")
def graded(tmp_path_factory, model_dir):
    root = tmp_path_factory.mktemp("class")
    outside = tmp_path_factory.mktemp("elsewhere") / "pwned.txt"
    students = root / "submissions"
    corpus(students, outside)
    out = root / "grades"
    reports = grade_all(
        MODULE,
        students,
        out,
        jobs=2,
        # A complete module 1 runs the students' tests against a dozen APIs and two load tests.
        wall_clock_s=600,
        env={"MODEL_DIR": str(model_dir)},
        # Real limits: a loaded 2-core machine needs them for the complete submission.
        timeout_scale=1.0,
    )
    return reports, out, outside


def test_every_submission_gets_a_row(graded):
    reports, out, _ = graded
    assert len(reports) == 11
    with (out / "grades_wide.csv").open() as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "student"
    assert rows[1][0] == "(points possible)"
    assert [r[0] for r in rows[2:]] == sorted(reports)
    assert sorted(p.stem for p in (out / "json").glob("*.json")) == sorted(reports)
    with (out / "grades_long.csv").open() as f:
        long_rows = list(csv.DictReader(f))
    assert {r["student"] for r in long_rows} == set(reports)


def test_no_submission_is_blamed_on_the_grader(graded):
    reports, _, _ = graded
    for name, report in reports.items():
        assert report.count(Outcome.ERROR) == 0, (name, [r.message for r in report.results])


def test_the_complete_one_gets_full_marks_and_the_starter_does_not(graded):
    reports, _, _ = graded
    complete = reports["ada-complete"]
    assert complete.score == complete.max_score, failures(complete)
    assert 0 < reports["bob-starter"].score < reports["bob-starter"].max_score


@pytest.mark.parametrize(
    ("student", "message"),
    [
        ("cy-syntax-error", "SyntaxError"),
        ("di-import-loop", "did not finish within"),
        ("ed-sys-exit", "exit code 3"),
        ("fa-os-exit", "exit code 7"),
    ],
)
def test_broken_imports_fail_the_first_check_with_a_reason(graded, student, message):
    first = graded[0][student].results[0]
    assert first.id == "app-imports"
    assert first.outcome == Outcome.FAILED
    assert message in f"{first.message} {first.actual}"
    # Nothing built on the app passes; only checks that need none of it (exercise 1's network
    # scripts and answers) can still earn their points.
    passed = [r for r in graded[0][student].results if r.outcome == Outcome.PASSED]
    assert all(not r.requires for r in passed), [r.id for r in passed]


def test_a_server_that_never_becomes_ready_fails_in_time(graded):
    report = graded[0]["gu-never-ready"]
    starts = next(r for r in report.results if r.id == "app-starts")
    assert starts.outcome == Outcome.FAILED
    assert "time limit" in starts.message or "ended" in starts.message
    assert report.duration_s < 180


def test_checks_come_from_the_instructors_copy(graded):
    reports, _, _ = graded
    edited, starter = reports["ki-edited-checks"], reports["bob-starter"]
    assert (edited.score, edited.max_score) == (starter.score, starter.max_score)


def test_megabytes_of_output_do_not_break_grading(graded):
    report = graded[0]["ha-megabytes"]
    assert report.score == report.max_score, failures(report)


def test_forked_children_do_not_survive(graded):
    alive = subprocess.run(["pgrep", "-f", f"sleep {SLEEP_MARK}"], capture_output=True, text=True)
    assert alive.stdout == ""
    assert graded[0]["io-fork"].count(Outcome.ERROR) == 0


def test_the_submissions_themselves_are_not_modified(graded, tmp_path_factory):
    reports, _, _ = graded
    for report in reports.values():
        assert not list(Path(report.path).rglob("__pycache__"))


def test_a_write_outside_the_folder_is_refused(graded):
    if sandbox_user() is None:
        pytest.skip(
            "grading runs without an unprivileged sandbox user here (not root, or that user "
            "cannot run this Python), so file permissions cannot stop the write"
        )
    _, _, outside = graded
    assert not outside.exists()
    first = graded[0]["ju-writes-outside"].results[0]
    assert first.outcome == Outcome.FAILED
    assert "PermissionError" in str(first.actual)


def test_per_submission_json_is_complete(graded):
    _, out, _ = graded
    data = json.loads((out / "json" / "bob-starter.json").read_text())
    assert data["target"] == "submission"
    assert {r["id"] for r in data["results"]} >= {"app-imports", "health", "predict-whole-dataset"}
