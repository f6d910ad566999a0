"""The apps ``scripts/bench_middleware.py`` compares: the reference API with three access logs.

* ``bare_app``: the reference without its access log middleware;
* ``pure_asgi_app``: the reference as it is (``penguin_api.access_log.AccessLogMiddleware``);
* ``base_http_app``: the reference with the same log written as a ``BaseHTTPMiddleware``, the
  way most tutorials write middleware.

Each logs one line per request, as in production: the bench counts the cost of writing it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from penguin_api.access_log import (
    ACCESS_LOGGER,
    AccessLogMiddleware,
    _access_logger,
    access_line,
    request_id_from,
)
from penguin_api.main import create_app
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

logger = logging.getLogger(ACCESS_LOGGER)


# --8<-- [start:base-http]
class BaseHTTPAccessLog(BaseHTTPMiddleware):
    """The same JSON line and request id, as a ``dispatch`` method."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        request_id = request_id_from(request.scope["headers"])
        status = 500
        sent = 0
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-ID"] = request_id
            sent = int(response.headers.get("content-length", 0))
            return response
        finally:
            if logger.isEnabledFor(logging.INFO):
                logger.info(access_line(request.scope, status, start, request_id, sent))
                # --8<-- [end:base-http]


def _replace_access_log(app: FastAPI, replacement: type | None) -> FastAPI:
    kept: list[Middleware] = []
    for middleware in app.user_middleware:
        if middleware.cls is not AccessLogMiddleware:
            kept.append(middleware)
        elif replacement is not None:
            kept.append(Middleware(replacement))
    app.user_middleware[:] = kept
    return app


def bare_app() -> FastAPI:
    return _replace_access_log(create_app(), None)


def pure_asgi_app() -> FastAPI:
    return create_app()


def base_http_app() -> FastAPI:
    # The same logger and handler as the pure ASGI middleware would set up.
    _access_logger()
    return _replace_access_log(create_app(), BaseHTTPAccessLog)
