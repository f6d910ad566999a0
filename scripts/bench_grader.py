"""How long grading module 1 takes, solution and starter, over a few runs (a report, not a test).

.venv/bin/python scripts/bench_grader.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from rich.console import Console
from rich.table import Table

from course.grading.runner import Target, grade
from course.model_cli import ensure_model, model_dir_from_env
from course.modules import resolve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    module = resolve("1")
    model_dir = model_dir_from_env()
    ensure_model(model_dir)
    env = {"MODEL_DIR": str(model_dir)}
    table = Table(title=f"course grade 1: wall-clock seconds over {args.runs} runs")
    for column in ("target", "score", "median s", "min s", "max s", "slowest check"):
        table.add_column(column)
    for kind, folder in (("solution", module.solution_dir()), ("student", module.student_dir())):
        times = []
        for _ in range(args.runs):
            started = time.monotonic()
            report = grade(module, Target(kind, folder), include_hidden=True, env=env)
            times.append(time.monotonic() - started)
        slowest = max(report.results, key=lambda r: r.duration_s)
        table.add_row(
            kind,
            f"{report.score}/{report.max_score}",
            f"{statistics.median(times):.1f}",
            f"{min(times):.1f}",
            f"{max(times):.1f}",
            f"{slowest.id} ({slowest.duration_s:.1f} s)",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
