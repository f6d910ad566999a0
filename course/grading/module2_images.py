"""The images module 2's live checks run: the graded API image, the load balancer, locust.

Built with the docker CLI (BuildKit), through scripts/dockerkit.py, so the grader builds exactly
as the smoke test, the measuring scripts and a student's own `docker build` do. The API image is
built in ONE place, ``api_image``: every live check of module 2 runs that image.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from course.grading.spec import CheckFailure
from course.paths import REPO_ROOT

# dockerkit is a plain script module next to the course's other scripts, shared with them.
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import dockerkit

TAG_PREFIX = "course-grade"


def course_root(graded_dir: Path) -> Path:
    """The checkout the graded folder belongs to: the build context of every course image.

    ``module2_docker`` sits right under it, ``solutions/module2_docker`` one level deeper, and a
    submission is a copy of the whole checkout; the root is where ``shared_model/`` is.
    """
    for folder in (graded_dir, *graded_dir.parents):
        if (folder / "shared_model").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    raise CheckFailure(
        f"{graded_dir} is not inside a copy of the course: no folder above it holds shared_model/",
        help="Grade the module folder of a full checkout of the course (it is the build context).",
    )


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


def api_image(graded_dir: Path) -> str:
    """The graded module's own Dockerfile, built from the course root; returns the tag."""
    dockerfile = graded_dir / "Dockerfile"
    if not dockerfile.is_file():
        raise CheckFailure(
            f"there is no Dockerfile in {graded_dir.name}/",
            help="Exercises 2 and 3 write it; the networking and compose exercises run it.",
        )
    return build_image("penguin-api", dockerfile, course_root(graded_dir), what="your Dockerfile")


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
def module2_api_image(graded_dir: Path) -> str:
    """The graded Dockerfile's image, built once per grading run (a failure fails each user)."""
    return api_image(graded_dir)
