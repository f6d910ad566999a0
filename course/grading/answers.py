"""Answers files (``answers/*.toml``): questions a student answers and the grader verifies."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from course.grading.spec import CheckFailure

# The starter's placeholders: an answer still equal to one of them is not an answer yet.
UNANSWERED: tuple[Any, ...] = ("TODO", 0, "")


def load_answers(graded_dir: Path, relative: str, section: str) -> dict[str, Any]:
    """One section of an answers file; a missing file, bad TOML or missing section fails."""
    path = graded_dir / relative
    if not path.is_file():
        raise CheckFailure(
            f"{relative} does not exist", help=f"Answer the questions in {path} (see the starter)."
        )
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise CheckFailure(
            f"{relative} is not valid TOML: {exc}",
            help='Text goes in "quotes", numbers without; one `key = value` per line.',
        ) from None
    if not isinstance(data.get(section), dict):
        raise CheckFailure(
            f"{relative} has no [{section}] section", help="Keep the sections of the starter."
        )
    return dict(data[section])


def expect_answers(
    relative: str, section: str, given: dict[str, Any], truth: dict[str, Any], help: str
) -> None:
    """Fail, naming every wrong or missing answer, unless ``given`` matches ``truth``."""
    wrong = []
    for key, expected in truth.items():
        answer = given.get(key)
        if answer is None or (answer in UNANSWERED and answer != expected):
            wrong.append(f"{key} is not answered yet")
        elif _normal(answer) != _normal(expected):
            wrong.append(f"{key} = {answer!r} is not right")
    if wrong:
        raise CheckFailure(
            f"[{section}] in {relative}: {'; '.join(wrong)}",
            expected=f"{len(truth)} right answers",
            actual=f"{len(truth) - len(wrong)} right",
            help=help,
        )


def _normal(value: Any) -> Any:
    # "POST" and "post", or " application/json": the same answer.
    return value.strip().lower() if isinstance(value, str) else value
