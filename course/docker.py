"""Driving the Docker CLI for the course: build, run, wait, stop, save, clean up.

One implementation shared by module 2's graded checks, the image smoke test (tests/docker/,
`course smoke`) and scripts/measure_images.py, so every image is built the same way: with
BuildKit, on the same base image, with the same CA secret. The CLI, not the Docker SDK: the SDK
builds without BuildKit, and the CLI is the interface students use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.grading.live import free_port
from course.paths import REPO_ROOT

MODULE2 = REPO_ROOT / "solutions" / "module2_docker"
DOCKERFILE = MODULE2 / "Dockerfile"
NAIVE_DOCKERFILE = MODULE2 / "Dockerfile.naive"

OFFICIAL_BASE = "python:3.11-slim"
LOCAL_BASE = os.environ.get("LOCAL_BASE_IMAGE", "course/python:3.11-slim-local")
SETUP_HINT = "start one with `make docker-setup` (scripts/docker_setup.sh)"
CA_CANDIDATES = (Path("/etc/ssl/certs/ca-certificates.crt"), Path("/etc/ssl/cert.pem"))
# What the container's server is asked; the same command the image's HEALTHCHECK runs.
PROBE_PATH = "/ready"
# Every image and container the course creates carries this label, so cleanup finds them all.
LABEL = "org.penguin-course.created-by"
# Appended to the CA bundle the course lends every build as the `ca` secret. PEM readers skip
# text outside certificate blocks, so the bundle still works; a layer holding this line proves
# the secret was copied into the image (and since every course build lends the same text, a
# cached layer that leaked it carries it too).
SECRET_CANARY = "penguin-course-secret-canary-7f3a9c2e51d84b06"


class DockerError(RuntimeError):
    """A docker command failed; the message says which and ends with its output."""


def docker_cli() -> str | None:
    """The docker client to use: $DOCKER, else Debian's /usr/bin/docker, else the one on PATH.

    Debian's docker.io client builds with BuildKit on its own, while a newer client earlier on
    PATH may lack the buildx plugin BuildKit needs.
    """
    if os.environ.get("DOCKER"):
        return shutil.which(os.environ["DOCKER"])
    on_path = shutil.which("docker")
    if on_path is None:
        return None  # PATH decides whether there is a client at all, as in the student's shell
    debian = shutil.which("docker", path="/usr/bin")
    path_dirs = os.environ.get("PATH", "").split(os.pathsep)
    return debian if debian is not None and "/usr/bin" in path_dirs else on_path


def docker(*args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess[str]:
    cli = docker_cli()
    if cli is None:
        raise DockerError(f"No docker command is installed; {SETUP_HINT}.")
    done = subprocess.run(
        [cli, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "DOCKER_BUILDKIT": "1"},
        check=False,
    )
    if check and done.returncode != 0:
        output = (done.stdout + done.stderr).strip()
        raise DockerError(f"`docker {' '.join(args[:2])}` failed:\n{output[-3000:]}")
    return done


def engine_problem() -> str | None:
    """Why no Docker engine can be used here, as one sentence; None when one answers."""
    if docker_cli() is None:
        if os.environ.get("DOCKER"):
            return f"DOCKER={os.environ['DOCKER']} names no installed command; {SETUP_HINT}"
        return "there is no `docker` command: install Docker"
    try:
        done = docker("version", "--format", "{{.Server.Version}}", timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return f"the Docker engine did not answer within 20 s; {SETUP_HINT}"
    if done.returncode != 0 or not done.stdout.strip():
        lines = done.stderr.strip().splitlines()
        reason = next((line for line in lines if "daemon" in line), lines[-1] if lines else "")
        return f"no Docker engine is reachable ({reason.strip() or 'no answer'}); {SETUP_HINT}"
    return None


def image_exists(tag: str) -> bool:
    return docker("image", "inspect", tag, check=False).returncode == 0


def base_image() -> str:
    """The image the course's Dockerfiles build FROM, in the order docker_setup.sh picks it.

    $BASE_IMAGE wins; then the official python:3.11-slim if it is here; then the local stand-in
    docker_setup.sh builds where no registry is reachable; else the official one, to be pulled.
    """
    if os.environ.get("BASE_IMAGE"):
        return os.environ["BASE_IMAGE"]
    for tag in (OFFICIAL_BASE, LOCAL_BASE):
        if image_exists(tag):
            return tag
    return OFFICIAL_BASE


def ca_bundle() -> Path | None:
    """The CA bundle to lend a build as the `ca` secret, for pip and uv behind a TLS proxy.

    $SSL_CERT_FILE is where a corporate setup usually points; otherwise the system bundle. It is
    harmless without a proxy: the secret then holds the public CAs the image trusts anyway.
    """
    candidates = [Path(os.environ["SSL_CERT_FILE"])] if os.environ.get("SSL_CERT_FILE") else []
    return next((path for path in [*candidates, *CA_CANDIDATES] if path.is_file()), None)


def canary_secret(directory: Path) -> Path:
    """The `ca` secret every course build gets: the CA bundle plus the canary line."""
    ca = ca_bundle()
    bundle = ca.read_text(errors="replace") if ca is not None else ""
    secret = directory / "ca-with-canary.pem"
    secret.write_text(f"{bundle.rstrip()}\n# {SECRET_CANARY}\n")
    return secret


@dataclass(frozen=True)
class Build:
    tag: str
    seconds: float
    log: str  # BuildKit's plain progress output: which steps ran and which were CACHED


def build_image(
    tag: str,
    dockerfile: Path = DOCKERFILE,
    *,
    context: Path = REPO_ROOT,
    no_cache: bool = False,
    timeout: float = 1800,
) -> Build:
    """Build with BuildKit on the course's base image, lending the `ca` secret."""
    args = ["build", "--file", str(dockerfile), "--tag", tag, "--progress", "plain"]
    args += ["--build-arg", f"BASE_IMAGE={base_image()}", "--label", f"{LABEL}=course"]
    if no_cache:
        args.append("--no-cache")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="course-secret-") as tmp:
        args += ["--secret", f"id=ca,src={canary_secret(Path(tmp))}"]
        try:
            done = docker(*args, str(context), timeout=timeout)
        except DockerError as exc:
            hint = ""
            if "buildx" in str(exc):
                hint = " (this docker client needs the buildx plugin for BuildKit: set DOCKER=...)"
            raise DockerError(f"Building {dockerfile.name} as {tag} failed{hint}: {exc}") from None
    return Build(tag, time.perf_counter() - started, done.stdout + done.stderr)


