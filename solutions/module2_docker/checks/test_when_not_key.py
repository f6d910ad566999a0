"""Instructor-only: exercise 8's answers against the key."""

from __future__ import annotations

from pathlib import Path

from course.grading import CheckFailure, check
from course.grading.answer_sheets import read_sheet
from course.grading.when_not_sheet import SCENARIOS, SHEET, WHEN_NOT

# Why each is what it is: docs/module2/when-not-to-containerise.md, the decision checklist.
KEY = {
    "nightly_warehouse_batch": "no-container",
    "notebook_exploration": "no-container",
    "serverless_thumbnail": "no-container",
    "api_on_kubernetes": "container",
    "one_off_script": "no-container",
    "integration_tests_everywhere": "container",
    "desktop_labelling_tool": "no-container",
    "hand_over_to_another_team": "container",
}


@check(
    id="when-not-key",
    points=4,
    exercise=WHEN_NOT,
    title="the answers to the scenarios match the course's key",
    hint="Ask of each scenario: is there a long-running service to ship to machines I do not "
    "control? If a platform already packages and runs the code, a container adds work.",
    requires=["when-not-answered"],
    kind="static",
)
def test_when_not_key(graded_dir: Path) -> None:
    sheet = read_sheet(graded_dir / SHEET, SCENARIOS)
    wrong = [key for key in SCENARIOS if sheet[key]["answer"] != KEY[key]]
    if wrong:
        raise CheckFailure(
            f"{len(wrong)} of {len(SCENARIOS)} scenarios disagree with the key: "
            + ", ".join(wrong),
            help="Reread those scenarios against the lesson's checklist, then grade again.",
        )
