"""Run a student's locustfile headless against a server for a few seconds, and read its CSVs."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course.grading.limits import scaled

LOCUST = Path(sys.executable).with_name("locust")
# Enough users and seconds that a task weighted 1 in 10 still runs, with any sane think time.
USERS = 10
RUN_TIME_S = 5


@dataclass(frozen=True)
class LocustRun:
    exit_code: int
    stats: dict[str, dict[str, str]]  # the rows of <prefix>_stats.csv by request name
    csv_files: list[str]  # which of the CSV files were written
    log_tail: str


def run_locust(
    locustfile: Path, host: str, out_dir: Path, run_time_s: int = RUN_TIME_S
) -> LocustRun:
    prefix = out_dir / "run"
    command = [
        str(LOCUST),
        "-f",
        str(locustfile),
        "--headless",
        "--host",
        host,
        "--users",
        str(USERS),
        "--spawn-rate",
        str(USERS),
        "--run-time",
        f"{run_time_s}s",
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--only-summary",
    ]
    try:
        run = subprocess.run(
            command,
            cwd=locustfile.parent,
            capture_output=True,
            text=True,
            timeout=scaled(run_time_s + 60),
        )
        code, log = run.returncode, run.stderr
    except subprocess.TimeoutExpired as exc:
        code, log = -9, str(exc.stderr or "")
    written = [p.name for p in sorted(out_dir.glob("run_*.csv"))]
    stats: dict[str, dict[str, str]] = {}
    stats_file = Path(f"{prefix}_stats.csv")
    if stats_file.is_file():
        with stats_file.open(newline="") as handle:
            stats = {row["Name"]: row for row in csv.DictReader(handle)}
    return LocustRun(code, stats, written, "\n".join(log.strip().splitlines()[-5:]))
