"""Checks for exercise 8: API keys, production safety, CORS and the body size limit."""

import ast
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from course.grading import CheckFailure, check, expect_equal
from course.grading.api_env import build_app, refusal, started_client, unstarted_client

SECURITY = "8. Security"
KEYS = {"API_KEYS": "first-key, second-key"}
ALLOWED = "https://penguins.example"
OTHER = "https://elsewhere.example"


def _status(client: TestClient, method: str, path: str, key: str | None, body: object) -> int:
    headers = {"X-API-Key": key} if key is not None else {}
    return client.request(method, path, json=body, headers=headers).status_code


def _expect_keys_enforced(client: TestClient, penguin: dict, accepted: list[str]) -> None:
    batch = {"rows": [penguin]}
    for method, path, body in (("POST", "/predict", penguin), ("POST", "/predict/batch", batch)):
        expect_equal(_status(client, method, path, None, body), 401, f"{path} without a key")
        expect_equal(_status(client, method, path, "not-a-key", body), 403, f"{path}, wrong key")
        for key in accepted:
            expect_equal(_status(client, method, path, key, body), 200, f"{path} with {key!r}")


@check(
    id="api-key-required",
    points=2,
    exercise=SECURITY,
    title="With API_KEYS set, predictions answer 401 without a key, 403 with a wrong one",
    hint="In security.py: no X-API-Key header -> 401 (with WWW-Authenticate: X-API-Key); a key "
    "that matches none of API_KEYS -> 403; any listed key -> the endpoint runs.",
    requires=["predict-species"],
)
def test_api_key_required(monkeypatch: pytest.MonkeyPatch, real_penguins):
    with started_client(monkeypatch, KEYS) as client:
        _expect_keys_enforced(client, real_penguins[0][1], ["first-key", "second-key"])


@check(
    id="api-key-from-file",
    points=1,
    exercise=SECURITY,
    title="Keys can come from the file API_KEYS_FILE names, one per line",
    hint="Settings.accepted_keys() adds the non-blank lines of API_KEYS_FILE to API_KEYS: the "
    "way Docker and Kubernetes hand over secrets (a mounted file, not a variable).",
    requires=["api-key-required"],
)
def test_api_key_from_file(monkeypatch: pytest.MonkeyPatch, real_penguins, tmp_path: Path):
    keys = tmp_path / "keys.txt"
    keys.write_text("key-from-file\n\n  another-file-key  \n")
    with started_client(monkeypatch, {"API_KEYS_FILE": str(keys)}) as client:
        _expect_keys_enforced(client, real_penguins[0][1], ["key-from-file", "another-file-key"])


@check(
    id="probes-open-with-keys",
    points=1,
    exercise=SECURITY,
    title="/health and /ready answer without a key when keys are required",
    hint="Only the prediction endpoints declare the API-key dependency: load balancers and "
    "Kubernetes probe /health and /ready without credentials.",
    requires=["api-key-required", "ready"],
)
def test_probes_open_with_keys(monkeypatch: pytest.MonkeyPatch):
    with started_client(monkeypatch, KEYS) as client:
        for path in ("/health", "/ready"):
            expect_equal(client.get(path).status_code, 200, f"GET {path} without a key")


@check(
    id="api-key-constant-time",
    points=1,
    exercise=SECURITY,
    title="security.py compares keys in constant time (hmac.compare_digest), never with ==",
    hint="`sent == key` stops at the first different character, so response times leak how "
    "much of a guessed key is right; hmac.compare_digest (or secrets.compare_digest) does not.",
    requires=["app-imports"],
    kind="static",
)
def test_api_key_constant_time(graded_dir: Path):
    source = graded_dir / "penguin_api" / "security.py"
    tree = ast.parse(source.read_text(), str(source))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == "compare_digest")
            or (isinstance(node.func, ast.Name) and node.func.id == "compare_digest")
        )
    ]
    if not calls:
        raise CheckFailure(
            "security.py never calls compare_digest",
            expected="hmac.compare_digest(sent, accepted) for each accepted key",
            actual="no compare_digest call",
        )
    # Equality or membership on strings is where a timing leak comes back in.
    risky = [
        f"line {node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and any(isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops)
    ]
    if risky:
        raise CheckFailure(
            "security.py also compares with ==, != or `in`, which leaks timing for keys",
            expected="only compare_digest on keys (and `is None` for a missing header)",
            actual=", ".join(risky),
        )


