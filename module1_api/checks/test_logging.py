"""Checks for exercise 7: a structured access log and request ids, as pure ASGI middleware."""

import ast
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from course.grading import CheckFailure, check, expect_equal

LOGGING = "7. Logging and middleware"
ACCESS_LOGGER = "penguin_api.access"
REQUIRED_KEYS = ("method", "path", "status", "latency_ms", "request_id")
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Ids a server must not take from a client: too long, or characters that can break a log line,
# a JSON string or a header.
INSANE_IDS = ("a" * 300, 'abc"def', "two words", "a/b", "<script>", "")


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def access_lines() -> Iterator[list[str]]:
    """The messages logged on penguin_api.access meanwhile, whatever else handles them."""
    handler = _Lines()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def one_entry(messages: list[str], what: str) -> dict[str, Any]:
    """The single JSON object logged for one request, or a failure that says what is wrong."""
    if len(messages) != 1:
        raise CheckFailure(
            f"{what} logged {len(messages)} lines on the {ACCESS_LOGGER!r} logger",
            expected="exactly 1 line per request",
            actual=messages[:3],
            help=f"Log once per request, with logging.getLogger({ACCESS_LOGGER!r}), in the "
            "middleware's `finally` (so errors are logged too).",
        )
    (message,) = messages
    try:
        entry = json.loads(message)
    except ValueError:
        entry = None
    if not isinstance(entry, dict) or "\n" in message:
        raise CheckFailure(
            f"the access log line of {what} is not one JSON object on one line",
            expected='{"method": ..., "path": ..., "status": ..., ...}',
            actual=message[:200],
            help="Log json.dumps(a dict) as the message: machines read these lines.",
        )
    missing = [key for key in REQUIRED_KEYS if key not in entry]
    if missing:
        raise CheckFailure(
            f"the access log line of {what} lacks {', '.join(missing)}",
            expected=list(REQUIRED_KEYS),
            actual=sorted(entry),
        )
    return entry


def logged_request(
    send: Callable[[], httpx.Response], what: str
) -> tuple[httpx.Response, dict[str, Any], float]:
    """Send one request; its response, its access log entry and the client's elapsed ms."""
    with access_lines() as messages:
        started = time.perf_counter()
        response = send()
        elapsed_ms = (time.perf_counter() - started) * 1000
    return response, one_entry(messages, what), elapsed_ms


def expect_entry(entry: dict[str, Any], response: httpx.Response, method: str, path: str) -> None:
    what = f"{method} {path}"
    expect_equal(entry["method"], method, f"The logged method of {what}")
    expect_equal(entry["path"], path, f"The logged path of {what}")
    expect_equal(entry["status"], response.status_code, f"The logged status of {what}")
    expect_equal(
        entry["request_id"],
        response.headers.get("x-request-id"),
        f"The logged request id of {what} (vs its X-Request-ID response header)",
        help="Log the same id you put in the X-Request-ID response header.",
    )
    if "bytes" in entry:
        expect_equal(entry["bytes"], len(response.content), f"The logged bytes of {what}")


@check(
    id="access-log-line",
    points=3,
    exercise=LOGGING,
    title="Every request logs one JSON line: method, path, status, latency_ms, request_id",
    hint="In AccessLogMiddleware.__call__, wrap `send` to catch the status, time the call and "
    "log access_line(...) on the penguin_api.access logger in a `finally`.",
    requires=["health", "predict-species"],
)
def test_access_log_line(app_client: TestClient, real_penguins):
    _, penguin = real_penguins[0]
    requests = [
        ("GET", "/health", lambda: app_client.get("/health")),
        ("POST", "/predict", lambda: app_client.post("/predict", json=penguin)),
    ]
    for method, path, send in requests:
        response, entry, elapsed_ms = logged_request(send, f"{method} {path}")
        expect_entry(entry, response, method, path)
        latency = entry["latency_ms"]
        # The server's own time cannot exceed what the client waited (1 ms of rounding slack).
        if not isinstance(latency, int | float) or not 0 <= latency <= elapsed_ms + 1:
            raise CheckFailure(
                f"the logged latency_ms of {method} {path} is not the time the request took",
                expected=f"a number of milliseconds between 0 and {elapsed_ms:.1f}",
                actual=latency,
                help="(time.perf_counter() - start) * 1000, measured around the app call.",
            )


@check(
    id="request-id-echoed",
    points=2,
    exercise=LOGGING,
    title="A sane X-Request-ID from the client is echoed in the response and logged",
    hint="request_id_from(scope['headers']) returns the client's id when it is sane: put it "
    "in the response headers (with_request_id) and in the log line.",
    requires=["access-log-line"],
)
def test_request_id_echoed(app_client: TestClient):
    for sent in ("b5a1c0de-2f1e-4d7e-9c2a-5b0c1d2e3f40", "retry-7.batch_2:alpha"):
        response, entry, _ = logged_request(
            lambda sent=sent: app_client.get("/health", headers={"X-Request-ID": sent}),
            "GET /health with an X-Request-ID",
        )
        expect_equal(response.headers.get("x-request-id"), sent, "The X-Request-ID echoed")
        expect_equal(entry["request_id"], sent, "The logged request_id")


