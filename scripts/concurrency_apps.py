"""The variants ``scripts/concurrency_lab.py`` serves: one CPU-bound batch endpoint, run where?

Each app has ``GET /health`` and ``POST /predict/batch`` on the reference's own pieces (the
typed batch validator, the fast model, the response builder), and differs only in where the
work of a batch runs:

* ``blocking_app``: ``async def`` doing everything on the event loop;
* ``def_app``: a plain ``def`` endpoint, so FastAPI runs all of it in its thread pool;
* ``threadpool_app``: validation on the event loop, scoring and serialising handed to
  ``run_in_threadpool`` (what the reference did before it had a process pool).

The process pool is the reference itself (``penguin_api.main:create_app``). All read
``MODEL_DIR`` and ``MAX_BATCH_ROWS`` as the reference does.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from penguin_api.batch_body import batch_reader
from penguin_api.routes import _batch_response
from penguin_api.schemas import build_models
from penguin_api.settings import Settings

from shared_model import LoadedModel
from shared_model.fast import load_fast_model


def _lab_app() -> tuple[FastAPI, dict[str, LoadedModel], Any]:
    settings = Settings()
    # The API's own batch reader: JSON bytes in, validated columns out (or FastAPI's 422).
    read = batch_reader(build_models(settings.max_batch_rows))
    loaded: dict[str, LoadedModel] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        loaded["model"] = load_fast_model(settings.model_dir)
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app, loaded, read


# The lab's client always sends JSON; the reader checks the content type like FastAPI does.
JSON = "application/json"


async def _raw_body(request: Request) -> bytes:
    return await request.body()


# --8<-- [start:variants]
def blocking_app() -> FastAPI:
    app, loaded, read = _lab_app()

    @app.post("/predict/batch")
    async def predict_batch(request: Request) -> Response:
        rows = read(await request.body(), JSON)
        return _batch_response(loaded["model"], rows)

    return app


def def_app() -> FastAPI:
    app, loaded, read = _lab_app()

    @app.post("/predict/batch")
    def predict_batch(body: Annotated[bytes, Depends(_raw_body)]) -> Response:
        rows = read(body, JSON)
        return _batch_response(loaded["model"], rows)

    return app


def threadpool_app() -> FastAPI:
    app, loaded, read = _lab_app()

    @app.post("/predict/batch")
    async def predict_batch(request: Request) -> Response:
        rows = read(await request.body(), JSON)
        return await run_in_threadpool(_batch_response, loaded["model"], rows)

    return app


# --8<-- [end:variants]
