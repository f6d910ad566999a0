"""`course serve` as a user runs it: a real uvicorn process on a free port, over real HTTP."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from course.grading.live import ServerDidNotStartError, free_port, wait_until_ready
from tests.reference_api.penguins import first_of_each_species

COURSE = Path(sys.executable).with_name("course")


def wait_ready(base: str, process: subprocess.Popen[str]) -> None:
    try:
        wait_until_ready(base, process, deadline_s=60)  # type: ignore[arg-type]
    except ServerDidNotStartError as exc:
        output = process.stdout.read() if process.stdout and process.poll() is not None else ""
        raise AssertionError(f"course serve did not become ready: {exc}\n{output}") from None


def start_serve(model_dir: Path, port: int) -> subprocess.Popen[str]:
    """`course serve` in open (development) mode, as the README's first command runs it."""
    env = {**os.environ, "MODEL_DIR": str(model_dir)}
    env.pop("API_KEYS", None)
    return subprocess.Popen(
        [str(COURSE), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Serve with an empty MODEL_DIR, so the first-run training path runs too."""
    port = free_port()
    model_dir = tmp_path_factory.mktemp("serve") / "model"
    process = start_serve(model_dir, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        yield base, str(model_dir)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.parametrize(("species", "penguin"), first_of_each_species())
def test_a_real_penguin_over_http(served, species, penguin):
    base, _ = served
    response = httpx.post(f"{base}/predict", json=penguin, timeout=5)
    assert response.status_code == 200
    assert response.json()["species"] == species


def test_probes_and_docs_over_http(served):
    base, model_dir = served
    assert httpx.get(f"{base}/health").json() == {"status": "ok"}
    assert httpx.get(f"{base}/ready").json() == {"status": "ready", "model_version": "1.0.0"}
    assert "swagger-ui" in httpx.get(f"{base}/docs").text
    assert (Path(model_dir) / "metadata.json").is_file()  # trained on first run


def test_serve_announces_development_mode_and_stops_cleanly(tmp_path: Path, model_dir: Path):
    port = free_port()
    process = start_serve(model_dir, port)
    wait_ready(f"http://127.0.0.1:{port}", process)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "DEVELOPMENT MODE" in output
    assert f"http://127.0.0.1:{port}/docs" in output


def test_production_without_keys_refuses_to_start(model_dir: Path):
    env = {**os.environ, "MODEL_DIR": str(model_dir), "APP_ENV": "production"}
    env.pop("API_KEYS", None)
    result = subprocess.run(
        [str(COURSE), "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "APP_ENV=production needs API keys" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
