"""A step-shaped scenario: the users of locustfile.py, at full speed, in steps of more users.

Each step holds a number of users for ``step_seconds``, then adds more: where the latency
curve bends is the load the API can take. Run it like the locustfile (the shape sets the users
and the duration, so no --users, --spawn-rate or --run-time)::

    .venv/bin/locust -f module1_api/load/step_load.py --headless \
        --host http://127.0.0.1:8000 --csv results/steps
"""

from __future__ import annotations

import locustfile  # the users' tasks, and the thresholds, which judge this run too
from locust import LoadTestShape, constant


class FlatOutPenguinClient(locustfile.PenguinClient):
    """The locustfile's tasks without think time: each user sends its next request at once.

    With 0.5-2 s of think time, 40 users send about 30 requests per second, a small fraction of
    what one uvicorn worker answers: the steps would never reach the bend. Without it, a step
    of N users keeps N requests in flight (a closed loop at full speed). Locust runs every User
    class it finds in this file: this one, not the imported one (only its module is named here).
    """

    wait_time = constant(0)


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
