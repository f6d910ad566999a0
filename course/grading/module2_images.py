"""The images module 2's live checks run: the graded API image, the load balancer, locust.

Built with the docker CLI (BuildKit), through course/docker.py, so the grader builds exactly as
the smoke test, the measuring scripts and a student's own `docker build` do. The API image is the
one ``graded_image`` (course/grading/docker_fixtures.py) builds once per grading run: every live
check of module 2 runs that image.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from course import docker as dockerkit
from course.grading.spec import CheckFailure

if TYPE_CHECKING:
    from course.grading.docker_fixtures import GradedImage

TAG_PREFIX = "course-grade"


def _tag(name: str, *parts: object) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12]
    return f"{TAG_PREFIX}/{name}:{digest}"


def build_image(
    name: str,
    dockerfile: Path,
    context: Path,
    *,
    build_args: Mapping[str, str] | None = None,
    what: str,
) -> str:
    """Build one image (BuildKit, the base image and CA secret dockerkit picks); return its tag.

    A build that fails is the student's to fix, so it becomes a CheckFailure with the build's
    last lines rather than a grader error.
    """
    tag = _tag(name, dockerfile.resolve(), context.resolve())
    args = ["build", "--file", str(dockerfile), "--tag", tag, "--progress", "plain"]
    args += ["--label", "course.grading=module2"]
    for key, value in {"BASE_IMAGE": dockerkit.base_image(), **(build_args or {})}.items():
        args += ["--build-arg", f"{key}={value}"]
    ca = dockerkit.ca_bundle()
    if ca is not None:
        args += ["--secret", f"id=ca,src={ca}"]
    done = dockerkit.docker(*args, str(context), timeout=1800, check=False)
    if done.returncode != 0:
        lines = (done.stdout + done.stderr).strip().splitlines()
        raise CheckFailure(
            f"`docker build` of {what} failed (exit code {done.returncode})",
            actual="\n".join(lines[-8:]),
            help=f"Build it yourself to see the whole error: docker build -f {dockerfile} "
            f"{context}",
        )
    return tag


def lb_image(graded_dir: Path) -> str:
    folder = graded_dir / "compose" / "lb"
    return build_image("penguin-lb", folder / "Dockerfile", folder, what="compose/lb/Dockerfile")


def loadgen_image(graded_dir: Path, api_tag: str) -> str:
    folder = graded_dir / "compose" / "loadgen"
    return build_image(
        "penguin-loadgen",
        folder / "Dockerfile",
        folder,
        build_args={"API_IMAGE": api_tag},
        what="compose/loadgen/Dockerfile",
    )


@pytest.fixture(scope="session")
def module2_api_image(graded_image: GradedImage) -> str:
    """The graded Dockerfile's image, built once per grading run (a failure fails each user)."""
    return graded_image.tag
