"""Fixtures the API checks use: the graded app in-process, as a real server, and real penguins.

The graded folder is first on ``sys.path`` (the plugin puts it there), so ``penguin_api`` here
is always the target's package: the student's, the solution's or a submission's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from course.grading.limits import scaled
from course.grading.live import APP_FACTORY, ServerDidNotStartError, serve_app, wait_until_ready
from course.grading.spec import CheckFailure

if TYPE_CHECKING:
    # Imported where used: checks that never touch the app should not pay for FastAPI.
    from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def graded_dir(pytestconfig: pytest.Config) -> Path:
    target = pytestconfig.getoption("course_target")
    if not target:
        raise pytest.UsageError("--course-target is required to run the course's checks")
    return Path(target).resolve()


def import_in_subprocess(graded_dir: Path, timeout_s: float) -> None:
    """Import the app factory in a throwaway process first.

    An import-time infinite loop, ``sys.exit()`` or ``os._exit()`` in the student's code then
    fails this one check with a clear message instead of taking the grader down with it.
    """
    module, factory = APP_FACTORY.split(":")
    timeout_s = scaled(timeout_s)
    code = f"import {module} as m; assert callable(getattr(m, {factory!r}, None)), 'no {factory}'"
    try:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=graded_dir,
            env=os.environ.copy(),
            capture_output=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        raise CheckFailure(
            f"importing {module} did not finish within {timeout_s:g} s",
            help="Look for a loop or a blocking call at the top level of your modules: "
            "importing must only define things; work belongs in functions and lifespan.",
        ) from None
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise CheckFailure(
            f"`import {module}` failed (exit code {result.returncode})",
            expected=f"{module} imports and defines {factory}()",
            actual=lines[-1][:500] if lines else "(the process ended without a message)",
        )


@pytest.fixture(scope="session")
def app_client(graded_dir: Path) -> Iterator[TestClient]:
    """The graded app with its lifespan run (model loaded), in this process."""
    from fastapi.testclient import TestClient
    from penguin_api.main import create_app

    with TestClient(create_app()) as client:
        yield client


@pytest.fixture
def unstarted_client(graded_dir: Path) -> TestClient:
    """The graded app *without* its lifespan: no model has been loaded."""
    from fastapi.testclient import TestClient
    from penguin_api.main import create_app

    return TestClient(create_app())


@pytest.fixture(scope="session")
def started_server(graded_dir: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The graded app as a real server on a free port, up as soon as it answers at all.

    Yields its URL and process (whose PID the network exercise looks up). A starter whose
    probes are still TODOs is up too, so the checks of other exercises can run against it.
    """
    try:
        with serve_app(graded_dir, deadline_s=scaled(30.0), any_status=True) as server:
            yield server
    except ServerDidNotStartError as exc:
        raise CheckFailure(
            f"the app did not start as a server: {exc}",
            help=f"Try it yourself: uvicorn {APP_FACTORY} --factory --app-dir {graded_dir}",
        ) from None


@pytest.fixture(scope="session")
def live_url(started_server: tuple[str, subprocess.Popen[bytes]]) -> str:
    """The URL of the same server, once GET /ready answers 200 (one server start, not two)."""
    url, process = started_server
    try:
        wait_until_ready(url, process, scaled(30.0))
    except ServerDidNotStartError as exc:
        raise CheckFailure(
            f"the app runs as a server but is not ready: {exc}",
            help="Run `course serve --student` and ask GET /ready with curl: it must answer 200.",
        ) from None
    return url


@pytest.fixture(scope="session")
def real_penguins() -> list[tuple[str, dict[str, Any]]]:
    """(species, request body) for the first complete penguin of each species."""
    from shared_model.data import first_of_each_species

    return first_of_each_species()


@pytest.fixture(scope="session")
def served_model() -> Any:
    """The artifact the graded app serves (MODEL_DIR), loaded by the course's own code."""
    from shared_model import load_artifact
    from shared_model.artifact import default_model_dir

    return load_artifact(Path(os.environ.get("MODEL_DIR") or default_model_dir()))
