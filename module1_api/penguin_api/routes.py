"""The endpoints: probes, model metadata, single and batch prediction.

No ``from __future__ import annotations`` here: FastAPI reads the endpoint annotations at
runtime, and the request models are built per app inside ``build_router``, so they must be real
objects, not strings.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel

from penguin_api.problems import ModelNotReadyError
from penguin_api.schemas import ApiModels, Health, ModelInfo, Ready
from penguin_api.security import require_api_key
from penguin_api.settings import Settings
from shared_model import LoadedModel

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"description": "A field is missing, has the wrong type or is out of range"},
}


def get_model(request: Request) -> LoadedModel:
    model: LoadedModel | None = getattr(request.state, "model", None)
    if model is None:
        raise ModelNotReadyError
    return model


Model = Annotated[LoadedModel, Depends(get_model)]


def _predictions(model: LoadedModel, rows: list[BaseModel]) -> list[dict[str, Any]]:
    probabilities = model.predict_proba([row.model_dump() for row in rows])
    classes = model.classes
    return [
        {
            "species": classes[int(p.argmax())],
            "probabilities": dict(zip(classes, p.tolist(), strict=True)),
        }
        for p in probabilities
    ]


def build_router(models: ApiModels, settings: Settings) -> APIRouter:
    router = APIRouter()
    auth = [Depends(require_api_key(settings.accepted_keys()))]
    penguin_body = Body(openapi_examples=models.examples)

    @router.get("/health", tags=["probes"], summary="Liveness: the process answers")
    async def health() -> Health:
        # TODO (exercise 2): answer 200 with {"status": "ok"} -- the `Health` model.
        # A liveness probe must not touch the model: why? (see the lesson on probes)
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

    @router.get("/model", tags=["model"], summary="Metadata of the model being served")
    async def model_info(model: Model) -> ModelInfo:
        return ModelInfo.model_validate(model.metadata)

    @router.post(
        "/predict",
        tags=["predictions"],
        summary="Predict the species of one penguin",
        response_model=models.predict_response,
        dependencies=auth,
        responses=PROBLEM_RESPONSES,
    )
    def predict(
        model: Model,
        penguin: Annotated[models.penguin, penguin_body],  # type: ignore[name-defined]
    ) -> dict[str, Any]:
        # A plain `def`: scikit-learn blocks, so FastAPI runs this in its thread pool and the
        # event loop stays free for /health.
        # TODO (exercise 4): score `penguin` with `_predictions(model, [penguin])` and answer
        # its species and probabilities plus "model_version" (see PredictResponse in /docs).
        raise NotImplementedError("POST /predict is not written yet (exercise 4)")

    @router.post(
        "/predict/batch",
        tags=["predictions"],
        summary="Predict the species of many penguins, in order",
        response_model=models.batch_response,
        dependencies=auth,
        responses=PROBLEM_RESPONSES,
    )
    def predict_batch(
        model: Model,
        batch: models.batch_request,  # type: ignore[name-defined]
    ) -> dict[str, Any]:
        return {"predictions": _predictions(model, batch.rows), "model_version": model.version}

    return router
