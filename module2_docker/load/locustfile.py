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
    # Think time: each user waits 0.5-2 s between calls, like a person or a client service.
    # Users are a closed loop: one waits for its answer before its next call, so when the API
    # slows down the request rate drops with it (see the lesson: users vs target RPS).
    wait_time = locust.between(0.5, 2.0)

    @task(10)
    def predict_one(self) -> None:
        self.client.post("/predict", json=random.choice(PENGUINS), name="/predict")

    @task(2)
    def predict_batch(self) -> None:
        rows = random.sample(PENGUINS, BATCH_ROWS)
        self.client.post(
            "/predict/batch", json={"rows": rows}, name=f"/predict/batch ({BATCH_ROWS})"
        )


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
    total = environment.stats.total
    options = environment.parsed_options
    p95 = total.get_response_time_percentile(0.95) or 0.0
    broken = []
    if total.fail_ratio > options.max_fail_ratio:
        broken.append(f"failure ratio {total.fail_ratio:.1%} > {options.max_fail_ratio:.1%}")
    if p95 > options.max_p95_ms:
        broken.append(f"p95 latency {p95:.0f} ms > {options.max_p95_ms:g} ms")
    if total.total_rps < options.min_rps:
        broken.append(f"throughput {total.total_rps:.1f} req/s < {options.min_rps:g} req/s")
    if broken:
        logger.error("Load test FAILED: %s", "; ".join(broken))
        environment.process_exit_code = 1
    else:
        logger.info("Load test passed: p95 %.0f ms, %.1f req/s", p95, total.total_rps)
