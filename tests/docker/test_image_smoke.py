"""Smoke test of the module 2 reference image: does what is in the container actually work?

A real build, a real container on a free port, real HTTP. Every container is removed, pass or
fail. Time bounds are generous (DECISIONS.md: behaviour checks, not speed measurements).
"""

import json
import urllib.request
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


def test_predicts_a_real_penguin_of_each_species(image: str) -> None:
    with dockerkit.running(image) as container:
        container.wait_ready(deadline_s=90)
        for species, penguin in first_of_each_species():
            answer = post_json(container.url + "/predict", penguin)
            assert answer["species"] == species, (penguin, answer)


def test_runs_as_non_root_with_a_working_healthcheck(image: str) -> None:
    with dockerkit.running(image) as container:
        container.wait_ready(deadline_s=90)
        uid = dockerkit.docker("exec", container.id, "id", "-u").stdout.strip()
        assert uid != "0", "the server runs as root; add a USER to the Dockerfile"
        test = container.inspect()["Config"]["Healthcheck"]["Test"]
        assert test[0] == "CMD", f"HEALTHCHECK should use exec form, not {test[0]}"
        # Run the image's own health check command inside the container, as Docker would.
        probe = dockerkit.docker("exec", container.id, *test[1:], check=False)
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
