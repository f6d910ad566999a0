"""Virtual users for the penguin API: single predictions, some batches, a few probes.

Run it headless against a server (``course serve --student`` in another terminal)::

    .venv/bin/locust -f module1_api/load/locustfile.py --headless --host http://127.0.0.1:8000 \
        --users 10 --spawn-rate 2 --run-time 30s --csv results/run

It exits non-zero when the run breaks a threshold (failures, p95 latency, throughput), so a
script or a CI job can use it as a pass/fail gate.
"""

from __future__ import annotations

import argparse
import logging
import random
from typing import Any

import gevent
import locust
from locust import FastHttpUser, events, task
from locust.env import Environment

# Real penguins with every field present, in the JSON shape the API expects: filled in by
# load_penguins_before_the_run below.
PENGUINS: list[dict[str, Any]] = []


@events.init.add_listener
def load_penguins_before_the_run(**_: Any) -> None:
    from shared_model.data import complete_requests  # pandas: seconds to import on a busy laptop

    PENGUINS[:] = complete_requests()
    # gevent's clock does not move while Python code blocks it: without this, a --run-time
    # limit set next would count the seconds pandas took and stop the run before it starts.
    gevent.get_hub().loop.update_now()


BATCH_ROWS = 50
logger = logging.getLogger("penguin-load")


# FastHttpUser rather than HttpUser: its client costs several times less CPU per request, so
# on a laptop the load generator is not the first thing to run out of CPU.
class PenguinClient(FastHttpUser):
    # TODO (exercise 13): no think time: each user fires its next request the moment the
    # last one answers. Give it a realistic one, e.g. locust.between(0.5, 2).
    wait_time = locust.constant(0)

    @task(10)
    def predict_one(self) -> None:
        self.client.post("/predict", json=random.choice(PENGUINS), name="/predict")

    # TODO (exercise 13): a batch task, weighted less than single predictions: POST
    # /predict/batch with {"rows": [...]} of BATCH_ROWS random penguins.

    @task(1)
    def health(self) -> None:
        self.client.get("/health", name="/health")


@events.init_command_line_parser.add_listener
def threshold_options(parser: argparse.ArgumentParser) -> None:
    # Defaults with room to spare for a laptop; a CI job or a bigger machine tightens them.
    parser.add_argument("--max-fail-ratio", type=float, default=0.01, help="e.g. 0.01 = 1%%")
    parser.add_argument("--max-p95-ms", type=float, default=500.0, help="95th percentile")
    parser.add_argument("--min-rps", type=float, default=1.0, help="requests per second")


@events.quitting.add_listener
def check_thresholds(environment: Environment, **_: Any) -> None:
    """Turn the run into a pass/fail verdict: exit code 1 if any threshold is broken."""
    # TODO (exercise 13): read environment.stats.total (fail_ratio,
    # get_response_time_percentile(0.95), total_rps) and environment.parsed_options; log
    # each broken threshold and set environment.process_exit_code = 1.
