"""Who may call the API: API keys on the prediction endpoints, and which web pages (CORS).

401 when no key is sent (the client has to authenticate), 403 when the key is wrong (it did, and
is refused). Keys are compared with ``hmac.compare_digest`` against every accepted key, so the
time taken does not reveal how many leading characters of a guess were right.

CORS is off unless ``CORS_ORIGINS`` lists origins: only then may a page served from one of them
read the API's answers in a browser. It is not access control (curl ignores it); keys are.
"""

from __future__ import annotations

# BEGIN SOLUTION
import hmac

# END SOLUTION
from collections.abc import Awaitable, Callable

# BEGIN STARTER
# from fastapi import FastAPI, Security
# END STARTER
# BEGIN SOLUTION
from fastapi import FastAPI, HTTPException, Security
from fastapi.middleware.cors import CORSMiddleware

# END SOLUTION
from fastapi.security import APIKeyHeader

from penguin_api.settings import Settings

API_KEY_HEADER = "X-API-Key"
_header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="Your API key")


# --8<-- [start:api-key]
def require_api_key(accepted: tuple[str, ...]) -> Callable[[str | None], Awaitable[None]]:
    """A dependency that checks the header against ``accepted`` (open when it is empty)."""
    encoded = [key.encode() for key in accepted]

    # `async def`: a plain `def` dependency costs a trip through the thread pool per request.
    async def check(key: str | None = Security(_header)) -> None:
        if not encoded:
            return
        # BEGIN STARTER
        # # TODO (exercise 8): no key sent -> HTTPException 401 with the header
        # # WWW-Authenticate: X-API-Key; a key that matches none of `encoded` -> 403. Compare
        # # with hmac.compare_digest, never with == or `in` (see the lesson on timing attacks).
        # raise NotImplementedError("API-key checking is not written yet (exercise 8)")
        # END STARTER
        # BEGIN SOLUTION
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
        # END SOLUTION

    return check
    # --8<-- [end:api-key]


# --8<-- [start:cors]
def install_cors(app: FastAPI, settings: Settings) -> None:
    """Let browsers on ``settings.cors_origins`` call the API; without origins, add nothing."""
    if not settings.cors_origins:
        return
    # BEGIN STARTER
    # # TODO (exercise 8): add Starlette's CORSMiddleware allowing exactly
    # # settings.cors_origins, the GET and POST methods, the Content-Type and X-API-Key
    # # headers, and credentials only when settings.cors_allow_credentials.
    # raise NotImplementedError("CORS_ORIGINS is not supported yet (exercise 8)")
    # END STARTER
    # BEGIN SOLUTION
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
    # END SOLUTION
    # --8<-- [end:cors]
