"""Smoke test of the module 2 reference image: does what is in the container actually work?

A real build, a real container on a free port, real HTTP. Every container is removed, pass or
fail. Time bounds are generous (DECISIONS.md: behaviour checks, not speed measurements).
"""

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

# scripts/ is on sys.path: this folder's conftest.py, which pytest loads first, puts it there.
import dockerkit
import pytest

from tests.reference_api.penguins import first_of_each_species

pytestmark = pytest.mark.docker


def post_json(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server(image: str) -> Iterator[dockerkit.Container]:
    """One ready container for the checks that leave it running (it costs a model load)."""
    with dockerkit.running(image) as container:
        container.wait_ready(deadline_s=90)
        yield container


def test_predicts_a_real_penguin_of_each_species(server: dockerkit.Container) -> None:
    for species, penguin in first_of_each_species():
        answer = post_json(server.url + "/predict", penguin)
        assert answer["species"] == species, (penguin, answer)


def test_runs_as_non_root(server: dockerkit.Container) -> None:
    uid = dockerkit.docker("exec", server.id, "id", "-u").stdout.strip()
    assert uid != "0", "the server runs as root; add a USER to the Dockerfile"


def test_healthcheck_passes_on_a_ready_server(server: dockerkit.Container) -> None:
    test = server.inspect()["Config"]["Healthcheck"]["Test"]
    assert test[0] == "CMD", f"HEALTHCHECK should use the exec form, not {test[0]}"
    # The image's own health check command, run inside the container as Docker runs it.
    probe = dockerkit.docker("exec", server.id, *test[1:], check=False)
    assert probe.returncode == 0, f"the HEALTHCHECK fails on a ready server: {probe.stderr}"


def test_docker_stop_shuts_the_server_down_gracefully(image: str) -> None:
    with dockerkit.running(image) as container:
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
