"""Helpers for the grader's own tests: a throwaway course with hand-written checks."""

import textwrap
from pathlib import Path

import pytest

from course.grading.runner import Target, grade
from course.modules import Module

MODULE = Module(1, "module1_api", "A test module")


class FakeCourse:
    """A course root with one module whose checks and target code the test writes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.checks = root / MODULE.folder / "checks"
        self.hidden = root / "solutions" / MODULE.folder / "checks"
        self.target = root / "work" / MODULE.folder
        for folder in (self.checks, self.target):
            folder.mkdir(parents=True)

    def write_checks(self, source: str, hidden: bool = False) -> None:
        folder = self.hidden if hidden else self.checks
        folder.mkdir(parents=True, exist_ok=True)
        header = "from course.grading import CheckFailure, check, expect_equal\n"
        (folder / f"test_{'hidden' if hidden else 'visible'}.py").write_text(
            header + textwrap.dedent(source)
        )

    def write_target(self, name: str, source: str) -> None:
        (self.target / name).write_text(textwrap.dedent(source))

    def grade(self, include_hidden: bool = True, **kwargs):
        return grade(
            MODULE,
            Target("student", self.target),
            include_hidden=include_hidden,
            root=self.root,
            **kwargs,
        )


@pytest.fixture
def course(tmp_path: Path) -> FakeCourse:
    return FakeCourse(tmp_path)
