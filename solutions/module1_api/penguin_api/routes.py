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

# BEGIN SOLUTION
from pydantic_core import to_json

# END SOLUTION
from penguin_api.batch_body import batch_rows_dependency, documented_body

# BEGIN SOLUTION
from penguin_api.batch_response import batch_response_json
from penguin_api.penguin_body import penguin_reader

# END SOLUTION
from penguin_api.problems import ModelNotReadyError
from penguin_api.schemas import ApiModels, Health, ModelInfo, Ready
from penguin_api.security import require_api_key
from penguin_api.settings import Settings
from shared_model import LoadedModel

# BEGIN STARTER
# from shared_model.fast import Columns
# END STARTER
# BEGIN SOLUTION
from shared_model.fast import Columns, FastModel

# END SOLUTION

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


# --8<-- [start:batch-response]
def _batch_response(model: LoadedModel, batch: Columns) -> Response:
    # BEGIN STARTER
    # # TODO (exercise 4): answer {"predictions": [...], "model_version": ...} with one
    # # {"species": ..., "probabilities": {...}} per row, in the order of the request.
    # # `batch.records()` gives the validated rows as dicts, `_predictions(model, rows)` scores
    # # them, and fastapi.responses.JSONResponse(body) makes the Response.
    # raise NotImplementedError("POST /predict/batch is not written yet (exercise 4)")
    # END STARTER
    # BEGIN SOLUTION
    # The rows are validated and the answer is the model's own classes and floats, so it is
    # written as JSON bytes directly (batch_response.py), not built as 2,000 dicts and then
    # serialized, let alone validated against the response model.
    if isinstance(model, FastModel):
        probabilities = model.predict_proba_columns(batch)
    else:  # a scorer that reads records (scikit-learn's Pipeline)
        probabilities = model.predict_proba(batch.records())
    body = batch_response_json(probabilities, model.classes, model.version)
    return Response(body, media_type="application/json")
    # END SOLUTION
    # --8<-- [end:batch-response]