@check(
    id="production-needs-keys",
    points=2,
    exercise=SECURITY,
    title="APP_ENV=production refuses to start without keys, with a sentence naming API_KEYS",
    hint="In Settings (settings.py): when app_env is production and accepted_keys() is empty, "
    "raise SettingsError saying to set API_KEYS or API_KEYS_FILE.",
    requires=["app-starts"],
)
def test_production_needs_keys(monkeypatch: pytest.MonkeyPatch):
    error = refusal(monkeypatch, {"APP_ENV": "production"})
    if error is None:
        raise CheckFailure(
            "The API started in production with no API key: anyone could call it",
            expected="startup refused",
            actual="it started",
        )
    if "API_KEYS" not in error:
        raise CheckFailure(
            "The API refused to start, but the error does not say which setting to fix",
            expected="a sentence naming API_KEYS (and API_KEYS_FILE)",
            actual=error[:300],
        )
    error = refusal(monkeypatch, {"APP_ENV": "production", **KEYS})
    if error is not None:
        raise CheckFailure(
            "With APP_ENV=production and API_KEYS set, the API should start",
            expected="it starts",
            actual=error[:300],
        )


@check(
    id="production-hides-docs",
    points=1,
    exercise=SECURITY,
    title="In production /docs, /redoc and /openapi.json answer 404; in development they work",
    hint="FastAPI(docs_url=None, redoc_url=None, openapi_url=None) when APP_ENV=production: "
    "the schema is a map of your API for an attacker.",
    requires=["production-needs-keys"],
)
def test_production_hides_docs(monkeypatch: pytest.MonkeyPatch):
    development = unstarted_client(monkeypatch, {})
    for path in ("/docs", "/openapi.json"):
        expect_equal(development.get(path).status_code, 200, f"GET {path} in development")
    with started_client(monkeypatch, {"APP_ENV": "production", **KEYS}) as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            expect_equal(client.get(path).status_code, 404, f"GET {path} in production")
        expect_equal(client.get("/ready").status_code, 200, "GET /ready in production")


def _preflight(client: TestClient, origin: str) -> dict[str, str]:
    response = client.options(
        "/predict",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-api-key",
        },
    )
    return {k.lower(): v for k, v in response.headers.items()}


@check(
    id="cors-allow-list",
    points=2,
    exercise=SECURITY,
    title="CORS_ORIGINS: a listed origin gets the CORS headers, any other origin does not",
    hint="Add CORSMiddleware (install_cors in security.py) with allow_origins = the origins of "
    "CORS_ORIGINS, methods GET and POST, headers Content-Type and X-API-Key.",
    requires=["app-starts"],
)
def test_cors_allow_list(monkeypatch: pytest.MonkeyPatch):
    # CORS is middleware: it answers without the model, so the app need not start.
    c = unstarted_client(monkeypatch, {"CORS_ORIGINS": f"{ALLOWED}, https://other.example"})
    allowed = _preflight(c, ALLOWED)
    expect_equal(
        allowed.get("access-control-allow-origin"), ALLOWED, "The preflight's allowed origin"
    )
    headers = allowed.get("access-control-allow-headers", "").lower()
    if "x-api-key" not in headers:
        raise CheckFailure(
            "The preflight does not allow the X-API-Key header",
            expected="x-api-key in Access-Control-Allow-Headers",
            actual=headers or "(no such header)",
        )
    refused = _preflight(c, OTHER)
    expect_equal(
        refused.get("access-control-allow-origin"),
        None,
        f"Access-Control-Allow-Origin for {OTHER}, which is not listed",
    )
    plain = c.get("/health", headers={"Origin": ALLOWED}).headers
    expect_equal(
        plain.get("access-control-allow-origin"), ALLOWED, "The origin allowed on GET /health"
    )


