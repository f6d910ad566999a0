"""Refuse request bodies over a size limit with 413, before the JSON parser sees them.

Written as pure ASGI middleware: a declared Content-Length is checked before anything is read;
a body sent without one (chunked encoding) is counted as it streams in, by wrapping ``receive``,
so it cannot slip past the limit either. It costs no extra task per request the way
``BaseHTTPMiddleware`` does, and no wrapper at all for an ordinary request within the limit.
"""

from __future__ import annotations

import json

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLargeError(HTTPException):
    """An HTTPException, so the app's problem handler renders it when raised mid-request."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _detail(limit))


def _detail(limit: int) -> str:
    return f"The request body is larger than {limit} bytes; split the batch into smaller requests."


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and b"transfer-encoding" not in headers:
            if int(declared) > self.max_body_bytes:
                await self._reject(send)
                return
            # The server frames the body by Content-Length: it never hands the app more bytes
            # than declared (any extra bytes are the next request), so there is nothing left to
            # count, and no wrapper to pay for on every ordinary request.
            await self.app(scope, receive, send)
            return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLargeError(self.max_body_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if not response_started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Content Too Large",
                "status": 413,
                "detail": _detail(self.max_body_bytes),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
