"""Virtual users for the penguin API: mostly single predictions, some batches, a few probes.

FastHttpUser rather than HttpUser: its client costs far less CPU per request, so on a laptop
the load generator does not run out of CPU before the API does (see DECISIONS: benchmarks).
"""

from __future__ import annotations

import random

from locust import FastHttpUser, between, task

from shared_model.data import load_penguins

# Real penguins with every field present, in the JSON shape the API expects.
PENGUINS: list[dict[str, object]] = [
    {k: v for k, v in row.items() if k != "species"}
    for row in load_penguins().dropna().to_dict(orient="records")
]


class PenguinClient(FastHttpUser):
    # A short think time: the scenario is "many busy clients", not "one client in a loop".
    wait_time = between(0.01, 0.05)

    @task(10)
    def predict_one(self) -> None:
        self.client.post("/predict", json=random.choice(PENGUINS), name="/predict")

    @task(1)
    def predict_batch(self) -> None:
        rows = random.sample(PENGUINS, 50)
        self.client.post("/predict/batch", json={"rows": rows}, name="/predict/batch (50)")

    @task(1)
    def health(self) -> None:
        self.client.get("/health", name="/health")
