"""Declaring checks: ``@check(...)`` and the failures a check raises.

Everything a student sees about a check is declared here, next to the test: its title, points,
exercise and hint. Failures carry a rationale plus expected/actual values, which the reports
show instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import pytest

Kind = Literal["static", "unit", "live"]
# The command-line tools are the ones module 1's network exercise runs (needs.TOOL_PACKAGES).
Need = Literal["docker", "kubectl", "cluster", "curl", "nc", "ss", "getent"]
KINDS: tuple[str, ...] = ("static", "unit", "live")
NEEDS: tuple[str, ...] = ("docker", "kubectl", "cluster", "curl", "nc", "ss", "getent")
DEFAULT_TIMEOUT_S = 30.0

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CheckSpec:
    id: str
    points: int
    exercise: str
    title: str
    hint: str
    requires: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT_S
    kind: Kind = "unit"
    needs: tuple[Need, ...] = ()
    hidden: bool = False  # set by the collector for checks that live under solutions/
    source: str = field(default="", compare=False)


def check(
    *,
    id: str,
    points: int,
    exercise: str,
    title: str,
    hint: str,
    requires: list[str] | tuple[str, ...] = (),
    timeout: float = DEFAULT_TIMEOUT_S,
    kind: Kind = "unit",
    needs: list[Need] | tuple[Need, ...] = (),
) -> Callable[[F], F]:
    """Declare a graded check. Raises at import time on a malformed declaration."""
    problems = []
    if not id or id != id.strip() or " " in id:
        problems.append(f"id {id!r} must be a non-empty word (use dashes, not spaces)")
    if points < 0:
        problems.append(f"points must be >= 0, not {points}")
    if kind not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if unknown := [n for n in needs if n not in NEEDS]:
        problems.append(f"unknown needs {unknown}; known: {', '.join(NEEDS)}")
    if timeout <= 0:
        problems.append("timeout must be positive")
    if not title or not hint:
        problems.append("every check needs a title and a hint")
    if problems:
        raise ValueError(f"Check {id!r} is declared wrongly: {'; '.join(problems)}.")
    spec = CheckSpec(
        id=id,
        points=points,
        exercise=exercise,
        title=title,
        hint=hint,
        requires=tuple(requires),
        timeout=timeout,
        kind=kind,
        needs=tuple(needs),
    )

    def decorate(func: F) -> F:
        return pytest.mark.course_check(spec)(func)

    return decorate


class CheckFailure(AssertionError):
    """The student's work does not do what the check expects. Shown as rationale + values."""

    def __init__(
        self,
        rationale: str,
        *,
        expected: Any = None,
        actual: Any = None,
        help: str | None = None,
    ) -> None:
        super().__init__(rationale)
        self.rationale = rationale
        self.expected = expected
        self.actual = actual
        self.help = help


def expect_equal(actual: Any, expected: Any, what: str, help: str | None = None) -> None:
    """Fail with expected vs got when ``actual != expected``."""
    if actual != expected:
        raise CheckFailure(
            f"{what} is not what was expected", expected=expected, actual=actual, help=help
        )
