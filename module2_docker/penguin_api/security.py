"""API-key authentication for the prediction endpoints.

401 when no key is sent (the client has to authenticate), 403 when the key is wrong (it did, and
is refused). Keys are compared with ``hmac.compare_digest`` against every accepted key, so the
time taken does not reveal how many leading characters of a guess were right.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Security
from fastapi.security import APIKeyHeader

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
