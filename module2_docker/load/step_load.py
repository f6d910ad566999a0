"""A step-shaped scenario: the users of locustfile.py, in steps of more users.

Each step holds a number of users for ``step_seconds``, then adds more: where the latency
curve bends is the load the API can take. Run it like the locustfile (the shape sets the users
and the duration, so no --users, --spawn-rate or --run-time)::

    .venv/bin/locust -f module1_api/load/step_load.py --headless \
        --host http://127.0.0.1:8000 --csv results/steps
"""

from __future__ import annotations

from locust import LoadTestShape

# The users and the thresholds this shape drives (locust runs every User class it finds).
from locustfile import PenguinClient  # noqa: F401


class StepLoad(LoadTestShape):
    step_seconds = 20.0
    users_per_step = (5, 10, 20, 40)

    def tick(self) -> tuple[int, float] | None:
        step = int(self.get_run_time() // self.step_seconds)
        if step >= len(self.users_per_step):
            return None  # the end of the run
        users = self.users_per_step[step]
        # Spawn each step's new users within a couple of seconds: the step is a step.
        return users, max(1.0, users / 2)
