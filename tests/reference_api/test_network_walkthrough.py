"""The HTTP lesson's worked example (network/look_at_traffic.sh) run against the reference API."""

import shutil
import subprocess
from pathlib import Path

import pytest

from course.grading.live import serve_app
from course.paths import MODULE1, SOLUTIONS

SCRIPT = SOLUTIONS / MODULE1 / "network" / "look_at_traffic.sh"


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss (iproute2)")
def test_walkthrough_shows_each_layer(model_dir: Path):
    with serve_app(SOLUTIONS / MODULE1, env={"MODEL_DIR": str(model_dir)}, deadline_s=60) as (
        url,
        process,
    ):
        result = subprocess.run(
            ["bash", str(SCRIPT), url], capture_output=True, text=True, timeout=60
        )
    output = result.stdout + result.stderr
    port = url.rsplit(":", 1)[1]
    assert "127.0.0.1" in output  # getent resolved the host
    assert f"pid={process.pid}," in output  # ss named the process listening on the port
    if shutil.which("nc"):
        assert "succeeded" in output  # nc -zv opened a TCP connection
    assert "> GET /health HTTP/1.1" in output  # curl -v shows the request...
    assert "< HTTP/1.1 200 OK" in output  # ...and the response
    assert f":{port}" in output


def test_walkthrough_says_when_nobody_listens():
    from course.grading.live import free_port

    url = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run(["bash", str(SCRIPT), url], capture_output=True, text=True, timeout=60)
    assert "Connection refused" in result.stdout + result.stderr
