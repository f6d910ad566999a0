"""The endpoints: probes, model metadata, single and batch prediction.

No ``from __future__ import annotations`` here: FastAPI reads the endpoint annotations at
runtime, and the request models are built per app inside ``build_router``, so they must be real
objects, not strings.
"""

from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response
from pydantic import BaseModel

from penguin_api.batch_body import batch_rows_dependency, documented_body

from penguin_api.problems import ModelNotReadyError
from penguin_api.schemas import ApiModels, Health, ModelInfo, Ready
from penguin_api.security import require_api_key
from penguin_api.settings import Settings
from shared_model import LoadedModel

from shared_model.fast import Columns

# Every status a prediction can answer besides 200, so that the OpenAPI document is a contract
# clients (and contract tests) can hold the API to. All of them are application/problem+json.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body is not valid JSON"},
    413: {"description": "The body is larger than MAX_BODY_BYTES"},
    415: {"description": "The body is not sent as application/json"},
    422: {"description": "A field is missing, has the wrong type or is out of range"},
    503: {"description": "The model is not loaded yet"},
}
KEY_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No X-API-Key header (API keys are enabled)"},
    403: {"description": "The X-API-Key is not an accepted key"},
}


# `async def` for the cheap dependencies: a plain `def` would cost a trip through the thread
# pool on every request, more than the work itself.
async def get_model(request: Request) -> LoadedModel:
    model: LoadedModel | None = getattr(request.state, "model", None)
    if model is None:
        raise ModelNotReadyError
    return model


Model = Annotated[LoadedModel, Depends(get_model)]


def _predictions(
    model: LoadedModel, rows: Sequence[BaseModel | Mapping[str, Any]]
) -> list[dict[str, Any]]:
    records = [row.model_dump() if isinstance(row, BaseModel) else row for row in rows]
    probabilities = model.predict_proba(records)
    classes = model.classes
    # One argmax and one tolist for the whole batch, and the per-row dicts built by C loops
    # (map, zip): Python-level work per row is what costs at 1,000 rows.
    species = [classes[best] for best in probabilities.argmax(axis=1).tolist()]
    per_class = map(dict, map(zip, repeat(classes), probabilities.tolist()))
    return [{"species": s, "probabilities": p} for s, p in zip(species, per_class, strict=True)]


# Up to this many rows a batch is scored on the event loop: ~2 ms for 1,000, less than handing
# it to a worker thread costs, as that thread then fights the loop for the GIL (measured: a
# third of the throughput). Bigger batches (MAX_BATCH_ROWS raised, as in the concurrency lab)
# go to worker processes (big_batches.py), so that /health keeps answering while they are scored.
INLINE_BATCH_ROWS = 1000


def _batch_response(model: LoadedModel, batch: Columns) -> Response:
    # TODO (exercise 4): answer {"predictions": [...], "model_version": ...} with one
    # {"species": ..., "probabilities": {...}} per row, in the order of the request.
    # `batch.records()` gives the validated rows as dicts, `_predictions(model, rows)` scores
    # them, and fastapi.responses.JSONResponse(body) makes the Response.
    raise NotImplementedError("POST /predict/batch is not written yet (exercise 4)")


def build_router(
    models: ApiModels, settings: Settings, router: APIRouter | None = None
) -> APIRouter:
    """The endpoints, on a new router or, given the app's own ``app.router``, directly on it."""
    router = router if router is not None else APIRouter()
    keys = settings.accepted_keys()
    # Open access (no keys, development) declares no check at all: even a dependency that
    # returns at once costs tens of microseconds per request, and /docs shows no key to fill in.
    auth = [Depends(require_api_key(keys))] if keys else []
    # TODO (exercise 5): give /docs real penguins to try: Body(openapi_examples=...) with the
    # examples build_models() made from the data set (models.examples).
    penguin_body = Body()

    @router.get("/health", tags=["probes"], summary="Liveness: the process answers")
    async def health() -> Health:
        # TODO (exercise 2): answer 200 with {"status": "ok"} -- the `Health` model.
        # A liveness probe must not touch the model: why? (docs/module1/probes.md)
        raise NotImplementedError("GET /health is not written yet (exercise 2)")

    @router.get(
        "/ready",
        tags=["probes"],
        summary="Readiness: the model is loaded",
        responses={503: {"description": "The model is not loaded yet"}},
    )
    async def ready(model: Model) -> Ready:
        # TODO (exercise 2): answer 200 with {"status": "ready", "model_version": ...}.
        # `model` comes from the `get_model` dependency, which already answers 503 while
        # no model is loaded.
        raise NotImplementedError("GET /ready is not written yet (exercise 2)")

    @router.get(
        "/model",
        tags=["model"],
    )
    async def model_info(model: Model) -> ModelInfo:
        # TODO (exercise 9): answer the metadata of the model the `Model` dependency gives
        # you (model.metadata, validated into ModelInfo); TODO (exercise 5): a summary.
        raise NotImplementedError("GET /model is not written yet (exercise 9)")

    @router.post(
        "/predict",
        tags=["predictions"],
        # TODO (exercise 5): a one-line summary for /docs.
        response_model=models.predict_response,
        dependencies=auth,
        responses={**PROBLEM_RESPONSES, **(KEY_RESPONSES if keys else {})},
    )
    async def predict(
        request: Request,
        penguin: Annotated[models.penguin, penguin_body],  # type: ignore[name-defined]
    ) -> dict[str, Any]:
        # TODO (exercise 4): take the model with `model = await get_model(request)` (it answers
        # 503 while none is loaded), score `penguin` with `_predictions(model, [penguin])` and
        # answer its species and probabilities plus "model_version" (see PredictResponse in
        # /docs).
        raise NotImplementedError("POST /predict is not written yet (exercise 4)")

    batch_rows = batch_rows_dependency(models)

    @router.post(
        "/predict/batch",
        tags=["predictions"],
        summary="Predict the species of many penguins, in order",
        response_model=models.batch_response,
        dependencies=auth,
        responses={**PROBLEM_RESPONSES, **(KEY_RESPONSES if keys else {})},
        # The body is read by `batch_rows`, so FastAPI cannot document it: say what it is.
        openapi_extra=documented_body(models.batch_request.__name__),
    )
    async def predict_batch(request: Request) -> Response:
        # The body is read here rather than by a dependency, so that its size can choose where
        # it is parsed. Up to 1,000 rows (~2 ms) it is scored on the event loop: handing it to a
        # worker costs more than that, and a thread would fight the loop for the GIL.
        model = await get_model(request)
        # TODO (exercise 10): with MAX_BATCH_ROWS=50000 this blocks the event loop for the
        # whole batch, and /health waits. When `pool = request.state.batch_pool` is not None
        # (big batches are allowed) and the body is bigger than pool.inline_body_bytes, hand
        # the raw body to `await pool.score(body, content_type)` (penguin_api/big_batches.py)
        # and answer the bytes it returns as application/json.
        rows = await batch_rows(request)
        return _batch_response(model, rows)

    return router
