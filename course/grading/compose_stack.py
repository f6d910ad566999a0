"""A docker compose project for one run: read the file, start it, inspect it, always tear it down.

Shared by module 2's compose checks and scripts/measure_compose_scaling.py. Static reading uses
PyYAML with compose's own ``${VAR:-default}`` interpolation, so the static checks give the same
verdict on a machine without Docker; everything live goes through the `docker compose` CLI.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from course.grading.module2_images import dockerkit
from course.grading.spec import CheckFailure

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}; $$ is a literal dollar.
_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<default>[^}]*))?\}")


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Compose's variable substitution, applied to every string of a parsed file."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, default = match["name"], match["op"], match["default"] or ""
        current = env.get(name)
        if op in (":-", ":?") and not current:
            return default if op == ":-" else ""
        if op in ("-", "?") and current is None:
            return default if op == "-" else ""
        return current or ""

    return _VARIABLE.sub(substitute, value)


def read_compose(path: Path, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The compose file as compose sees it (variables substituted), or a CheckFailure."""
    if not path.is_file():
        raise CheckFailure(
            f"there is no {path.name} in {path.parent.name}/",
            help="Exercise 6 writes it: start from the starter's compose/compose.yaml.",
        )
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise CheckFailure(
            f"{path.name} is not valid YAML",
            actual=str(exc).splitlines()[0],
            help="`docker compose config` prints the line and column of the mistake.",
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        raise CheckFailure(
            f"{path.name} has no `services:` mapping",
            help="A compose file declares its containers under a top-level `services:` key.",
        )
    return dict(interpolate(data, {**os.environ, **(env or {})}))


@dataclass(frozen=True)
class LoadSummary:
    """What a headless locust run printed as its final JSON statistics."""

    requests: int
    failures: int
    seconds: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def locust_summary(log: str) -> LoadSummary | None:
    """Parse the statistics `locust --json` prints (a JSON list between a "[" and a "]" line)."""
    lines = log.splitlines()
    try:
        start = lines.index("[")
        end = lines.index("]", start)
    except ValueError:
        return None
    entries = json.loads("\n".join(lines[start : end + 1]))
    if not entries:
        return LoadSummary(0, 0, 0.0)
    first = min(entry["start_time"] for entry in entries)
    last = max(entry["last_request_timestamp"] or first for entry in entries)
    return LoadSummary(
        requests=sum(entry["num_requests"] for entry in entries),
        failures=sum(entry["num_failures"] for entry in entries),
        seconds=last - first,
    )


class ComposeStack:
    """One compose project with a name unique to this run, so parallel runs never collide."""

    def __init__(self, compose_file: Path, env: Mapping[str, str], prefix: str = "course") -> None:
        self.file = compose_file
        self.project = f"{prefix}-{uuid.uuid4().hex[:10]}"
        self.env = dict(env)
        self.created = time.time()

    def compose(self, *args: str, timeout: float = 300, check: bool = True) -> str:
        cli = dockerkit.docker_cli() or "docker"
        done = subprocess.run(
            [cli, "compose", "--project-name", self.project, "--file", str(self.file), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **self.env},
            check=False,
        )
        if check and done.returncode != 0:
            raise CheckFailure(
                f"`docker compose {' '.join(args[:2])}` failed (exit code {done.returncode})",
                actual="\n".join((done.stdout + done.stderr).strip().splitlines()[-8:]),
                help="Run the same command yourself in compose/ to see the whole output.",
            )
        return done.stdout + done.stderr

    def container_ids(self, service: str) -> list[str]:
        """Every container of ``service``, running or exited."""
        out = self.compose("ps", "--all", "--quiet", service)
        return [line for line in out.split() if line]

    def inspect(self, container_id: str) -> dict[str, Any]:
        return dict(json.loads(dockerkit.docker("inspect", container_id).stdout)[0])

    def events(self) -> list[dict[str, Any]]:
        """Every container event of this project so far, oldest first (docker events)."""
        out = dockerkit.docker(
            "events",
            "--since", f"{self.created - 1:.3f}",
            "--until", f"{time.time():.3f}",
            "--filter", "type=container",
            "--filter", f"label=com.docker.compose.project={self.project}",
            "--format", "{{json .}}",
        ).stdout  # fmt: skip
        return sorted((json.loads(line) for line in out.splitlines()), key=lambda e: e["timeNano"])

    def leftovers(self) -> list[str]:
        """Containers and networks of this project that still exist, as `kind name` strings."""
        label = f"label=com.docker.compose.project={self.project}"
        found = []
        for kind, args in (
            ("container", ["ps", "--all", "--filter", label, "--format", "{{.Names}}"]),
            ("network", ["network", "ls", "--filter", label, "--format", "{{.Name}}"]),
        ):
            names = dockerkit.docker(*args).stdout.split()
            found += [f"{kind} {name}" for name in names]
        return found

    def down(self) -> None:
        self.compose("down", "--volumes", "--remove-orphans", "--timeout", "10", check=False)


@contextmanager
def compose_stack(
    compose_file: Path, env: Mapping[str, str], prefix: str = "course"
) -> Iterator[ComposeStack]:
    stack = ComposeStack(compose_file, env, prefix)
    try:
        yield stack
    finally:
        stack.down()
