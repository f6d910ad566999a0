"""Fixtures module 2's checks use: the graded Dockerfile, read and built (once per grading run).

The graded folder (``module2_docker/``, the solution's, or a submission's) holds the Dockerfile;
the build context is the checkout it sits in (the first folder upwards with ``shared_model/`` and
``uv.lock``), exactly as a student builds with ``docker build -f module2_docker/Dockerfile .``.
Every image and container made here carries course.docker's label and is removed at the end.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from course import docker
from course.dockerfile import Dockerfile, DockerfileError, ignore_patterns, read
from course.grading.limits import scaled
from course.grading.spec import CheckFailure

DOCKERFILE = "Dockerfile"
# BuildKit reads `<Dockerfile>.dockerignore` next to the Dockerfile instead of the context's.
DOCKERIGNORE = "Dockerfile.dockerignore"
BUILD_TIMEOUT_S = 1200.0
# What a copy of the context leaves out (the .dockerignore decides what the build then sees).
NOT_COPIED = (
    ".git",
    ".venv",
    ".tools",
    "models",
    "site",
    "__pycache__",
    ".*_cache",
    "node_modules",
)


@dataclass(frozen=True)
class GradedImage:
    tag: str
    dockerfile: Path
    context: Path
    build: docker.Build


def build_context(graded_dir: Path) -> Path:
    for folder in (graded_dir, *graded_dir.parents):
        if (folder / "shared_model").is_dir() and (folder / "uv.lock").is_file():
            return folder
    raise CheckFailure(
        f"no folder above {graded_dir} holds shared_model/ and uv.lock, the build context",
        help="Grade the module inside a checkout of the course.",
    )


def tag_for(graded_dir: Path, what: str = "graded") -> str:
    """A tag of its own per graded folder: submissions graded side by side never collide."""
    digest = hashlib.sha256(str(graded_dir.resolve()).encode()).hexdigest()[:12]
    return f"penguin-course-{what}:{digest}"


@pytest.fixture(scope="session")
def dockerfile_path(graded_dir: Path) -> Path:
    path = graded_dir / DOCKERFILE
    if not path.is_file():
        raise CheckFailure(
            f"there is no {DOCKERFILE} in {graded_dir.name}/",
            help=f"Write {graded_dir.name}/{DOCKERFILE} (the starter has one to begin with).",
        )
    return path


@pytest.fixture(scope="session")
def dockerfile(dockerfile_path: Path) -> Dockerfile:
    try:
        parsed = read(dockerfile_path)
    except DockerfileError as exc:
        raise CheckFailure(
            f"{DOCKERFILE} cannot be read: {exc}",
            help="Each instruction starts with a keyword (FROM, RUN, COPY, ...).",
        ) from None
    if not parsed.stages:
        raise CheckFailure(f"{DOCKERFILE} has no FROM", help="An image starts FROM a base image.")
    return parsed


@pytest.fixture(scope="session")
def dockerignore_patterns(graded_dir: Path) -> list[str]:
    path = graded_dir / DOCKERIGNORE
    if not path.is_file():
        raise CheckFailure(
            f"there is no {DOCKERIGNORE} next to the Dockerfile",
            help="BuildKit uses <Dockerfile>.dockerignore next to the Dockerfile: write one.",
        )
    return ignore_patterns(path.read_text())


def build_or_fail(tag: str, dockerfile: Path, context: Path) -> docker.Build:
    try:
        return docker.build_image(tag, dockerfile, context=context, timeout=scaled(BUILD_TIMEOUT_S))
    except docker.DockerError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        raise CheckFailure(
            "the image does not build",
            actual="\n".join(lines[-12:]),
            help=f"Build it yourself to see the whole log: DOCKER_BUILDKIT=1 docker build -f "
            f"{dockerfile.relative_to(context)} --build-arg BASE_IMAGE={docker.base_image()} .",
        ) from None


@pytest.fixture(scope="session")
def graded_image(graded_dir: Path, dockerfile_path: Path) -> Iterator[GradedImage]:
    context = build_context(graded_dir)
    tag = tag_for(graded_dir)
    built = build_or_fail(tag, dockerfile_path, context)
    try:
        yield GradedImage(tag, dockerfile_path, context, built)
    finally:
        docker.remove_image(tag)  # containers are removed by docker.running(), each its own


@pytest.fixture(scope="session")
def broken_image(graded_image: GradedImage) -> Iterator[str]:
    """The graded image with its model pointed at nothing: it starts, but never gets ready."""
    tag = tag_for(graded_image.dockerfile.parent, "broken")
    with tempfile.TemporaryDirectory(prefix="course-broken-") as tmp:
        dockerfile = Path(tmp) / "Dockerfile"
        dockerfile.write_text(
            f"FROM {graded_image.tag}\nENV MODEL_DIR=/nonexistent-model\n"
            f'LABEL {docker.LABEL}="course"\n'
        )
        docker.docker("build", "--tag", tag, "--file", str(dockerfile), tmp, timeout=300)
    try:
        yield tag
    finally:
        docker.remove_image(tag)


def edited_context(context: Path, destination: Path, edited: Path) -> Path:
    """A copy of the build context with one comment appended to ``edited``, as a code edit."""
    shutil.copytree(context, destination, ignore=shutil.ignore_patterns(*NOT_COPIED))
    with (destination / edited).open("a") as source:
        source.write("\n# an edit, to see which layers a code change rebuilds\n")
    return destination
