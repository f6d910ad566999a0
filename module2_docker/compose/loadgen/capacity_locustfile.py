"""Capacity: how many requests per second the stack can answer, not how it serves real users.

The stack's default scenario (weekend 1's locustfile) has think time: each user waits 0.5-2 s
between calls, like a real client, so 30 users send about 24 requests per second whatever the
stack could do. To compare 1, 2 and 3 replicas, the users must not wait: each sends its next
request the moment the last one is answered (a closed loop at full speed). From compose/::

    LOCUSTFILE=loadgen/capacity_locustfile.py docker compose up --scale api=2 loadgen
"""

from __future__ import annotations

import random
from typing import Any

import gevent
from locust import FastHttpUser, constant, events, task

PENGUINS: list[dict[str, Any]] = []


@events.init.add_listener
def load_penguins_before_the_run(**_: Any) -> None:
    from shared_model.data import complete_requests  # the image is built FROM the API's

    PENGUINS[:] = complete_requests()
    # pandas blocked gevent's clock: restart it, so that --run-time counts from here.
    gevent.get_hub().loop.update_now()


class AtFullSpeed(FastHttpUser):
    wait_time = constant(0)

    @task
    def predict(self) -> None:
        self.client.post("/predict", json=random.choice(PENGUINS), name="/predict")
