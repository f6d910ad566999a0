"""Checks for exercise 6, errors: one format (RFC 9457 problem details) for every 4xx and 5xx,
and never a stack trace for the client."""

import secrets
from pathlib import Path

import httpx
import pytest

from course.grading import CheckFailure, check, expect_equal
from course.grading.problem_details import expect_problem, shown

ERRORS = "6. Errors"
JSON = {"content-type": "application/json"}


@check(
    id="errors-validation-problem",
    points=3,
    exercise=ERRORS,
    title="A validation error is a 422 problem+json with an errors list naming each field",
    hint="In _validation (problems.py), answer problem(422, ..., errors=[{'field': ..., "
    "'message': ...}]) with one entry per error of exc.errors(); _location() turns a loc "
    "into the field name.",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_validation_problem(started_server, real_penguins):
    # Two fields left out: required by any schema, so this does not depend on exercise 3.
    penguin = {k: v for k, v in real_penguins[0][1].items() if k not in ("island", "body_mass_g")}
    response = httpx.post(f"{started_server[0]}/predict", json=penguin, timeout=10)
    problem = expect_problem(response, 422, "POST /predict without island and body_mass_g")
    errors = problem.get("errors")
    if not isinstance(errors, list) or not all(
        isinstance(e, dict) and isinstance(e.get("field"), str) and e.get("message") for e in errors
    ):
        raise CheckFailure(
            "the 422 problem has no errors list of {field, message} objects",
            expected='"errors": [{"field": "island", "message": "Field required", ...}, ...]',
            actual=shown(response),
        )
    expect_equal(
        sorted(e["field"] for e in errors),
        ["body_mass_g", "island"],
        "The fields named in errors",
        help='Name a field as the client wrote it: "island", not ["body", "island"].',
    )
    if "island" not in problem["detail"]:
        raise CheckFailure(
            "the detail sentence does not name the field at fault",
            expected="a detail that names island",
            actual=problem["detail"],
            help="Clients log `detail`: make it say which fields are wrong.",
        )


@check(
    id="errors-malformed-body",
    points=2,
    exercise=ERRORS,
    title="Broken JSON answers 400 and a non-JSON Content-Type 415, both problem+json",
    hint='An error of type "json_invalid" is a 400 (the body is not JSON at all); an error at '
    'loc ("body",) without a JSON Content-Type is a 415. Neither is a 422.',
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_malformed_body(started_server):
    url = f"{started_server[0]}/predict"
    truncated = httpx.post(url, content=b'{"bill_length_mm": 39.1, "isl', headers=JSON, timeout=10)
    expect_problem(truncated, 400, "POST /predict with a truncated JSON body")
    as_text = httpx.post(url, content=b"{}", headers={"content-type": "text/plain"}, timeout=10)
    expect_problem(as_text, 415, "POST /predict with Content-Type: text/plain")


@check(
    id="errors-not-found",
    points=2,
    exercise=ERRORS,
    title="An unknown path answers 404 as problem+json",
    hint="FastAPI raises starlette's HTTPException(404) for a path no route matches: the "
    "_http handler must answer it with problem(exc.status_code, ...).",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_not_found(started_server):
    path = f"/no-such-path-{secrets.token_hex(4)}"
    expect_problem(httpx.get(f"{started_server[0]}{path}", timeout=10), 404, f"GET {path}")


@check(
    id="errors-method-not-allowed",
    points=2,
    exercise=ERRORS,
    title="A wrong method answers 405 as problem+json and keeps its Allow header",
    hint="Pass the exception's headers on: problem(..., headers=exc.headers). A 405 without "
    "Allow leaves the client guessing which method to use.",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_method_not_allowed(started_server):
    response = httpx.get(f"{started_server[0]}/predict", timeout=10)
    expect_problem(response, 405, "GET /predict (a POST-only path)")
    expect_equal(response.headers.get("allow"), "POST", "The Allow header of GET /predict")


@check(
    id="errors-no-stack-trace",
    points=3,
    exercise=ERRORS,
    title="An endpoint that raises answers a 500 problem+json that says nothing of the error",
    hint="Register a handler for Exception in install_problem_handlers: log the exception "
    "with logger.exception and answer problem(500, <a generic sentence>).",
    requires=["app-starts"],
    timeout=60,
)
def test_no_stack_trace(graded_dir: Path):
    from fastapi.testclient import TestClient
    from penguin_api.main import create_app

    secret = f"db-password-{secrets.token_hex(4)}"

    async def broken() -> None:
        raise RuntimeError(f"could not connect with {secret}")

    app = create_app()
    path = f"/grader-broken-{secrets.token_hex(3)}"
    # Added before the first request, so it goes through the app's own middleware and handlers.
    app.add_api_route(path, broken)
    # raise_server_exceptions=False: see what a client sees, not the exception itself.
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get(path)
    leaks = [w for w in (secret, "Traceback", "RuntimeError", 'File "') if w in response.text]
    if leaks:
        raise CheckFailure(
            f"the 500 answer shows the client what went wrong inside ({', '.join(leaks)})",
            expected="a generic sentence; the details in the server's log",
            actual=shown(response, 300),
            help="A trace tells an attacker your code, paths and secrets: log it, don't send it.",
        )
    expect_problem(response, 500, f"GET {path} (an endpoint that raises RuntimeError)")


@check(
    id="errors-debug-refused",
    points=1,
    exercise=ERRORS,
    title="Debug is off by default, and APP_ENV=production refuses to start with DEBUG on",
    hint="Debug pages show stack traces: Settings must reject debug=True when "
    "app_env='production', and create_app() must not turn debug on by itself.",
    requires=["app-starts"],
)
def test_debug_refused(graded_dir: Path, monkeypatch: pytest.MonkeyPatch):
    from penguin_api.main import create_app

    for name in ("APP_ENV", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    expect_equal(create_app().debug, False, "app.debug with neither APP_ENV nor DEBUG set")
    # What uvicorn's --factory does on start: build the app from the environment.
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("API_KEYS", secrets.token_hex(8))
    try:
        app = create_app()
    except Exception:  # refused, with whatever error the settings raise: what we want
        return
    raise CheckFailure(
        "create_app() builds an app with APP_ENV=production and DEBUG=true",
        expected="an error saying debug is not allowed in production",
        actual=f"an app with debug={app.debug}",
    )
