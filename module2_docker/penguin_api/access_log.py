"""A structured access log and request ids, as pure ASGI middleware.

One JSON object per request on the ``penguin_api.access`` logger: method, path, status, latency,
request id, client and response bytes. The request id comes from the client's ``X-Request-ID``
when it is sane (short, and only characters that cannot forge a log line or a header), otherwise
it is generated; either way it is echoed in the response, so a client can quote it in a bug
report and every hop of a trace can log the same id.

Pure ASGI rather than ``BaseHTTPMiddleware``: it only wraps ``send``, so it adds no task, no
queue and no copy of the body per request (``scripts/bench_middleware.py`` measures the
difference).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time

from pydantic_core import to_json
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "penguin_api.access"
REQUEST_ID_HEADER = b"x-request-id"
# Long enough for a UUID or a W3C trace id, and no character that could end a log line, quote
# a JSON string or smuggle a second header.
SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's X-Request-ID when it is sane, else a new random id (32 hex digits)."""
    for name, value in headers:
        if name == REQUEST_ID_HEADER:
            if SANE_REQUEST_ID.fullmatch(value):
                return value.decode("ascii")
            break
    # The 128 random bits of a uuid4, without building a UUID object: this runs per request.
    return os.urandom(16).hex()


def with_request_id(start: Message, request_id: str) -> Message:
    """An ``http.response.start`` message with the X-Request-ID header added."""
    # A new list: the app may reuse the one it built.
    headers = [*start.get("headers", ()), (REQUEST_ID_HEADER, request_id.encode())]
    return {**start, "headers": headers}


def access_line(scope: Scope, status: int, started: float, request_id: str, sent_bytes: int) -> str:
    """The log line of one request: one JSON object (``started`` is a perf_counter time)."""
    client = scope.get("client")
    # JSON escapes newlines and quotes: a path cannot forge a second log line. pydantic_core's
    # encoder, because it takes a fraction of json.dumps's time on the hot path.
    return to_json(
        {
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "latency_ms": round((time.perf_counter() - started) * 1000, 3),
            "request_id": request_id,
            "client": f"{client[0]}:{client[1]}" if client else None,
            "bytes": sent_bytes,
        }
    ).decode()


def _access_logger() -> logging.Logger:
    logger = logging.getLogger(ACCESS_LOGGER)
    if not logger.handlers:
        # The message is already one JSON object: print it as it is, one per line, and not
        # again through uvicorn's or the root logger's handlers.
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    return logger


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.logger = _access_logger()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = request_id_from(scope["headers"])
        # 500 until the app says otherwise: an exception that escapes before any response
        # started becomes a 500 (rendered, and its traceback logged, by the app's handler).
        status = 500
        sent = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message = with_request_id(message, request_id)
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # Checked first: with LOG_LEVEL=warning the line is not even built.
            if self.logger.isEnabledFor(logging.INFO):
                self.logger.info(access_line(scope, status, start, request_id, sent))
