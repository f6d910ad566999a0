"""Checks for exercise 8: when not to use a container (the answer sheet's form; the key is
checked by an instructor-only check)."""

from __future__ import annotations

from pathlib import Path

from course.grading import CheckFailure, check
from course.grading.answer_sheets import check_reasons, read_sheet
from course.grading.when_not_sheet import CHOICES, MIN_WORDS, SCENARIOS, SHEET, WHEN_NOT


@check(
    id="when-not-answered",
    points=2,
    exercise=WHEN_NOT,
    title="answers/when_not.toml answers every scenario, each with a reason",
    hint='For each [scenario], set answer = "container" or "no-container" and a why of a '
    f"sentence or two (at least {MIN_WORDS} words); the lesson's checklist helps.",
    kind="static",
)
def test_when_not_answered(graded_dir: Path) -> None:
    sheet = read_sheet(graded_dir / SHEET, SCENARIOS)
    unanswered = [key for key, table in sheet.items() if table.get("answer") not in CHOICES]
    if unanswered:
        raise CheckFailure(
            f"in {SHEET}, these scenarios have no valid answer: {', '.join(unanswered)}",
            expected=" or ".join(f'"{choice}"' for choice in CHOICES),
            actual=sorted({str(sheet[key].get("answer")) for key in unanswered}),
            help="Replace each TODO with one of the two answers, in double quotes.",
        )
    check_reasons(sheet, str(SHEET), min_words=MIN_WORDS)
