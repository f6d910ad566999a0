"""The load scenarios run the users they are meant to, with the think time they are meant to.

Locust runs every User class a file defines or imports by name; the step and capacity scenarios
must run users that never wait (else no step reaches the API's limit), the locustfile users
that do (a realistic mix).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from course.paths import MODULE1, SOLUTIONS

LOCUST = Path(sys.executable).with_name("locust")
LOADGEN = SOLUTIONS / "module2_docker" / "compose" / "loadgen"
SCENARIOS = [
    (SOLUTIONS / MODULE1 / "load", "locustfile", "PenguinClient", False),
    (SOLUTIONS / MODULE1 / "load", "step_load", "FlatOutPenguinClient", True),
    (LOADGEN, "capacity_locustfile", "AtFullSpeed", True),
]


@pytest.mark.parametrize(
    ("folder", "module", "user", "flat_out"), SCENARIOS, ids=[s[1] for s in SCENARIOS]
)
def test_a_scenario_runs_its_own_users(folder: Path, module: str, user: str, flat_out: bool):
    listed = subprocess.run(
        [str(LOCUST), "-f", f"{module}.py", "--list"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert listed.split("Available Users:", 1)[1].split() == [user]
    waits = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import {module}; print(min({module}.{user}.wait_time(None) for _ in range(50)))",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert (float(waits) == 0) is flat_out
