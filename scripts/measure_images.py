"""Measure the naive and the optimised penguin API images side by side.

    .venv/bin/python scripts/measure_images.py [--keep-cache]     (make docker-measure)

Builds solutions/module2_docker/Dockerfile.naive and .../Dockerfile and prints, measured on
this machine rather than quoted from a blog:

* image size, cold build time (empty BuildKit cache: every download included), the rebuild
  time after a one-line code edit, and the rebuild time when nothing changed;
* each image's biggest layers (`docker history`): where the megabytes go;
* how long `docker stop` takes when uvicorn is PID 1 (exec-form CMD) and when /bin/sh is
  (shell-form CMD), with the exit code that tells a clean exit (0) from a SIGKILL (137).

Without --keep-cache it empties the BuildKit cache first (`docker builder prune --all`), so the
next build of any image on this machine starts cold too. The tables also go, as markdown, to
docs/module2/image-results.md, which the image size lesson includes. Both Dockerfiles are the
reference's, so it runs in the instructors' edition only; elsewhere it stops before touching Docker.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from course import docker

console = Console(highlight=False)
if not console.is_terminal:
    console.width = 110  # logs and CI: wide enough that the tables do not wrap
IGNORED = (".git", ".venv", ".tools", "models", "site", "__pycache__", ".*_cache")
EDITED_FILE = Path("module2_docker/penguin_api/routes.py")
DOCS_TABLE = docker.REPO_ROOT / "docs" / "module2" / "image-results.md"
UVICORN = "uvicorn --host 0.0.0.0 --port 8000 --factory penguin_api.main:create_app"
NEEDED = (docker.NAIVE_DOCKERFILE, docker.DOCKERFILE)
NOT_THIS_EDITION = (
    "make docker-measure measures the course's reference and naive Dockerfiles, which only the "
    "instructors' edition has (solutions/module2_docker/); the table it writes is in "
    "docs/module2/image-results.md."
)


@dataclass
class ImageNumbers:
    name: str
    dockerfile: Path
    tag: str
    size: int = 0
    cold: float | None = None
    after_edit: float = 0.0
    unchanged: float = 0.0
    layers: list[Layer] = field(default_factory=list)


@dataclass(frozen=True)
class Layer:
    size: int
    instruction: str


# How many of each image's layers the lesson lists: the rest are kilobytes.
BIGGEST_LAYERS = 4


def biggest_layers(tag: str, count: int = BIGGEST_LAYERS) -> list[Layer]:
    """The image's largest layers, biggest first, each with the instruction that made it."""
    out = docker.docker(
        "history", "--no-trunc", "--human=false", "--format", "{{.Size}}\t{{.CreatedBy}}", tag
    ).stdout
    layers = []
    for line in out.splitlines():
        size, _, created_by = line.partition("\t")
        layers.append(Layer(int(size), instruction_summary(created_by)))
    return sorted(layers, key=lambda layer: layer.size, reverse=True)[:count]


def instruction_summary(created_by: str, width: int = 70) -> str:
    """`RUN uv sync …` from history's CreatedBy, without BuildKit's `|2 ARG=… /bin/sh -c` noise."""
    text = " ".join(created_by.split())
    text = text.removesuffix("# buildkit").strip()
    if "/bin/sh -c " in text:
        text = "RUN " + text.split("/bin/sh -c ", 1)[1]
    text = text.replace("|", "\\|") or "(the base image)"  # a pipe would end a table cell
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class StopNumbers:
    how: str
    pid1: str
    seconds: float
    exit_code: int


def prune_build_cache() -> None:
    with console.status("Emptying the BuildKit cache (docker builder prune --all)…"):
        docker.docker("builder", "prune", "--all", "--force", timeout=600)


def build(image: ImageNumbers, context: Path, label: str, *, no_cache: bool = False) -> float:
    with console.status(f"Building {image.name} ({label})…"):
        seconds = docker.build(
            image.tag, context / image.dockerfile, context=context, no_cache=no_cache
        )
    console.print(f"  {image.name}: {label} in {seconds:.1f} s")
    return seconds


def edited_copy(destination: Path) -> Path:
    """A copy of the repository with one line added to the API's code, as a student's edit."""
    shutil.copytree(docker.REPO_ROOT, destination, ignore=shutil.ignore_patterns(*IGNORED))
    with (destination / EDITED_FILE).open("a") as source:
        source.write("\n# an edit, to see which layers a code change rebuilds\n")
    return destination


def measure_stop(how: str, tag: str, *, shell_form: bool) -> StopNumbers:
    # `sh -c "..."` is exactly what a shell-form CMD runs, so one image shows both forms.
    entrypoint = "/bin/sh" if shell_form else None
    command = ["-c", UVICORN] if shell_form else []
    with (
        console.status(f"docker stop: {how}…"),
        docker.running(tag, entrypoint=entrypoint, command=command) as container,
    ):
        container.wait_ready()
        cmdline = docker.docker("exec", container.id, "cat", "/proc/1/cmdline").stdout
        seconds = container.stop(grace_s=10)
        exit_code = int(container.inspect()["State"]["ExitCode"])
    return StopNumbers(how, pid1_summary(cmdline), seconds, exit_code)


def pid1_summary(cmdline: str) -> str:
    """'uvicorn --host …' or 'sh -c uvicorn …' from /proc/1/cmdline, without the venv paths."""
    argv = [arg for arg in cmdline.split("\0") if arg]
    if argv and Path(argv[0]).name.startswith("python"):
        argv = argv[1:]  # a console script runs as `python /opt/venv/bin/uvicorn ...`
    words = " ".join([Path(argv[0]).name, *argv[1:]]) if argv else "?"
    return words if len(words) <= 22 else words[:21] + "…"