def build_router(
    models: ApiModels, settings: Settings, router: APIRouter | None = None
) -> APIRouter:
    """The endpoints, on a new router or, given the app's own ``app.router``, directly on it."""
    router = router if router is not None else APIRouter()
    keys = settings.accepted_keys()
    # Open access (no keys, development) declares no check at all: even a dependency that
    # returns at once costs tens of microseconds per request, and /docs shows no key to fill in.
    auth = [Depends(require_api_key(keys))] if keys else []
    # BEGIN SOLUTION
    read_penguin = penguin_reader(models)  # /predict's body, validated from bytes
    # END SOLUTION
    # --8<-- [start:examples]
    # BEGIN STARTER
    # # TODO (exercise 5): give /docs real penguins to try: Body(openapi_examples=...) with the
    # # examples build_models() made from the data set (models.examples).
    # penguin_body = Body()
    # END STARTER
    # BEGIN SOLUTION
    penguin_body = Body(openapi_examples=models.examples)
    # END SOLUTION
    # --8<-- [end:examples]

    # --8<-- [start:probes]
    @router.get("/health", tags=["probes"], summary="Liveness: the process answers")
    async def health() -> Health:
        # BEGIN STARTER
        # # TODO (exercise 2): answer 200 with {"status": "ok"} -- the `Health` model.
        # # A liveness probe must not touch the model: why? (docs/module1/probes.md)
        # raise NotImplementedError("GET /health is not written yet (exercise 2)")
        # END STARTER
        # BEGIN SOLUTION
        # Never touches the model: a liveness probe that fails on a slow dependency gets a
        # healthy pod restarted.
        return Health()
        # END SOLUTION

    @router.get(
        "/ready",
        tags=["probes"],
        summary="Readiness: the model is loaded",
        responses={503: {"description": "The model is not loaded yet"}},
    )
    async def ready(model: Model) -> Ready:
        # BEGIN STARTER
        # # TODO (exercise 2): answer 200 with {"status": "ready", "model_version": ...}.
        # # `model` comes from the `get_model` dependency, which already answers 503 while
        # # no model is loaded.
        # raise NotImplementedError("GET /ready is not written yet (exercise 2)")
        # END STARTER
        # BEGIN SOLUTION
        return Ready(model_version=model.version)
        # END SOLUTION
        # --8<-- [end:probes]

    # --8<-- [start:model-info]
    @router.get(
        "/model",
        tags=["model"],
        # BEGIN SOLUTION
        summary="Metadata of the model being served",
        # END SOLUTION
    )
    async def model_info(model: Model) -> ModelInfo:
        # BEGIN STARTER
        # # TODO (exercise 9): answer the metadata of the model the `Model` dependency gives
        # # you (model.metadata, validated into ModelInfo); TODO (exercise 5): a summary.
        # raise NotImplementedError("GET /model is not written yet (exercise 9)")
        # END STARTER
        # BEGIN SOLUTION
        # Injected, never imported: a test swaps the model with app.dependency_overrides.
        return ModelInfo.model_validate(model.metadata)
        # END SOLUTION
        # --8<-- [end:model-info]

    # --8<-- [start:predict]
    @router.post(
        "/predict",
        tags=["predictions"],
        # BEGIN STARTER
        # # TODO (exercise 5): a one-line summary for /docs.
        # END STARTER
        # BEGIN SOLUTION
        summary="Predict the species of one penguin",
        # The body is read by `read_penguin`, so FastAPI cannot document it: say what it is.
        openapi_extra=documented_body(models.penguin.__name__, penguin_body),
        # END SOLUTION
        response_model=models.predict_response,
        dependencies=auth,
        responses={**PROBLEM_RESPONSES, **(KEY_RESPONSES if keys else {})},
    )
    # BEGIN STARTER
    # async def predict(
    #     request: Request,
    #     penguin: Annotated[models.penguin, penguin_body],  # type: ignore[name-defined]
    # ) -> dict[str, Any]:
    #     # TODO (exercise 4): take the model with `model = await get_model(request)` (it answers
    #     # 503 while none is loaded), score `penguin` with `_predictions(model, [penguin])` and
    #     # answer its species and probabilities plus "model_version" (see PredictResponse in
    #     # /docs).
    #     raise NotImplementedError("POST /predict is not written yet (exercise 4)")
    # END STARTER
    # BEGIN SOLUTION
    async def predict(request: Request) -> Response:
        # The hot path: the model scores one row in microseconds (shared_model/fast.py), so
        # what surrounds it counts, and FastAPI's generic handling of a body parameter and of a
        # response model costs more than the scoring (the performance lesson measures it). So
        # the body is validated from bytes in one pass (penguin_body.py) and the answer is
        # written as bytes: the same contract, checked by the same schemas. `async def`,
        # because a trip through the thread pool would cost more than the scoring; with the
        # 3 ms scikit-learn Pipeline this would be a plain `def`, so that the event loop stays
        # free for /health. And the model is looked up with `get_model(request)` rather than
        # injected with `Model`: every dependency FastAPI resolves costs microseconds.
        model = await get_model(request)
        penguin = read_penguin(await request.body(), request.headers.get("content-type"))
        (result,) = _predictions(model, [penguin])
        result["model_version"] = model.version
        return Response(to_json(result), media_type="application/json")
        # END SOLUTION
        # --8<-- [end:predict]

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
    # --8<-- [start:predict-batch]
    async def predict_batch(request: Request) -> Response:
        # The body is read here rather than by a dependency, so that its size can choose where
        # it is parsed. Up to 1,000 rows (~2 ms) it is scored on the event loop: handing it to a
        # worker costs more than that, and a thread would fight the loop for the GIL.
        model = await get_model(request)
        # BEGIN STARTER
        # # TODO (exercise 10): with MAX_BATCH_ROWS=50000 this blocks the event loop for the
        # # whole batch, and /health waits. When `pool = request.state.batch_pool` is not None
        # # (big batches are allowed) and the body is bigger than pool.inline_body_bytes, hand
        # # the raw body to `await pool.score(body, content_type)` (penguin_api/big_batches.py)
        # # and answer the bytes it returns as application/json.
        # rows = await batch_rows(request)
        # return _batch_response(model, rows)
        # END STARTER
        # BEGIN SOLUTION
        pool = getattr(request.state, "batch_pool", None)  # a BigBatchPool when allowed
        body = await request.body()
        if pool is not None and len(body) > pool.inline_body_bytes:
            # Parsing, validating, scoring and serialising 50,000 rows all hold the GIL: only
            # another process keeps the event loop (and /health) free meanwhile.
            scored = await pool.score(body, request.headers.get("content-type"))
            return Response(scored, media_type="application/json")
        rows = await batch_rows(request)
        return _batch_response(model, rows)
        # END SOLUTION
        # --8<-- [end:predict-batch]

    return router
