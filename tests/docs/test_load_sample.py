"""The reference locustfile (module 1, exercise 13) runs against a live API, and Locust still
writes the CSV columns the load-test notebook reads from the committed sample."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from course.grading.live import serve_app
from course.paths import REPO_ROOT, is_full_edition, module1_app_dir

LOCUST = Path(sys.executable).with_name("locust")
SAMPLE = REPO_ROOT / "notebooks" / "load" / "sample" / "penguins"
FILES = ["_stats.csv", "_stats_history.csv", "_failures.csv"]


def header(path: Path) -> list[str]:
    with path.open(newline="") as handle:
        return next(csv.reader(handle))


@pytest.mark.skipif(
    not is_full_edition(), reason="load-tests the reference API from solutions/ (full edition only)"
)
def test_the_locustfile_runs_and_writes_the_columns_the_notebook_reads(model_dir, tmp_path):
    app_dir = module1_app_dir(solution=True)
    open_access = {"MODEL_DIR": str(model_dir), "API_KEYS": "", "API_KEYS_FILE": ""}
    with serve_app(app_dir, env=open_access, deadline_s=60) as (url, _):
        # The lesson's command, shorter and lighter.
        run = subprocess.run(
            [
                str(LOCUST),
                "-f",
                "solutions/module1_api/load/locustfile.py",
                "--headless",
                "--host",
                url,
                "--users",
                "4",
                "--spawn-rate",
                "4",
                "--run-time",
                "3s",
                "--csv",
                str(tmp_path / "penguins"),
                "--only-summary",
                # This run checks the CSV columns, not the speed of a shared machine.
                "--max-p95-ms",
                "10000",
                "--min-rps",
                "0",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, f"locust failed:\n{run.stderr[-3000:]}"
    for suffix in FILES:
        assert header(tmp_path / f"penguins{suffix}") == header(Path(f"{SAMPLE}{suffix}")), (
            f"Locust now writes different columns to *{suffix}; re-record the sample with the "
            "command on the load-testing page and check the notebook still runs"
        )
    with (tmp_path / "penguins_stats.csv").open(newline="") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    assert int(total["Request Count"]) > 0
    assert int(total["Failure Count"]) == 0, "the virtual users' requests failed"
