"""The load-testing lesson's locustfile runs against a live API, and Locust still writes the
CSV columns the load-test notebook reads from the committed sample."""

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from course.paths import REPO_ROOT, is_full_edition
from tests.test_course_serve import COURSE, free_port, wait_ready

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
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("API_KEYS", "API_KEYS_FILE")}
    server = subprocess.Popen(
        [str(COURSE), "serve", "--port", str(port)],
        env={**env, "MODEL_DIR": str(model_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", server)
        # The lesson's command, shorter and lighter.
        run = subprocess.run(
            [
                str(LOCUST),
                "-f",
                "notebooks/load/locustfile.py",
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                "4",
                "--spawn-rate",
                "4",
                "--run-time",
                "3s",
                "--csv",
                str(tmp_path / "penguins"),
                "--only-summary",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
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
