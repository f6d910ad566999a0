"""Build the graded app under chosen settings, the way an operator sets them: the environment.

Checks of security and configuration need apps with API keys, production mode or CORS origins.
Every setting that shapes the service is reset to its default first, so a variable left in the
grader's environment cannot change a result.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from course.openapi_snapshot import SCHEMA_SETTINGS

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


def set_service_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    """Reset the service's settings to their defaults, then set ``env`` (undone after the test)."""
    for name in SCHEMA_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def build_app(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Any:
    """``create_app()`` of the graded package with ``env`` set; its lifespan has not run."""
    from penguin_api.main import create_app

    set_service_env(monkeypatch, env)
    return create_app()


@contextmanager
def started_client(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Iterator[TestClient]:
    """A client of the graded app built with ``env``, its lifespan run (the model loaded)."""
    from fastapi.testclient import TestClient

    with TestClient(build_app(monkeypatch, env)) as client:
        yield client


def refusal(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> str | None:
    """The error that stops the app from starting with ``env``, or None when it starts."""
    try:
        with started_client(monkeypatch, env):
            return None
    except Exception as exc:  # whichever error the student's code refuses with
        return f"{type(exc).__name__}: {exc}"
