"""Who may call the API: API keys on the prediction endpoints, and which web pages (CORS).

401 when no key is sent (the client has to authenticate), 403 when the key is wrong (it did, and
is refused). Keys are compared with ``hmac.compare_digest`` against every accepted key, so the
time taken does not reveal how many leading characters of a guess were right.

CORS is off unless ``CORS_ORIGINS`` lists origins: only then may a page served from one of them
read the API's answers in a browser. It is not access control (curl ignores it); keys are.
"""

from __future__ import annotations

import hmac

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, HTTPException, Security
from fastapi.middleware.cors import CORSMiddleware

from fastapi.security import APIKeyHeader

from penguin_api.settings import Settings

API_KEY_HEADER = "X-API-Key"
_header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="Your API key")


def require_api_key(accepted: tuple[str, ...]) -> Callable[[str | None], Awaitable[None]]:
    """A dependency that checks the header against ``accepted`` (open when it is empty)."""
    encoded = [key.encode() for key in accepted]

    # `async def`: a plain `def` dependency costs a trip through the thread pool per request.
    async def check(key: str | None = Security(_header)) -> None:
        if not encoded:
            return
        if key is None:
            raise HTTPException(
                401,
                f"This endpoint needs an API key; send it in the {API_KEY_HEADER} header.",
                headers={"WWW-Authenticate": API_KEY_HEADER},
            )
        sent = key.encode()
        # No early exit: every accepted key is compared, whatever matches.
        matches = [hmac.compare_digest(sent, candidate) for candidate in encoded]
        if not any(matches):
            raise HTTPException(403, f"The key in {API_KEY_HEADER} is not valid.")

    return check


def install_cors(app: FastAPI, settings: Settings) -> None:
    """Let browsers on ``settings.cors_origins`` call the API; without origins, add nothing."""
    if not settings.cors_origins:
        return
    # Called after every other middleware is added, so it is the outermost layer: preflights
    # are answered before anything else runs, and every answer (a 401 or a 413 too) carries the
    # headers a browser needs to show it to the page instead of a bare "network error".
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", API_KEY_HEADER],
        allow_credentials=settings.cors_allow_credentials,
        max_age=600,
    )
