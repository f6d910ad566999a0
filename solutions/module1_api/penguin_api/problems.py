"""One error format for every 4xx and 5xx: RFC 9457 problem details.

Clients get ``type``, ``title``, ``status`` and ``detail`` (plus ``errors`` for validation
failures, one entry per bad field), as ``application/problem+json``. Nothing here ever echoes the
request body or a stack trace: the body may hold NaN (which is not JSON) or megabytes, and a
trace tells an attacker more than it tells the client.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "urn:penguin-api:problem:"
logger = logging.getLogger("penguin_api")


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"{PROBLEM_BASE}{slug}" if slug else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


class ModelNotReadyError(Exception):
    """Raised by the model dependency before the model is loaded."""


def _location(loc: tuple[Any, ...]) -> str:
    # ("body", "rows", 3, "island") -> "rows[3].island": the field as the client wrote it.
    parts = [p for p in loc if p != "body"]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


# --8<-- [start:validation]
async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # BEGIN STARTER
    # # TODO (exercise 6): FastAPI's default answers {"detail": [...]} as application/json, a
    # # second error format next to problem+json. Answer with `problem(...)` instead:
    # # - 400 (slug "invalid-json") when an error's type is "json_invalid";
    # # - 415 (slug "unsupported-media-type") when the whole body is missing its JSON
    # #   Content-Type (an error located at ("body",) and no "json" in the content-type header);
    # # - else 422 (slug "validation-error") with `errors=[{"field": _location(e["loc"]),
    # #   "message": e["msg"], "type": e["type"]}, ...]` and a `detail` sentence naming fields.
    # from fastapi.exception_handlers import request_validation_exception_handler
    #
    # # Until then, FastAPI's default answer, without the rejected values ("input"): a NaN or
    # # an infinity among them could not be written as JSON, and the 422 would become a 500.
    # errors = [{k: v for k, v in e.items() if k != "input"} for e in exc.errors()]
    # return await request_validation_exception_handler(request, RequestValidationError(errors))
    # END STARTER
    # BEGIN SOLUTION
    raw = exc.errors()
    if any(e["type"] == "json_invalid" for e in raw):
        return problem(
            400,
            "The request body is not valid JSON; send a JSON object with "
            "Content-Type: application/json.",
            slug="invalid-json",
        )
    if any(tuple(e["loc"]) == ("body",) for e in raw):
        content_type = request.headers.get("content-type", "")
        if "json" not in content_type:
            return problem(
                415,
                f"Content-Type {content_type or '(none)'} is not supported; send the body as "
                "JSON with Content-Type: application/json.",
                slug="unsupported-media-type",
            )
    errors = [
        {"field": _location(tuple(e["loc"])), "message": e["msg"], "type": e["type"]} for e in raw
    ]
    shown = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return problem(
        422,
        f"{len(errors)} invalid field{'s' if len(errors) > 1 else ''}: {shown}{more}.",
        slug="validation-error",
        errors=errors,
    )
    # END SOLUTION
    # --8<-- [end:validation]


# --8<-- [start:http]
async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    # BEGIN STARTER
    # # TODO (exercise 6): 404 (no such path), 405 (wrong method) and every HTTPException an
    # # endpoint raises arrive here. Answer them with `problem(...)`, and keep the exception's
    # # headers: a 405 must still say which methods are allowed (the Allow header).
    # from fastapi.exception_handlers import http_exception_handler
    #
    # return await http_exception_handler(request, exc)
    # END STARTER
    # BEGIN SOLUTION
    return problem(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))
    # END SOLUTION
    # --8<-- [end:http]


async def _not_ready(_: Request, __: Exception) -> JSONResponse:
    return problem(
        503,
        "The model is not loaded yet; retry when GET /ready returns 200.",
        slug="model-not-ready",
        headers={"Retry-After": "1"},
    )


# --8<-- [start:unexpected]
# BEGIN SOLUTION
async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The trace goes to the server log, never to the client.
    logger.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "The server hit an unexpected error; it has been logged.")


# END SOLUTION
def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(ModelNotReadyError, _not_ready)
    # BEGIN STARTER
    # # TODO (exercise 6): any other exception (a bug, a library that raises) ends up in
    # # Starlette's plain-text 500 page, or in a page with the stack trace when debug is on.
    # # Write `async def _unexpected(request, exc)` that logs the exception with its trace
    # # (`logger.exception`) and answers `problem(500, ...)` without a word about the exception,
    # # and register it here for `Exception`.
    # END STARTER
    # BEGIN SOLUTION
    app.add_exception_handler(Exception, _unexpected)
    # END SOLUTION
    # --8<-- [end:unexpected]
