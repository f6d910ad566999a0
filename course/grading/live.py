"""Start an app as a real server process on a free port, and always stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

APP_FACTORY = "penguin_api.main:create_app"


def free_port() -> int:
    """A port nothing listens on right now (never a fixed one: checks run in parallel)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerDidNotStartError(RuntimeError):
    pass


def wait_until_ready(
    base_url: str,
    process: subprocess.Popen[bytes],
    deadline_s: float,
    path: str = "/ready",
    any_status: bool = False,
) -> None:
    """Wait for ``GET path`` to answer 200 (or anything at all, with ``any_status``)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStartError(f"the server exited with code {process.returncode}")
        try:
            if httpx.get(base_url + path, timeout=1).status_code == 200 or any_status:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise ServerDidNotStartError(f"GET {path} did not answer 200 within {deadline_s:.0f} s")


def stop(process: subprocess.Popen[bytes], grace_s: float = 5.0) -> None:
    """SIGTERM the whole process group, then SIGKILL it if it has not gone in time."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


@contextmanager
def serve_app(
    app_dir: Path,
    env: dict[str, str] | None = None,
    deadline_s: float = 30.0,
    any_status: bool = False,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run ``uvicorn penguin_api.main:create_app --factory`` from ``app_dir``; yield its URL.

    It is up when ``GET /ready`` answers 200 or, with ``any_status``, when it answers at all:
    uvicorn runs the lifespan before it listens, and a starter's /ready may still be a TODO.
    """
    port = free_port()
    # A file, not a pipe: a server that prints megabytes would block on a full pipe.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            APP_FACTORY,
            "--factory",
            "--app-dir",
            str(app_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so stop() reaches every child
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_ready(base_url, process, deadline_s, any_status=any_status)
        except ServerDidNotStartError as exc:
            stop(process)
            log.seek(max(0, log.seek(0, os.SEEK_END) - 2000))
            tail = log.read().decode(errors="replace").strip().splitlines()[-1:] or ["(nothing)"]
            raise ServerDidNotStartError(f"{exc}; its last output: {tail[0][:300]}") from None
        yield base_url, process
    finally:
        stop(process)
        log.close()
