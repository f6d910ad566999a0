"""Smoke test of the module 2 reference image: does what is in the container actually work?

A real build, a real container on a free port, real HTTP. Every container is removed, pass or
fail. Time bounds are generous: they check behaviour (a clean stop), not speed.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from course import docker
from course.smoke import smoke
from shared_model.data import first_of_each_species

pytestmark = pytest.mark.docker


API_KEY = "smoke-test-key"


def status_of(url: str, body: dict[str, Any] | None = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def server(image: str) -> Iterator[docker.Container]:
    """One ready container for the checks that leave it running (it costs a model load).

    Configured as it is deployed: production mode with an API key, through the environment.
    """
    with docker.running(image, env={"APP_ENV": "production", "API_KEYS": API_KEY}) as container:
        container.wait_ready(deadline_s=90)
        yield container


def test_the_course_smoke_test_passes(image: str) -> None:
    # The very smoke test `course smoke` and module 2's grader run, in production mode.
    report = smoke(image, env={"APP_ENV": "production", "API_KEYS": API_KEY})
    assert [expected for expected, _ in report.predictions] == ["Adelie", "Chinstrap", "Gentoo"]


def test_settings_from_the_environment_reach_the_app(server: docker.Container) -> None:
    (_, penguin), *_ = first_of_each_species()
    assert status_of(server.url + "/predict", penguin) == 401, "API_KEYS was not applied"
    assert status_of(server.url + "/docs") == 404, "APP_ENV=production should hide /docs"


def test_runs_as_non_root(server: docker.Container) -> None:
    uid = docker.docker("exec", server.id, "id", "-u").stdout.strip()
    assert uid != "0", "the server runs as root; add a USER to the Dockerfile"


def test_healthcheck_passes_on_a_ready_server(server: docker.Container) -> None:
    test = server.inspect()["Config"]["Healthcheck"]["Test"]
    assert test[0] == "CMD", f"HEALTHCHECK should use the exec form, not {test[0]}"
    # The image's own health check command, run inside the container as Docker runs it.
    probe = docker.docker("exec", server.id, *test[1:], check=False)
    assert probe.returncode == 0, f"the HEALTHCHECK fails on a ready server: {probe.stderr}"


def test_docker_stop_shuts_the_server_down_gracefully(image: str) -> None:
    with docker.running(image) as container:
        container.wait_ready(deadline_s=90)
        # A 30 s grace period: an image whose PID 1 ignores SIGTERM hangs for all of it.
        seconds = container.stop(grace_s=30)
        state = container.inspect()["State"]
        assert state["ExitCode"] != 137, (
            "docker stop had to SIGKILL the container: SIGTERM did not reach uvicorn (use the "
            "exec form of CMD, or `exec` at the end of a wrapper script)"
        )
        assert seconds < 15, f"docker stop took {seconds:.1f} s despite a clean exit"
        assert "Application shutdown complete" in container.logs()
