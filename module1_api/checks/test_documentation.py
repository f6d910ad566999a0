"""Checks for exercise 5: the OpenAPI document is complete, truthful and held to a snapshot."""

import json
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from course.grading import CheckFailure, check, expect_equal
from course.openapi_snapshot import SNAPSHOT_NAME, current_schema, differences, read_snapshot

DOCS = "5. Documentation"


def _schema(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    expect_equal(response.status_code, 200, "The status code of GET /openapi.json")
    schema: dict[str, Any] = response.json()
    return schema


def _operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """("POST /predict", operation) for every operation in the schema."""
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in schema.get("paths", {}).items()
        for method, operation in methods.items()
    ]


@check(
    id="openapi-summaries",
    points=2,
    exercise=DOCS,
    title="Every endpoint declares its tags and a one-line summary",
    hint='Give each route decorator tags=[...] and summary="..."; without a summary, /docs '
    'shows the function\'s name ("Model Info"), which tells a client nothing.',
    requires=["app-starts"],
)
def test_openapi_summaries(app_client: TestClient):
    routes = [r for r in app_client.app.routes if isinstance(r, APIRoute) and r.include_in_schema]
    missing = [
        f"{'/'.join(sorted(r.methods))} {r.path} ({'no tags' if not r.tags else 'no summary'})"
        for r in routes
        if not r.tags or not (r.summary or "").strip()
    ]
    if missing:
        raise CheckFailure(
            f"{len(missing)} endpoint(s) have no tags or no summary",
            expected="tags and a summary on every endpoint",
            actual=", ".join(missing),
        )


@check(
    id="openapi-tags-described",
    points=1,
    exercise=DOCS,
    title="Every tag the endpoints use is described",
    hint="Pass openapi_tags=[{'name': ..., 'description': ...}, ...] to FastAPI(): one entry "
    "per tag your endpoints use (TAGS in main.py).",
    requires=["openapi-summaries"],
)
def test_openapi_tags_described(app_client: TestClient):
    schema = _schema(app_client)
    used = sorted({tag for _, op in _operations(schema) for tag in op.get("tags", [])})
    described = {
        t.get("name"): t.get("description", "").strip() for t in schema.get("tags", []) or []
    }
    undescribed = [tag for tag in used if not described.get(tag)]
    if undescribed:
        raise CheckFailure(
            "Some tags used by the endpoints have no description",
            expected=f"a description for each of {used}",
            actual=f"no description for {undescribed}",
        )


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if not ref.startswith("#/"):
        return node
    for part in ref[2:].split("/"):
        schema = schema.get(part, {})
    return schema


def _request_examples(schema: dict[str, Any], operation: dict[str, Any]) -> list[Any]:
    """Every example body an operation documents: named examples, `example`, schema examples."""
    found: list[Any] = []
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    found += [e["value"] for e in content.get("examples", {}).values() if "value" in e]
    if "example" in content:
        found.append(content["example"])
    found += _resolve(schema, content.get("schema", {})).get("examples", [])
    return found


def _canonical(row: Any) -> str:
    # 181 and 181.0 are the same flipper length: compare numbers as floats.
    if isinstance(row, dict):
        row = {
            k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in row.items()
        }
    return json.dumps(row, sort_keys=True)


@check(
    id="openapi-examples",
    points=2,
    exercise=DOCS,
    title="/predict documents real penguins as examples, and every documented example works",
    hint="Body(openapi_examples=models.examples) in routes.py: build_models() makes one named "
    "example per species from real rows of the data set. Try each one from /docs.",
    requires=["openapi-summaries", "predict-species"],
)
def test_openapi_examples(app_client: TestClient):
    from shared_model.data import as_request, load_penguins

    schema = _schema(app_client)
    predict = schema.get("paths", {}).get("/predict", {}).get("post", {})
    content = predict.get("requestBody", {}).get("content", {}).get("application/json", {})
    named = {name: e.get("value") for name, e in content.get("examples", {}).items()}
    if not named:
        raise CheckFailure(
            "POST /predict documents no named request examples",
            expected="named examples under requestBody (what the Examples menu of /docs lists)",
            actual="none",
        )
    real = {json.dumps(as_request(row), sort_keys=True) for _, row in load_penguins().iterrows()}
    invented = [
        name for name, value in named.items() if json.dumps(value, sort_keys=True) not in real
    ]
    if invented:
        raise CheckFailure(
            "Some /predict examples are not rows of the data set",
            expected="every example a real penguin (build them from the data, don't type them)",
            actual=f"invented: {invented}",
        )
    failing = []
    for name, operation in _operations(schema):
        method, path = name.split(" ", 1)
        for body in _request_examples(schema, operation):
            response = app_client.request(method, path, json=body)
            if response.status_code != 200:
                failing.append(f"{name} answered {response.status_code} to {json.dumps(body)[:80]}")
    if failing:
        raise CheckFailure(
            "A documented example is refused by the API itself",
            expected="200 for every example in /openapi.json",
            actual="; ".join(failing[:3]),
        )


@check(
    id="openapi-version",
    points=1,
    exercise=DOCS,
    title="info.version in /openapi.json is penguin_api.API_VERSION",
    hint="Pass version=API_VERSION to FastAPI() in main.py: one constant, so the version "
    "clients see and the one you release cannot disagree.",
    requires=["app-starts"],
)
def test_openapi_version(app_client: TestClient):
    import penguin_api

    declared = getattr(penguin_api, "API_VERSION", None)
    if not isinstance(declared, str) or not declared:
        raise CheckFailure(
            "penguin_api has no API_VERSION", expected='API_VERSION = "1.0.0"', actual=declared
        )
    expect_equal(_schema(app_client).get("info", {}).get("version"), declared, "info.version")


@check(
    id="openapi-snapshot",
    points=2,
    exercise=DOCS,
    title=f"module1_api/{SNAPSHOT_NAME} is committed and equals the schema the app serves",
    hint="Run `course openapi --write` once your documentation is done, commit the file, and "
    "run `pytest module1_api/tests` (or `course openapi`) after every change to the API.",
    requires=["openapi-version", "openapi-tags-described"],
)
def test_openapi_snapshot(graded_dir: Path, monkeypatch):
    from penguin_api.main import create_app

    try:
        snapshot = read_snapshot(graded_dir)
    except json.JSONDecodeError as exc:
        raise CheckFailure(
            f"{SNAPSHOT_NAME} is not valid JSON ({exc.msg}, line {exc.lineno})",
            help="Rewrite it with `course openapi --write` instead of editing it by hand.",
        ) from None
    if snapshot is None:
        raise CheckFailure(
            f"There is no {SNAPSHOT_NAME} next to penguin_api/",
            expected=f"{graded_dir.name}/{SNAPSHOT_NAME}",
            actual="no such file",
        )
    found = differences(snapshot, current_schema(create_app))
    if found:
        raise CheckFailure(
            f"The schema the app serves differs from {SNAPSHOT_NAME} in {len(found)} place(s)",
            expected="the committed snapshot",
            actual="; ".join(found[:3]) + (" ..." if len(found) > 3 else ""),
        )
