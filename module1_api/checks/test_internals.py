"""Checks for exercise 9: dependency injection and the lifespan, observed from outside."""

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from course.grading import CheckFailure, check, expect_equal
from course.grading.api_env import build_app
from course.grading.limits import scaled

INTERNALS = "9. FastAPI internals"
METADATA_KEYS = ("name", "version", "metrics", "classes")


@check(
    id="model-endpoint",
    points=2,
    exercise=INTERNALS,
    title="GET /model answers the served model's metadata: name, version, metrics, classes",
    hint="Take the model from the `Model` dependency (a parameter `model: Model`) and return "
    "ModelInfo.model_validate(model.metadata).",
    requires=["app-starts"],
)
def test_model_endpoint(app_client: TestClient, served_model):
    response = app_client.get("/model")
    expect_equal(response.status_code, 200, "The status code of GET /model")
    body = response.json()
    for key in METADATA_KEYS:
        expect_equal(body.get(key), served_model.metadata[key], f"{key} in GET /model")


@check(
    id="model-dependency-override",
    points=2,
    exercise=INTERNALS,
    title="app.dependency_overrides[get_model] changes the model /model and /ready use",
    hint="Never import a global model in an endpoint: declare `model: Model` (Depends(get_model))"
    " so that tests (and this check) can swap it with app.dependency_overrides.",
    requires=["model-endpoint", "ready"],
)
def test_model_dependency_override(monkeypatch: pytest.MonkeyPatch, served_model):
    from penguin_api import routes

    stand_in = dataclasses.replace(
        served_model,
        metadata={**served_model.metadata, "name": "stand-in", "version": "9.9.9-override"},
    )

    async def get_stand_in() -> Any:
        return stand_in

    app = build_app(monkeypatch, {})
    app.dependency_overrides[routes.get_model] = get_stand_in
    with TestClient(app) as client:
        body = client.get("/model").json()
        expect_equal(
            (body.get("name"), body.get("version")),
            ("stand-in", "9.9.9-override"),
            "GET /model with get_model overridden",
        )
        expect_equal(
            client.get("/ready").json().get("model_version"),
            "9.9.9-override",
            "GET /ready's model_version with get_model overridden",
        )


def _loaders() -> list[Callable[..., Any]]:
    import shared_model
    from shared_model import fast

    return [fast.load_fast_model, shared_model.load_artifact]


@check(
    id="model-loaded-once-in-lifespan",
    points=2,
    exercise=INTERNALS,
    title="The model is loaded once, when the app starts: not by create_app(), not per request",
    hint="Load it in the lifespan function of main.py (before `yield`) and hand it to requests "
    "through the lifespan state; endpoints get it from the get_model dependency.",
    requires=["model-endpoint", "predict-species"],
)
def test_model_loaded_once_in_lifespan(monkeypatch: pytest.MonkeyPatch, real_penguins):
    import penguin_api.main as main

    loaders = {id(f) for f in _loaders()}
    calls: list[str] = []
    patched = []
    for name, value in list(vars(main).items()):
        if id(value) in loaders:

            def counted(*args: Any, _real: Callable[..., Any] = value, **kwargs: Any) -> Any:
                calls.append(_real.__name__)
                return _real(*args, **kwargs)

            monkeypatch.setattr(main, name, counted)
            patched.append(name)
    if not patched:
        raise CheckFailure(
            "main.py does not use the course's model loader",
            expected="load_fast_model (or load_artifact) imported in main.py, called in lifespan",
            actual="neither is imported in penguin_api.main",
        )
    app = build_app(monkeypatch, {})
    expect_equal(len(calls), 0, "Models loaded by create_app() alone")
    with TestClient(app) as client:
        expect_equal(len(calls), 1, "Models loaded when the app started")
        for _, penguin in real_penguins:
            client.post("/predict", json=penguin)
            client.get("/model")
            client.get("/ready")
        expect_equal(len(calls), 1, "Models loaded after 9 more requests")


@check(
    id="import-does-no-work",
    points=1,
    exercise=INTERNALS,
    title="Importing main.py and calling create_app() load no model",
    hint="Nothing at the top level of your modules may read the model: MODEL_DIR is only "
    "known once settings are read, and a worker that loads at import loads twice.",
    requires=["app-imports"],
    kind="static",
    timeout=60,
)
def test_import_does_no_work(graded_dir: Path, tmp_path: Path):
    # An empty MODEL_DIR: any attempt to load a model fails, so success proves none was made.
    empty = tmp_path / "no-model-here"
    empty.mkdir()
    code = "import penguin_api.main as m, penguin_api.routes; m.create_app()"
    env = {**os.environ, "MODEL_DIR": str(empty)}
    for name in ("APP_ENV", "API_KEYS", "API_KEYS_FILE"):
        env.pop(name, None)
    try:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=graded_dir,
            env=env,
            capture_output=True,
            timeout=scaled(40),
        )
    except subprocess.TimeoutExpired:
        raise CheckFailure(
            "Importing penguin_api.main and calling create_app() did not finish",
            help="Look for loops or blocking calls at the top level of your modules.",
        ) from None
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise CheckFailure(
            "With no model on disk, importing penguin_api.main or calling create_app() failed: "
            "something loads the model before the app starts",
            expected="the import and create_app() succeed; lifespan loads the model",
            actual=lines[-1][:300] if lines else f"exit code {result.returncode}",
        )