@check(
    id="request-id-generated",
    points=2,
    exercise=LOGGING,
    title="A missing or unsafe X-Request-ID is replaced by a fresh, safe id",
    hint="Never log what the client sends unchecked: accept an id only if it is short and "
    "made of letters, digits and . _ : - ; otherwise use uuid.uuid4().hex.",
    requires=["access-log-line"],
)
def test_request_id_generated(app_client: TestClient):
    seen: set[str] = set()
    for sent in (None, *INSANE_IDS):
        headers = {} if sent is None else {"X-Request-ID": sent}
        response, entry, _ = logged_request(
            lambda headers=headers: app_client.get("/health", headers=headers),
            "GET /health",
        )
        given = response.headers.get("x-request-id")
        shown = "no X-Request-ID" if sent is None else f"X-Request-ID {sent[:40]!r}"
        if not given or not SANE_ID.fullmatch(given) or given == sent:
            raise CheckFailure(
                f"a request with {shown} did not get a fresh, safe request id",
                expected="a new id such as uuid.uuid4().hex in the X-Request-ID response header",
                actual=given,
            )
        expect_equal(entry["request_id"], given, f"The logged request_id for {shown}")
        seen.add(given)
    expect_equal(len(seen), 1 + len(INSANE_IDS), "The number of distinct generated ids")


@check(
    id="errors-logged",
    points=2,
    exercise=LOGGING,
    title="Errors are logged with their status: 404, 422, 413 (also streamed), 500",
    hint="Log in a `finally` around the app call, and start from status 500: an exception "
    "that escapes before any response was sent is a 500.",
    requires=["access-log-line"],
)
def test_errors_logged(app_client: TestClient, unstarted_client: TestClient):
    too_big = b"{" + b" " * (1024 * 1024 + 10) + b"}"

    def streamed() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 65536

    cases = [
        ("GET", "/no-such-page", 404, lambda: app_client.get("/no-such-page")),
        ("POST", "/predict", 422, lambda: app_client.post("/predict", json={"island": "x"})),
        (
            "POST",
            "/predict/batch",
            413,
            lambda: app_client.post(
                "/predict/batch", content=too_big, headers={"content-type": "application/json"}
            ),
        ),
        (
            "POST",
            "/predict/batch",
            413,
            lambda: app_client.post(
                "/predict/batch", content=streamed(), headers={"content-type": "application/json"}
            ),
        ),
    ]
    for method, path, status, send in cases:
        response, entry, _ = logged_request(send, f"{method} {path} ({status})")
        expect_equal(response.status_code, status, f"The status code of {method} {path}")
        expect_equal(entry["status"], status, f"The logged status of {method} {path}")

    app = unstarted_client.app

    async def boom() -> None:
        raise RuntimeError("a bug in an endpoint")

    app.router.add_api_route("/boom", boom)  # type: ignore[attr-defined]
    # No lifespan (no `with`): this endpoint needs no model, and loading one takes seconds.
    client = TestClient(app, raise_server_exceptions=False)  # type: ignore[arg-type]
    with access_lines() as messages:
        response = client.get("/boom")
    entry = one_entry(messages, "GET /boom (an endpoint that raises)")
    expect_equal(response.status_code, 500, "The status code of an endpoint that raises")
    expect_equal(entry["status"], 500, "The logged status of an endpoint that raises")


def _pure_asgi(tree: ast.Module) -> list[str]:
    """Names of classes with ``async def __call__(self, scope, receive, send)``, no base class."""
    found = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [ast.unparse(base) for base in node.bases]
        if any("BaseHTTPMiddleware" in base for base in bases):
            continue
        for item in node.body:
            if isinstance(item, ast.AsyncFunctionDef) and item.name == "__call__":
                args = [a.arg for a in item.args.args]
                if args == ["self", "scope", "receive", "send"]:
                    found.append(node.name)
    return found


@check(
    id="pure-asgi-middleware",
    points=1,
    exercise=LOGGING,
    title="The access log is pure ASGI middleware, added to the app",
    hint="Write a plain class with `async def __call__(self, scope, receive, send)` (not a "
    "BaseHTTPMiddleware subclass) in penguin_api/access_log.py, and add it with "
    "app.add_middleware(...) in create_app().",
    requires=["access-log-line"],
    kind="static",
)
def test_pure_asgi_middleware(graded_dir: Path, app_client: TestClient):
    source = graded_dir / "penguin_api" / "access_log.py"
    classes = _pure_asgi(ast.parse(source.read_text())) if source.is_file() else []
    if not classes:
        raise CheckFailure(
            "penguin_api/access_log.py has no pure ASGI middleware class",
            expected="class ...: async def __call__(self, scope, receive, send)",
            actual="no such class (a BaseHTTPMiddleware subclass does not count)",
        )
    added = [m.cls.__name__ for m in app_client.app.user_middleware]  # type: ignore[attr-defined]
    if not set(classes) & set(added):
        raise CheckFailure(
            "create_app() does not add the access log middleware",
            expected=f"app.add_middleware({classes[0]})",
            actual=f"middleware added: {', '.join(added) or 'none'}",
        )
