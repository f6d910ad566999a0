"""One penguin's body, validated straight from the request bytes into the dict the model reads.

A body parameter (``penguin: Penguin``) costs FastAPI a content-type parse, ``json.loads``, a
dependency-solving pass and a model instance per request, and the endpoint then dumps the model
back into a dict: for a body this small, more than scoring it. Here the bytes go through one
pydantic ``TypeAdapter`` of the same fields (``schemas.py``), which parses and validates in one
pass in Rust and gives a plain dict. A body it rejects (or no body, or another content type)
takes the precise path, FastAPI's own behaviour and wording (``batch_body.py``), so clients see the
same 422 either way; ``tests/reference_api/test_penguin_body.py`` holds the two together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from penguin_api.batch_body import _is_json, fastapi_validate
from penguin_api.schemas import ApiModels


def penguin_reader(models: ApiModels) -> Callable[[bytes, str | None], dict[str, Any]]:
    """A function from a body (and its content type) to one valid penguin, or FastAPI's error."""
    adapter = models.penguin_row
    model = models.penguin

    def read(body: bytes, content_type: str | None) -> dict[str, Any]:
        if body and _is_json(content_type):
            try:
                penguin: dict[str, Any] = adapter.validate_json(body)
                return penguin
            except ValidationError:
                pass  # the precise path below words the errors exactly as FastAPI does
        penguin = fastapi_validate(body, content_type, model).model_dump()
        return penguin

    return read
