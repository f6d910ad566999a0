"""The comparison apps that ``scripts/bench_api.py`` serves beside the reference API.

* ``constant_app``: answers constant bytes without reading the body. What is left is the cost
  of HTTP itself (uvicorn, the connection, wrk on the same machine): the floor under every app,
  and the most any endpoint can reach on this machine.
* ``echo_app``: plain FastAPI with the reference's own pydantic request models, no middleware,
  no model; it validates the body and returns a constant: what generic parsing and validation
  of the same JSON cost, the baseline the reference is measured against.
* ``naive_app``: the tutorial way: the same request models, and per request a pandas DataFrame
  handed to the scikit-learn Pipeline (``LoadedModel.predict_proba``).

All are factories for ``uvicorn --factory`` and read ``MODEL_DIR`` and ``MAX_BATCH_ROWS`` like
the reference does; ``penguin_api`` must be importable (the bench puts the solution folder on
``PYTHONPATH``). No ``from __future__ import annotations``: FastAPI must see the request models
built inside the factories as real objects, not as strings.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Response
from penguin_api.schemas import build_models
from penguin_api.settings import Settings

from shared_model import LoadedModel, load_artifact

ECHO_PREDICTION: dict[str, Any] = {
    "species": "Adelie",
    "probabilities": {"Adelie": 1.0, "Chinstrap": 0.0, "Gentoo": 0.0},
    "model_version": "echo",
}
ECHO_BATCH: dict[str, Any] = {"predictions": [], "model_version": "echo"}


def constant_app() -> FastAPI:
    app = FastAPI()

    @app.post("/predict")
    async def predict() -> Response:
        return Response(b'{"model_version":"constant"}', media_type="application/json")

    @app.post("/predict/batch")
    async def predict_batch() -> Response:
        return Response(
            b'{"predictions":[],"model_version":"constant"}', media_type="application/json"
        )

    return app


def echo_app() -> FastAPI:
    models = build_models(Settings().max_batch_rows)
    penguin_model = models.penguin
    batch_model = models.batch_request
    app = FastAPI()

    @app.post("/predict")
    async def predict(penguin: penguin_model) -> dict[str, Any]:  # type: ignore[valid-type]
        return ECHO_PREDICTION

    @app.post("/predict/batch")
    async def predict_batch(batch: batch_model) -> dict[str, Any]:  # type: ignore[valid-type]
        return ECHO_BATCH

    return app


def naive_app() -> FastAPI:
    settings = Settings()
    models = build_models(settings.max_batch_rows)
    penguin_model = models.penguin
    batch_model = models.batch_request
    loaded: dict[str, LoadedModel] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        loaded["model"] = load_artifact(settings.model_dir)
        yield

    app = FastAPI(lifespan=lifespan)

    def score(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        model = loaded["model"]
        # A DataFrame per call, then the whole Pipeline: what most tutorials do.
        probabilities = model.predict_proba(rows)
        return [
            {
                "species": model.classes[int(p.argmax())],
                "probabilities": dict(zip(model.classes, p.tolist(), strict=True)),
            }
            for p in probabilities
        ]

    @app.post("/predict")
    def predict(penguin: penguin_model) -> dict[str, Any]:  # type: ignore[valid-type]
        (result,) = score([penguin.model_dump()])
        return {**result, "model_version": loaded["model"].version}

    @app.post("/predict/batch")
    def predict_batch(batch: batch_model) -> dict[str, Any]:  # type: ignore[valid-type]
        rows = [row.model_dump() for row in batch.rows]
        return {"predictions": score(rows), "model_version": loaded["model"].version}

    return app