def build(tag: str, dockerfile: Path = DOCKERFILE, **options: Any) -> float:
    """Build (see build_image); returns the seconds it took."""
    return build_image(tag, dockerfile, **options).seconds


def remove_image(tag: str) -> None:
    docker("image", "rm", "--force", tag, check=False)


def image_size(tag: str) -> int:
    return int(docker("image", "inspect", tag, "--format", "{{.Size}}").stdout)


@dataclass(frozen=True)
class Container:
    id: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def inspect(self) -> dict[str, Any]:
        return dict(json.loads(docker("inspect", self.id).stdout)[0])

    def logs(self) -> str:
        done = docker("logs", self.id, check=False)
        return done.stdout + done.stderr

    def wait_ready(self, deadline_s: float = 90) -> float:
        """Poll /ready until it answers 200; returns the seconds it took.

        Fails early, with the container's log, when the container exits instead.
        """
        started = time.monotonic()
        while time.monotonic() - started < deadline_s:
            state = docker("inspect", "--format", "{{.State.Status}}", self.id).stdout.strip()
            if state in ("exited", "dead"):
                raise DockerError(f"The container exited before it was ready:\n{self.logs()}")
            try:
                with urllib.request.urlopen(self.url + PROBE_PATH, timeout=2) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise DockerError(f"{PROBE_PATH} did not answer 200 within {deadline_s} s:\n{self.logs()}")

    def stop(self, grace_s: int = 10) -> float:
        """`docker stop` (SIGTERM, then SIGKILL after grace_s); returns the seconds it took."""
        started = time.perf_counter()
        docker("stop", "--time", str(grace_s), self.id, timeout=grace_s + 60)
        return time.perf_counter() - started


@contextmanager
def running(
    tag: str,
    *,
    env: dict[str, str] | None = None,
    command: Sequence[str] = (),
    entrypoint: str | None = None,
    options: Sequence[str] = (),
) -> Iterator[Container]:
    """Run the image detached on a free host port, and always remove the container."""
    port = free_port()
    args = ["run", "--detach", "--publish", f"127.0.0.1:{port}:8000", "--label", LABEL]
    args += list(options)
    for name, value in (env or {}).items():
        args += ["--env", f"{name}={value}"]
    if entrypoint is not None:
        args += ["--entrypoint", entrypoint]
    container = Container(docker(*args, tag, *command).stdout.strip(), port)
    try:
        yield container
    finally:
        docker("rm", "--force", container.id, check=False)
