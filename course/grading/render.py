"""Every report format, rendered from the one GradeReport model.

All of them show hidden checks the way students may see them: title, points, outcome and hint.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.etree import ElementTree as ET

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from course.grading.results import GLYPHS, CheckResult, GradeReport, Outcome

FORMATS = ("table", "json", "gradescope", "junit", "csv")
STYLES = {
    Outcome.PASSED: "green",
    Outcome.FAILED: "red",
    Outcome.BLOCKED: "yellow",
    Outcome.NOT_RUN: "cyan",
    Outcome.ERROR: "magenta",
}


def _short(value: Any, limit: int = 300) -> str:
    if value is None:  # a side that is absent (no header, no setting), not JSON's null
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- terminal -------------------------------------------------------------------------------


def table(report: GradeReport, verbose: bool = False) -> Group:
    report = report.public()
    parts: list[Any] = []
    for exercise, results in report.exercises().items():
        earned = sum(r.earned for r in results)
        possible = sum(r.points for r in results)
        grid = Table(
            title=f"{exercise}  [{earned}/{possible}]",
            title_justify="left",
            show_header=False,
            box=None,
            padding=(0, 1),
            expand=False,
        )
        grid.add_column(width=2)
        grid.add_column(ratio=1)
        grid.add_column(justify="right", width=5)
        for result in results:
            style = STYLES[result.outcome]
            grid.add_row(
                Text(GLYPHS[result.outcome], style=style),
                Text(result.title + (" (hidden)" if result.hidden else "")),
                Text(f"{result.earned}/{result.points}", style=style),
            )
            for line in _explain(result, verbose):
                grid.add_row("", Text(line, style="dim" if line.startswith("   ") else ""), "")
        parts.append(grid)
        parts.append(Text(""))
    parts.append(summary(report))
    return Group(*parts)


def _explain(result: CheckResult, verbose: bool) -> list[str]:
    if result.outcome == Outcome.PASSED:
        return []
    lines = []
    if result.message:
        label = {
            Outcome.FAILED: "why",
            Outcome.BLOCKED: "blocked",
            Outcome.NOT_RUN: "not run",
            Outcome.ERROR: "grader error",
        }[result.outcome]
        lines.append(f"{label}: {result.message}")
    if result.expected is not None or result.actual is not None:
        lines.append(f"   expected: {_short(result.expected)}")
        lines.append(f"   got:      {_short(result.actual)}")
    if result.outcome == Outcome.FAILED:
        lines.append(f"hint: {result.help or result.hint}")
    if verbose and result.detail:
        lines.extend("   " + line for line in result.detail.splitlines()[-25:])
    return lines


def summary(report: GradeReport) -> Panel:
    counts = ", ".join(f"{report.count(o)} {o.value}" for o in Outcome if report.count(o))
    style = "green" if report.score == report.max_score else "yellow"
    text = Text.assemble(
        (f"{report.module} ({report.target}): ", "bold"),
        (f"{report.score}/{report.max_score} points ({report.percent:.0f}%)", f"bold {style}"),
        f"  —  {counts}  —  {report.duration_s:.1f} s",
    )
    if report.note:
        text.append(f"\n{report.note}", style="red")
    return Panel(text, expand=False)


def to_text(report: GradeReport, width: int = 100, verbose: bool = False) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(table(report, verbose))
    return console.export_text()


# --- machine formats ------------------------------------------------------------------------


def to_json(report: GradeReport) -> str:
    return json.dumps(report.public().to_dict(), indent=2, default=repr) + "\n"


def _feedback(result: CheckResult) -> str:
    if result.hidden or result.outcome == Outcome.PASSED:
        return result.hint if result.outcome != Outcome.PASSED else ""
    lines = [result.message] if result.message else []
    if result.expected is not None or result.actual is not None:
        lines += [f"expected: {_short(result.expected)}", f"got: {_short(result.actual)}"]
    lines.append(f"hint: {result.help or result.hint}")
    return "\n".join(lines)


def to_gradescope(report: GradeReport) -> str:
    """Gradescope's results.json: score, max_score and one entry per check."""
    report = report.public()
    tests = [
        {
            "name": f"{r.exercise}: {r.title}",
            "number": r.id,
            "score": r.earned,
            "max_score": r.points,
            "status": "passed" if r.outcome == Outcome.PASSED else "failed",
            "output": _feedback(r),
            "visibility": "visible",
            "tags": [r.kind, r.outcome.value],
        }
        for r in report.results
    ]
    body = {
        "score": report.score,
        "max_score": report.max_score,
        "execution_time": round(report.duration_s),
        "output": f"{report.module}: {report.score}/{report.max_score} points",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    return json.dumps(body, indent=2) + "\n"


def to_junit(report: GradeReport) -> str:
    report = report.public()
    suite = ET.Element(
        "testsuite",
        name=report.module,
        tests=str(len(report.results)),
        failures=str(report.count(Outcome.FAILED)),
        errors=str(report.count(Outcome.ERROR)),
        skipped=str(report.count(Outcome.BLOCKED) + report.count(Outcome.NOT_RUN)),
        time=f"{report.duration_s:.3f}",
    )
    for r in report.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=r.exercise,
            name=f"{r.id}: {r.title}",
            time=f"{r.duration_s:.3f}",
        )
        ET.SubElement(
            ET.SubElement(case, "properties"),
            "property",
            name="points",
            value=f"{r.earned}/{r.points}",
        )
        if r.outcome == Outcome.FAILED:
            ET.SubElement(case, "failure", message=r.message or r.hint).text = _feedback(r)
        elif r.outcome == Outcome.ERROR:
            ET.SubElement(case, "error", message=r.message).text = r.detail
        elif r.outcome in (Outcome.BLOCKED, Outcome.NOT_RUN):
            ET.SubElement(case, "skipped", message=f"{r.outcome.value}: {r.message}")
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


CSV_COLUMNS = [
    "module",
    "target",
    "check",
    "exercise",
    "title",
    "outcome",
    "earned",
    "points",
    "message",
]


def csv_rows(report: GradeReport) -> list[dict[str, Any]]:
    report = report.public()
    return [
        {
            "module": report.module,
            "target": report.target,
            "check": r.id,
            "exercise": r.exercise,
            "title": r.title,
            "outcome": r.outcome.value,
            "earned": r.earned,
            "points": r.points,
            "message": r.message,
        }
        for r in report.results
    ]


def to_csv(report: GradeReport) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(report))
    return buffer.getvalue()


def render(report: GradeReport, fmt: str, verbose: bool = False) -> str:
    renderers = {
        "table": lambda r: to_text(r, verbose=verbose),
        "json": to_json,
        "gradescope": to_gradescope,
        "junit": to_junit,
        "csv": to_csv,
    }
    return renderers[fmt](report)
