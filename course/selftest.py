"""``course selftest``: the course still works before a class starts.

For every module with checks: the solution scores 100% (hidden checks included), the starter
scores less with zero grader errors, and the committed starter is what the solution generates.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.grading.results import GradeReport, Outcome
from course.grading.runner import Target, grade
from course.modules import MODULES, Module
from course.paths import REPO_ROOT
from course.starter import drift


@dataclass
class ModuleVerdict:
    module: Module
    solution: GradeReport
    starter: GradeReport

    @property
    def problems(self) -> list[str]:
        problems = []
        if self.solution.score != self.solution.max_score:
            failing = [r.id for r in self.solution.results if r.outcome != Outcome.PASSED]
            problems.append(
                f"{self.module.folder}: the solution scores {self.solution.score}/"
                f"{self.solution.max_score}; not passing: {', '.join(failing)}"
            )
        if self.starter.score >= self.starter.max_score:
            problems.append(f"{self.module.folder}: the starter already scores 100%")
        for report in (self.solution, self.starter):
            errors = [r.id for r in report.results if r.outcome == Outcome.ERROR]
            if errors:
                problems.append(
                    f"{self.module.folder} ({report.target}): grader errors in {', '.join(errors)}"
                )
            missing = [r.id for r in report.results if r.outcome == Outcome.NOT_RUN]
            if report.target == "solution" and missing:
                problems.append(
                    f"{self.module.folder}: checks not run for a missing tool: {', '.join(missing)}"
                )
        return problems


def run(env: dict[str, str]) -> tuple[list[ModuleVerdict], list[str]]:
    verdicts = []
    for module in MODULES:
        if not module.has_checks(REPO_ROOT):
            continue
        solution = grade(
            module, Target("solution", module.solution_dir()), include_hidden=True, env=env
        )
        starter = grade(
            module, Target("student", module.student_dir()), include_hidden=True, env=env
        )
        verdicts.append(ModuleVerdict(module, solution, starter))
    problems = [p for v in verdicts for p in v.problems]
    problems += [f"starter drift: {d} (run `course starter build`)" for d in drift()]
    return verdicts, problems
