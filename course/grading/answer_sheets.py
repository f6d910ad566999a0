"""Reading a student's TOML answer sheet, with a sentence for every way it can be wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from course.grading.spec import CheckFailure


def read_sheet(path: Path, expected_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The sheet's tables by id; fails unless it holds exactly ``expected_ids``."""
    shown = f"{path.parent.name}/{path.name}"
    if not path.is_file():
        raise CheckFailure(
            f"{shown} is missing",
            help="Copy it back from the starter (git checkout) and fill in the answers.",
        )
    try:
        sheet = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise CheckFailure(
            f"{shown} is not valid TOML",
            actual=str(exc),
            help='Each answer is `answer = ...` and `why = "..."` under its [question] table; '
            "strings need double quotes.",
        ) from None
    tables = {key: value for key, value in sheet.items() if isinstance(value, dict)}
    if sorted(tables) != sorted(expected_ids):
        raise CheckFailure(
            f"{shown} does not have the expected questions",
            expected=sorted(expected_ids),
            actual=sorted(tables),
            help="Answer under the [tables] the starter gave; do not rename or remove them.",
        )
    return tables


def check_reasons(sheet: dict[str, dict[str, Any]], shown: str, min_words: int) -> None:
    """Every answer says why, in at least ``min_words`` words, and is not a TODO."""
    thin = [
        key
        for key, table in sheet.items()
        if not isinstance(table.get("why"), str)
        or "TODO" in table["why"]
        or len(table["why"].split()) < min_words
    ]
    if thin:
        raise CheckFailure(
            f"in {shown}, these answers do not say why (at least {min_words} words): "
            + ", ".join(thin),
            help='Give each answer a `why = "..."`: the reason is what shows you understood.',
        )