@check(
    id="cors-off-by-default",
    points=1,
    exercise=SECURITY,
    title="Without CORS_ORIGINS, no origin is allowed",
    hint="Add the CORS middleware only when CORS_ORIGINS lists origins: a default of '*' lets "
    "every web page read your API's answers in its visitors' browsers.",
    requires=["app-starts"],
)
def test_cors_off_by_default(monkeypatch: pytest.MonkeyPatch):
    client = unstarted_client(monkeypatch, {})
    expect_equal(
        _preflight(client, OTHER).get("access-control-allow-origin"),
        None,
        "Access-Control-Allow-Origin with no CORS_ORIGINS set",
    )


@check(
    id="cors-wildcard-credentials-refused",
    points=1,
    exercise=SECURITY,
    title="CORS_ORIGINS=* with CORS_ALLOW_CREDENTIALS=true refuses to start, with a sentence",
    hint="In Settings: a validator raising SettingsError when '*' is in cors_origins and "
    "cors_allow_credentials is true; '*' alone (no credentials) is allowed.",
    requires=["cors-allow-list"],
)
def test_cors_wildcard_credentials_refused(monkeypatch: pytest.MonkeyPatch):
    error = refusal(monkeypatch, {"CORS_ORIGINS": "*", "CORS_ALLOW_CREDENTIALS": "true"})
    if error is None or "credential" not in error.lower():
        raise CheckFailure(
            "A wildcard origin with credentials must stop the API from starting",
            expected="startup refused with a sentence about credentials",
            actual=error[:300] if error else "it started",
        )
    error = refusal(monkeypatch, {"CORS_ORIGINS": "*"})
    if error is not None:
        raise CheckFailure(
            "CORS_ORIGINS=* without credentials is a valid (public API) setting",
            expected="it starts",
            actual=error[:300],
        )


@check(
    id="body-size-limit",
    points=2,
    exercise=SECURITY,
    title="A body over MAX_BODY_BYTES gets 413, even sent without Content-Length",
    hint="BodySizeLimitMiddleware (body_limit.py) counts the bytes as they arrive: keep it in "
    "create_app with max_body_bytes=settings.max_body_bytes.",
    # It measures with /predict/batch, so that endpoint must work first.
    requires=["predict-batch"],
)
def test_body_size_limit(monkeypatch: pytest.MonkeyPatch, real_penguins):
    import json

    rows = [penguin for _, penguin in real_penguins]
    small = json.dumps({"rows": rows}).encode()
    big = json.dumps({"rows": rows * 10}).encode()
    limit = max(1024, len(small) + 100)
    app = build_app(monkeypatch, {"MAX_BODY_BYTES": str(limit)})
    json_type = {"Content-Type": "application/json"}
    with TestClient(app) as client:
        ok = client.post("/predict/batch", content=small, headers=json_type)
        expect_equal(ok.status_code, 200, f"A {len(small)}-byte batch under a {limit}-byte limit")
        declared = client.post("/predict/batch", content=big, headers=json_type)
        expect_equal(declared.status_code, 413, f"A {len(big)}-byte body over the limit")
        expect_equal(
            declared.headers.get("content-type"),
            "application/problem+json",
            "The content type of the 413",
        )
        # A generator body is sent chunked, with no Content-Length to trust.
        chunks = (big[i : i + 512] for i in range(0, len(big), 512))
        streamed = client.post("/predict/batch", content=chunks, headers=json_type)
        expect_equal(streamed.status_code, 413, "A chunked body over the limit")
