"""Inspect a student's locustfile without sending a request: run as its own process.

Importing locust patches the standard library for gevent, so the grader never imports it
itself: ``inspect_locustfile`` starts ``python -m course.grading.locust_probe`` and reads the
JSON it prints. It reports the user classes (tasks with their weights, think time), the load
shapes (the user count each second, simulated, not waited for) and the ``quitting`` listeners
the file registers (where thresholds turn a run into an exit code).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from course.grading.limits import scaled

# A shape is simulated second by second for at most this long.
SHAPE_HORIZON_S = 2 * 3600


class ProbeError(RuntimeError):
    """The locustfile could not be imported; the message is its last error line."""


def inspect_locustfile(path: Path, timeout_s: float = 60.0) -> dict[str, Any]:
    repo_root = str(Path(__file__).resolve().parents[2])
    try:
        run = subprocess.run(
            [sys.executable, "-m", "course.grading.locust_probe", str(path)],
            cwd=path.parent,
            env={**os.environ, "PYTHONPATH": repo_root, "PYTHONDONTWRITEBYTECODE": "1"},
            capture_output=True,
            text=True,
            timeout=scaled(timeout_s),
        )
    except subprocess.TimeoutExpired:
        raise ProbeError(f"importing {path.name} did not finish within {timeout_s:g} s") from None
    if run.returncode != 0 or not run.stdout.strip():
        lines = run.stderr.strip().splitlines()
        raise ProbeError(lines[-1][:400] if lines else f"exit code {run.returncode}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def _think_time(user: Any) -> float | None:
    """A sample of the user's wait_time in seconds, or None when it needs a running user."""
    wait_time = getattr(user, "wait_time", None)
    if wait_time is None:
        return None
    try:
        return max(float(wait_time(None)) for _ in range(20))
    except Exception:  # constant_throughput and friends read the running user's state
        return None


def _shape_steps(shape: Any) -> tuple[list[int], bool]:
    """The user count at each second until the shape stops (or the horizon), and if it stops."""
    users: list[int] = []
    for second in range(SHAPE_HORIZON_S):
        shape.get_run_time = lambda second=second: float(second)
        tick = shape.tick()
        if tick is None:
            return users, True
        users.append(int(tick[0]))
    return users, False


def _verdict_on_a_slow_run(users: list[Any]) -> int | None:
    """The exit code the file's quitting listeners set after a run where every answer took 5 s.

    No request failed and the throughput is whatever it is: only a latency threshold fails it.
    None when there are no listeners or they raise on this made-up run.
    """
    from locust import events
    from locust.argument_parser import get_parser
    from locust.env import Environment

    options = get_parser(default_config_files=[]).parse_args([])  # the file's own options too
    environment = Environment(user_classes=users, events=events, parsed_options=options)
    for _ in range(200):
        environment.stats.log_request("POST", "/predict", 5000, 150)
    try:
        events.quitting.fire(environment=environment)
    except Exception:
        return None
    return environment.process_exit_code


def _probe(path: Path) -> dict[str, Any]:
    from locust import User, events
    from locust.util.load_locustfile import load_locustfile

    users, shapes = load_locustfile(str(path))
    module = path.stem
    report_users = []
    for name, user in users.items():
        weights = Counter(getattr(t, "__name__", repr(t)) for t in user.tasks)
        report_users.append(
            {
                "name": name,
                "tasks": dict(weights),
                "own_wait_time": "wait_time" in vars(user) or user.wait_time is not User.wait_time,
                "think_time_s": _think_time(user),
            }
        )
    report_shapes = []
    for shape in shapes:
        counts, stops = _shape_steps(shape)
        steps = [c for i, c in enumerate(counts) if i == 0 or c != counts[i - 1]]
        report_shapes.append({"name": type(shape).__name__, "steps": steps, "stops": stops})
    listeners = [h for h in events.quitting._handlers if getattr(h, "__module__", "") == module]
    return {
        "users": report_users,
        "shapes": report_shapes,
        "quitting_listeners": len(listeners),
        "exit_code_after_slow_run": _verdict_on_a_slow_run(list(users.values()))
        if listeners
        else None,
    }


if __name__ == "__main__":
    print(json.dumps(_probe(Path(sys.argv[1]).resolve())))