def image_table(images: list[ImageNumbers]) -> Table:
    table = Table(title="Naive vs optimised image (measured on this machine)")
    for column in (
        "image",
        "size",
        "cold build",
        "rebuild after a code edit",
        "rebuild, no change",
    ):
        table.add_column(column, justify="left" if column == "image" else "right")
    for image in images:
        table.add_row(
            image.dockerfile.name,
            f"{image.size / 1e6:.0f} MB",
            "-" if image.cold is None else f"{image.cold:.1f} s",
            f"{image.after_edit:.1f} s",
            f"{image.unchanged:.1f} s",
        )
    return table


def stop_table(stops: list[StopNumbers]) -> Table:
    table = Table(title="docker stop (grace period 10 s, then SIGKILL)")
    for column in ("how the server is started", "PID 1", "docker stop", "exit code"):
        table.add_column(
            column, justify="right" if column in ("docker stop", "exit code") else "left"
        )
    for stop in stops:
        code = f"{stop.exit_code}" + (" (SIGKILL)" if stop.exit_code == 137 else "")
        table.add_row(stop.how, stop.pid1, f"{stop.seconds:.2f} s", code)
    return table


def layer_table(images: list[ImageNumbers]) -> Table:
    table = Table(title=f"The {BIGGEST_LAYERS} biggest layers of each image (docker history)")
    for column in ("image", "layer size", "made by"):
        table.add_column(column, justify="right" if column == "layer size" else "left")
    for image in images:
        for layer in image.layers:
            table.add_row(image.dockerfile.name, f"{layer.size / 1e6:.1f} MB", layer.instruction)
    return table


def markdown(images: list[ImageNumbers], stops: list[StopNumbers], base: str) -> str:
    """The lesson's tables, with what they were measured on."""
    lines = [
        "| image | size | added to the base | cold build | rebuild after a code edit "
        "| rebuild, no change |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    base_size = docker.image_size(base)
    for image in images:
        cold = "-" if image.cold is None else f"{image.cold:.0f} s"
        lines.append(
            f"| `{image.dockerfile.name}` | {image.size / 1e6:.0f} MB | "
            f"{(image.size - base_size) / 1e6:.0f} MB | {cold} | {image.after_edit:.1f} s | "
            f"{image.unchanged:.1f} s |"
        )
    lines += ["", "| image | layer | size |", "|---|---|---:|"]
    for image in images:
        for layer in image.layers:
            lines.append(
                f"| `{image.dockerfile.name}` | `{layer.instruction}` | {layer.size / 1e6:.1f} MB |"
            )
    lines += [
        "",
        "| how the server is started | PID 1 | `docker stop` | exit code |",
        "|---|---|---:|---:|",
    ]
    for stop in stops:
        code = f"{stop.exit_code}" + (" (SIGKILL)" if stop.exit_code == 137 else "")
        lines.append(f"| {stop.how} | `{stop.pid1}` | {stop.seconds:.1f} s | {code} |")
    server = docker.docker("version", "--format", "{{.Server.Version}}").stdout.strip()
    lines += [
        "",
        f"Base image `{base}` ({base_size / 1e6:.0f} MB), Docker {server}, "
        f"{platform.machine()}, `docker stop` grace period 10 s ({date.today().isoformat()}).",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--keep-cache", action="store_true", help="skip the cold builds; keep the build cache"
    )
    args = parser.parse_args()

    # Before anything touches Docker: without the Dockerfiles, pruning the cache would be a loss.
    if not all(path.is_file() for path in NEEDED):
        console.print(f"[bold red]error:[/] {NOT_THIS_EDITION}")
        return 1
    problem = docker.engine_problem()
    if problem is not None:
        console.print(f"[bold red]error:[/] Cannot measure images: {problem}.")
        return 1
    base = docker.base_image()
    console.print(f"Base image: [bold]{base}[/]  docker: {docker.docker_cli()}")
    module = docker.MODULE2.relative_to(docker.REPO_ROOT)
    images = [
        ImageNumbers("naive", module / "Dockerfile.naive", "penguin-api:measure-naive"),
        ImageNumbers("optimised", module / "Dockerfile", "penguin-api:measure-optimised"),
    ]
    repo = docker.REPO_ROOT
    try:
        if not args.keep_cache:
            prune_build_cache()
        for image in images:
            if args.keep_cache:
                build(image, repo, "warming the cache")
            else:
                image.cold = build(image, repo, "cold", no_cache=True)
            image.size = docker.image_size(image.tag)
            image.layers = biggest_layers(image.tag)
            image.unchanged = build(image, repo, "nothing changed")
        optimised, naive = images[1].tag, images[0].tag
        stops = [
            measure_stop("exec-form CMD (Dockerfile)", optimised, shell_form=False),
            measure_stop("shell-form CMD, same image", optimised, shell_form=True),
            measure_stop("shell-form CMD (Dockerfile.naive)", naive, shell_form=False),
        ]
        with tempfile.TemporaryDirectory(prefix="course-edit-") as tmp:
            edited = edited_copy(Path(tmp) / "repo")
            for image in images:
                image.tag += "-edited"  # the measured tags keep the unedited code
                image.after_edit = build(image, edited, f"after editing {EDITED_FILE.name}")
    except docker.DockerError as exc:
        console.print("[bold red]error:[/]", end=" ")
        console.print(str(exc), markup=False)
        return 1
    console.print(image_table(images))
    console.print(layer_table(images))
    console.print(stop_table(stops))
    DOCS_TABLE.write_text(markdown(images, stops, base))
    console.print(f"Wrote {DOCS_TABLE.relative_to(docker.REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
