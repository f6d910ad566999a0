"""Checks for module 1's first exercises: the app starts, its probes, and /predict."""

import math
from pathlib import Path

from fastapi.testclient import TestClient

from course.grading import CheckFailure, check, expect_equal
from course.grading.api_fixtures import import_in_subprocess

SETUP = "0. Getting started"
ENDPOINTS = "2. First endpoints"
PREDICT = "4. Prediction"


@check(
    id="app-imports",
    points=1,
    exercise=SETUP,
    title="penguin_api.main imports and defines create_app()",
    hint="Run `python -c 'import penguin_api.main'` inside module1_api/ and fix the first error "
    "it prints.",
    kind="static",
    timeout=30,
)
def test_app_imports(graded_dir: Path):
    import_in_subprocess(graded_dir, timeout_s=20)


@check(
    id="app-starts",
    points=1,
    exercise=SETUP,
    title="create_app() builds the app and its lifespan loads the model",
    hint="`course serve --student` starts your app and prints the error if it cannot; the "
    "model must be loaded in lifespan, not at import time.",
    requires=["app-imports"],
)
def test_app_starts(app_client: TestClient):
    assert app_client.app is not None


# --8<-- [start:health-check]
@check(
    id="health",
    points=2,
    exercise=ENDPOINTS,
    title='GET /health answers 200 with {"status": "ok"}',
    hint="Return the Health model from the health endpoint; it must not depend on the model.",
    requires=["app-starts"],
)
def test_health(app_client: TestClient):
    response = app_client.get("/health")
    expect_equal(response.status_code, 200, "The status code of GET /health")
    expect_equal(response.json(), {"status": "ok"}, "The body of GET /health")
    # --8<-- [end:health-check]


@check(
    id="ready",
    points=2,
    exercise=ENDPOINTS,
    title="GET /ready answers 200 and the model version once the model is loaded",
    hint='Return {"status": "ready", "model_version": model.version} from the ready endpoint.',
    requires=["app-starts"],
)
def test_ready(app_client: TestClient, served_model):
    response = app_client.get("/ready")
    expect_equal(response.status_code, 200, "The status code of GET /ready")
    expect_equal(
        response.json(),
        {"status": "ready", "model_version": served_model.version},
        "The body of GET /ready",
    )


@check(
    id="not-ready-without-model",
    points=2,
    exercise=ENDPOINTS,
    title="GET /ready answers 503 while no model is loaded",
    hint="Readiness must depend on the model: take it from the get_model dependency, which "
    "raises ModelNotReadyError (503) when lifespan has not loaded it.",
    requires=["ready"],
)
def test_not_ready_without_model(unstarted_client: TestClient):
    response = unstarted_client.get("/ready")
    expect_equal(response.status_code, 503, "The status code of GET /ready before lifespan ran")


@check(
    id="predict-species",
    points=3,
    exercise=PREDICT,
    title="POST /predict gives the right species for a real penguin of each species",
    hint="Score the penguin with _predictions(model, [penguin]) and return its species, "
    "probabilities and model_version.",
    requires=["app-starts"],
)
def test_predict_species(app_client: TestClient, real_penguins):
    for species, penguin in real_penguins:
        response = app_client.post("/predict", json=penguin)
        expect_equal(response.status_code, 200, f"The status code for a real {species}")
        expect_equal(response.json().get("species"), species, f"The species of a real {species}")


@check(
    id="predict-response",
    points=2,
    exercise=PREDICT,
    title="POST /predict answers every class's probability and the model version",
    hint="The response has species, probabilities (one per class, summing to 1) and "
    "model_version; compare yours with PredictResponse in /docs.",
    requires=["predict-species"],
)
def test_predict_response(app_client: TestClient, real_penguins, served_model):
    body = app_client.post("/predict", json=real_penguins[0][1]).json()
    expect_equal(sorted(body), ["model_version", "probabilities", "species"], "The response keys")
    probabilities = body["probabilities"]
    expect_equal(sorted(probabilities), sorted(served_model.classes), "The probability keys")
    total = sum(probabilities.values())
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise CheckFailure("The probabilities do not sum to 1", expected=1.0, actual=total)
    expect_equal(body["model_version"], served_model.version, "model_version")


@check(
    id="predict-batch",
    points=3,
    exercise=PREDICT,
    title="POST /predict/batch answers one prediction per penguin, in order, and the version",
    hint="Score `batch.records()` with _predictions(model, rows) in _batch_response and answer "
    '{"predictions": [...], "model_version": model.version} as a JSONResponse.',
    requires=["predict-species"],
)
def test_predict_batch(app_client: TestClient, real_penguins, served_model):
    # Each species twice, in an order no sorting or grouping would keep.
    order = [2, 0, 1, 1, 2, 0]
    rows = [real_penguins[i][1] for i in order]
    response = app_client.post("/predict/batch", json={"rows": rows})
    expect_equal(response.status_code, 200, "The status code of POST /predict/batch")
    body = response.json()
    expect_equal(sorted(body), ["model_version", "predictions"], "The response keys")
    expect_equal(body["model_version"], served_model.version, "model_version")
    predictions = body["predictions"]
    expect_equal(len(predictions), len(rows), "The number of predictions for 6 penguins")
    expect_equal(
        [p.get("species") for p in predictions],
        [real_penguins[i][0] for i in order],
        "The species, in the order of the request",
    )
    single = app_client.post("/predict", json=rows[0]).json()["probabilities"]
    for name, value in predictions[0]["probabilities"].items():
        if not math.isclose(value, single.get(name, -1.0), abs_tol=1e-9):
            raise CheckFailure(
                "A batch row's probabilities differ from /predict's for the same penguin",
                expected=single,
                actual=predictions[0]["probabilities"],
                help="Both endpoints must score with the same model and the same features.",
            )


@check(
    id="serves-over-http",
    points=2,
    exercise=ENDPOINTS,
    title="The app runs as a real server: /health and /ready answer over HTTP",
    hint="Run `course serve --student` and call it with curl; the grader starts it the same "
    "way (uvicorn penguin_api.main:create_app --factory) on a free port.",
    requires=["health", "ready"],
    kind="live",
    timeout=60,
)
def test_serves_over_http(live_url: str):
    import httpx

    expect_equal(httpx.get(f"{live_url}/health", timeout=5).status_code, 200, "GET /health")
    expect_equal(httpx.get(f"{live_url}/ready", timeout=5).status_code, 200, "GET /ready")


@check(
    id="predict-over-http",
    points=1,
    exercise=PREDICT,
    title="POST /predict answers a real penguin over HTTP, in a real server",
    hint="The in-process checks pass but the server does not: start it with `course serve "
    "--student` and send the README's curl request; the server's log says what went wrong.",
    requires=["serves-over-http", "predict-species"],
    kind="live",
    timeout=60,
)
def test_predict_over_http(live_url: str, real_penguins):
    import httpx

    species, penguin = real_penguins[1]
    response = httpx.post(f"{live_url}/predict", json=penguin, timeout=5)
    expect_equal(response.status_code, 200, "The status code of POST /predict over HTTP")
    expect_equal(response.json().get("species"), species, f"The species of a real {species}")
