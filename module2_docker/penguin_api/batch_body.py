"""The batch body, validated straight from the request bytes into plain dicts.

FastAPI parses a body with ``json.loads`` and then validates the Python objects into model
instances: for 1,000 rows that is two passes and 1,000 objects, and it costs more than scoring
the rows. Here a valid body takes one pass in pydantic's Rust core (``validate_json``) into the
dicts the scorer reads. Anything else (no body, another content type, bad JSON, a bad row) takes
the slow path, which reproduces FastAPI's own errors exactly, so clients see the same problems
either way. ``tests/reference_api/test_batch_body.py`` holds the two paths to that.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from penguin_api.schemas import ApiModels


def _is_json(content_type: str | None) -> bool:
    # The test FastAPI applies (strict_content_type): no header is not JSON.
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _fastapi_errors(body: bytes, content_type: str | None, model: type[BaseModel]) -> list[Any]:
    """The errors FastAPI reports for a body it would not accept, worded the same way."""
    if not body:
        return [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
    if not _is_json(content_type):
        payload: Any = body
    else:
        try:
            payload = json.loads(body)
        except json.JSONDecodeError as exc:
            return [
                {
                    "type": "json_invalid",
                    "loc": ("body", exc.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": exc.msg},
                }
            ]
    try:
        # from_attributes: how FastAPI validates a body, and it words type errors differently.
        model.model_validate(payload, from_attributes=True)
    except ValidationError as exc:
        return [
            {**error, "loc": ("body", *error["loc"])}
            for error in exc.errors(include_url=False, include_context=True)
        ]
    return []


def batch_rows_dependency(
    models: ApiModels,
) -> Callable[[Request], Awaitable[list[dict[str, Any]]]]:
    """A dependency that yields the rows of a valid batch body, or raises FastAPI's error."""
    adapter = models.batch_rows
    model = models.batch_request

    async def batch_rows(request: Request) -> list[dict[str, Any]]:
        body = await request.body()
        content_type = request.headers.get("content-type")
        if body and _is_json(content_type):
            try:
                rows: list[dict[str, Any]] = adapter.validate_json(body)["rows"]
                return rows
            except ValidationError:
                pass  # the slow path below words the errors exactly as FastAPI does
        errors = _fastapi_errors(body, content_type, model)
        if not errors:
            # Both validators are built from the same fields; disagreeing is a bug, not a 4xx.
            raise RuntimeError("The batch body validators disagree about a body.")
        raise RequestValidationError(errors)

    return batch_rows


def document_batch_body(app: FastAPI, models: ApiModels, path: str) -> None:
    """Put the batch request model back into the OpenAPI document.

    The endpoint reads the raw body, so FastAPI cannot see its model; the route declares
    ``$ref: BatchRequest`` (``openapi_extra``) and this adds the component it points to.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            components = spec.setdefault("components", {}).setdefault("schemas", {})
            schema = models.batch_request.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            for name, definition in schema.pop("$defs", {}).items():
                components.setdefault(name, definition)
            components[models.batch_request.__name__] = schema
            assert path in spec["paths"], f"{path} is not a route of this app"
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
