"""One result model for a graded run; every report format is rendered from it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # the work does not do what the check expects (timeouts included)
    BLOCKED = "blocked"  # a prerequisite check did not pass
    NOT_RUN = "not run"  # a tool the check needs (docker, kubectl, a cluster) is missing
    ERROR = "error"  # the grader itself broke: never counted against the student


GLYPHS = {
    Outcome.PASSED: ":)",
    Outcome.FAILED: ":(",
    Outcome.BLOCKED: ":|",
    Outcome.NOT_RUN: "--",
    Outcome.ERROR: "!!",
}


@dataclass
class CheckResult:
    id: str
    title: str
    exercise: str
    points: int
    outcome: Outcome
    hint: str
    kind: str = "unit"
    hidden: bool = False
    message: str = ""
    expected: Any = None
    actual: Any = None
    help: str | None = None
    detail: str = ""  # the traceback, for -v and for instructors; never shown for hidden checks
    duration_s: float = 0.0
    requires: list[str] = field(default_factory=list)

    @property
    def earned(self) -> int:
        return self.points if self.outcome == Outcome.PASSED else 0

    def public(self) -> CheckResult:
        """What a student may see of a hidden check: title, points, outcome and hint only."""
        if not self.hidden:
            return self
        return CheckResult(
            id=self.id,
            title=self.title,
            exercise=self.exercise,
            points=self.points,
            outcome=self.outcome,
            hint=self.hint,
            kind=self.kind,
            hidden=True,
            duration_s=self.duration_s,
            requires=self.requires,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        data["earned"] = self.earned
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        data = {k: v for k, v in data.items() if k != "earned"}
        data["outcome"] = Outcome(data["outcome"])
        return cls(**data)


@dataclass
class GradeReport:
    module: str
    target: str  # "student", "solution" or "submission"
    path: str
    results: list[CheckResult]
    duration_s: float = 0.0
    note: str = ""  # e.g. why the run ended early

    @property
    def score(self) -> int:
        return sum(r.earned for r in self.results)

    @property
    def max_score(self) -> int:
        return sum(r.points for r in self.results)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def count(self, outcome: Outcome) -> int:
        return sum(r.outcome == outcome for r in self.results)

    def exercises(self) -> dict[str, list[CheckResult]]:
        """Results by exercise in number order ("2. ..." before "11. ..."), checks in run order."""
        grouped: dict[str, list[CheckResult]] = {}
        for result in self.results:
            grouped.setdefault(result.exercise, []).append(result)
        return dict(sorted(grouped.items(), key=lambda item: _exercise_number(item[0])))

    def public(self) -> GradeReport:
        return GradeReport(
            module=self.module,
            target=self.target,
            path=self.path,
            results=[r.public() for r in self.results],
            duration_s=self.duration_s,
            note=self.note,
        )

    def revealed(self) -> GradeReport:
        """The instructors' view: hidden checks keep their messages, titled as hidden."""
        return replace(
            self,
            results=[
                replace(r, hidden=False, title=f"{r.title} (hidden)") if r.hidden else r
                for r in self.results
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "target": self.target,
            "path": self.path,
            "score": self.score,
            "max_score": self.max_score,
            "percent": round(self.percent, 2),
            "duration_s": round(self.duration_s, 3),
            "note": self.note,
            "counts": {o.value: self.count(o) for o in Outcome},
            "results": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradeReport:
        return cls(
            module=data["module"],
            target=data["target"],
            path=data["path"],
            results=[CheckResult.from_dict(r) for r in data["results"]],
            duration_s=data.get("duration_s", 0.0),
            note=data.get("note", ""),
        )


def _exercise_number(exercise: str) -> float:
    """The number an exercise's name starts with ("11. Testing" -> 11); unnumbered ones last."""
    number = exercise.split(".", 1)[0].strip()
    return int(number) if number.isdigit() else float("inf")
