"""Does a server keep answering /health while it scores a big batch? A behaviour, not a speed.

The probe sends one big batch and, while it is in flight, asks /health again and again. A server
that scores the batch on its event loop cannot answer until the batch is done, so some /health
request waits about as long as the batch itself; one that scores it elsewhere answers in
milliseconds. The verdict is relative to the batch's own duration (plus an absolute ceiling), so
a slow or busy machine changes both sides alike.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from course.grading.spec import CheckFailure

BIG_BATCH_ROWS = 50_000
# The environment a big-batch server needs: the lab's row limit and a body limit that fits it
# (50,000 real penguins are ~7 MB of JSON).
BIG_BATCH_ENV = {"MAX_BATCH_ROWS": str(BIG_BATCH_ROWS), "MAX_BODY_BYTES": str(32 * 1024 * 1024)}
# /health may take at most this share of the batch's time, and never more than the ceiling.
HEALTH_SHARE_OF_BATCH = 0.25
HEALTH_CEILING_S = 1.0


def big_batch_rows(n: int = BIG_BATCH_ROWS, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` real penguins (the data set's complete rows), shuffled so that order matters."""
    from shared_model.data import as_request, load_penguins

    frame = load_penguins()
    frame = frame.dropna(subset=[c for c in frame.columns if c != "sex"])
    rows = [as_request(row) for _, row in frame.drop(columns="species").iterrows()]
    rng = random.Random(seed)
    return [rng.choice(rows) for _ in range(n)]


def batch_body(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps({"rows": rows}).encode()


@dataclass
class HealthDuringBatch:
    """What the probe saw: the batch's answer and time, and every /health latency meanwhile."""

    batch_status: int = 0
    batch_seconds: float = 0.0
    batch_content: bytes = b""
    batch_error: str | None = None
    health_seconds: list[float] = field(default_factory=list)
    health_failures: list[str] = field(default_factory=list)

    @property
    def batch_json(self) -> Any:
        # Parsed only when asked, after the probe: parsing megabytes of JSON in the sending
        # thread would hold this process's GIL and delay the /health probes it is timing.
        return json.loads(self.batch_content) if self.batch_content else None

    @property
    def slowest_health(self) -> float:
        return max(self.health_seconds, default=0.0)


def probe_health_during_batch(
    url: str,
    body: bytes,
    timeout_s: float,
    headers: dict[str, str] | None = None,
    clients: int = 1,
    batches_per_client: int = 1,
) -> HealthDuringBatch:
    """POST ``body`` to /predict/batch and GET /health back to back until the batches answer.

    ``clients`` threads each send ``batches_per_client`` batches one after the other (the lab
    measures throughput that way); ``batch_seconds`` is the time until the last one answered.
    """
    seen = HealthDuringBatch()
    lock = threading.Lock()

    def send_batches() -> None:
        with httpx.Client(base_url=url, timeout=timeout_s) as client:
            for _ in range(batches_per_client):
                try:
                    response = client.post(
                        "/predict/batch",
                        content=body,
                        headers={"content-type": "application/json", **(headers or {})},
                    )
                except httpx.HTTPError as exc:
                    with lock:
                        seen.batch_error = seen.batch_error or f"{type(exc).__name__}: {exc}"
                    return
                with lock:
                    if seen.batch_status in (0, 200):
                        seen.batch_status = response.status_code
                        seen.batch_content = response.content

    senders = [threading.Thread(target=send_batches, daemon=True) for _ in range(clients)]
    with httpx.Client(base_url=url, timeout=timeout_s) as client:
        client.get("/health")  # connect first: connection setup is not the server's latency
        started = time.perf_counter()
        for sender in senders:
            sender.start()
        while any(sender.is_alive() for sender in senders):
            probe_started = time.perf_counter()
            try:
                status = client.get("/health").status_code
            except httpx.HTTPError as exc:
                seen.health_failures.append(f"{type(exc).__name__}: {exc}")
                break
            seen.health_seconds.append(time.perf_counter() - probe_started)
            if status != 200:
                seen.health_failures.append(f"GET /health answered {status}")
                break
            time.sleep(0.005)  # a probe every few ms, as a load balancer would (but faster)
        for sender in senders:
            sender.join(timeout_s)
        seen.batch_seconds = time.perf_counter() - started
    return seen


def judge_health(seen: HealthDuringBatch) -> None:
    """Fail, in one sentence and the fix, unless /health stayed fast while the batch ran."""
    if seen.batch_error or seen.batch_status != 200:
        raise CheckFailure(
            "the 50,000-row batch did not get an answer",
            expected="200",
            actual=seen.batch_error or seen.batch_status,
            help="Serve with MAX_BATCH_ROWS=50000 and send it a batch that size yourself: "
            "`make concurrency-lab` does.",
        )
    if seen.health_failures:
        raise CheckFailure(
            "GET /health failed while a 50,000-row batch was being scored",
            expected="200 every time",
            actual=seen.health_failures[0],
        )
    if not seen.health_seconds:
        raise CheckFailure(
            "the batch answered before GET /health could be asked even once",
            help="Grade again; if it repeats, tell your instructor.",
        )
    limit = min(HEALTH_CEILING_S, seen.batch_seconds * HEALTH_SHARE_OF_BATCH)
    if seen.slowest_health > limit:
        raise CheckFailure(
            f"GET /health waited {seen.slowest_health:.2f} s while the batch took "
            f"{seen.batch_seconds:.2f} s: the batch blocks the event loop, so the server "
            "cannot answer anything else until it is done",
            expected=f"every /health under {limit:.2f} s (a quarter of the batch, at most 1 s)",
            actual=f"slowest {seen.slowest_health:.2f} s over {len(seen.health_seconds)} probes",
            help="Parsing, validating, scoring and serialising 50,000 rows are Python work "
            "that holds the GIL: hand big bodies to a process pool (exercise 10).",
        )
