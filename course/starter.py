"""Starter code is generated from the solution, so the two cannot drift.

In a solution file, a block between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` is removed
from the starter, and a block between ``# BEGIN STARTER`` and ``# END STARTER`` (commented out
in the solution, so the solution stays valid Python) is uncommented into it. A file whose first
line is ``# SOLUTION ONLY`` is left out of the starter. ``course starter check`` (run by
``make test``) fails when the committed starter differs from what the solution generates.

A *catch-up* source is copied with its solution code kept (markers and STARTER blocks dropped):
module 2's starter holds a working module 1 API, so a student who did not finish weekend 1
can still containerise one. A source may be one file rather than a folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from course.paths import REPO_ROOT

MARKER = re.compile(r"^(?P<indent>\s*)# (?P<edge>BEGIN|END) (?P<kind>SOLUTION|STARTER)\s*$")
SOLUTION_ONLY = "# SOLUTION ONLY"
# Section markers that let the site include part of a solution file; meaningless in a starter.
SNIPPET_SECTION = re.compile(r"^\s*# --8<-- \[(start|end):[\w-]+\]\s*$")


class MarkerError(ValueError):
    pass


@dataclass(frozen=True)
class StarterSource:
    """A folder of the solution whose starter version students get."""

    solution: Path
    starter: Path
    catch_up: bool = False  # keep the solution code: the previous module's result


# Which solution folders or files become starters (relative to the repository root), and
# whether each is a catch-up copy.
SOURCES: tuple[tuple[str, str, bool], ...] = (
    ("solutions/module1_api/penguin_api", "module1_api/penguin_api", False),
    ("solutions/module1_api/network", "module1_api/network", False),
    ("solutions/module1_api/answers", "module1_api/answers", False),
    ("solutions/module1_api/tests", "module1_api/tests", False),
    ("solutions/module1_api/load", "module1_api/load", False),
    ("solutions/module1_api/penguin_api", "module2_docker/penguin_api", True),
    ("solutions/module1_api/load", "module2_docker/load", True),
    ("solutions/module2_docker/Dockerfile", "module2_docker/Dockerfile", False),
    (
        "solutions/module2_docker/Dockerfile.dockerignore",
        "module2_docker/Dockerfile.dockerignore",
        False,
    ),
    ("solutions/module2_docker/smoke_test.py", "module2_docker/smoke_test.py", False),
    # Module 2: networking script, compose stack (API, load balancer, locust), answer sheets.
    ("solutions/module2_docker/network", "module2_docker/network", False),
    ("solutions/module2_docker/compose", "module2_docker/compose", False),
    ("solutions/module2_docker/answers", "module2_docker/answers", False),
)


def sources(root: Path = REPO_ROOT) -> list[StarterSource]:
    return [StarterSource(root / sol, root / start, keep) for sol, start, keep in SOURCES]


def render(text: str, name: str = "<text>", *, catch_up: bool = False) -> str | None:
    """The starter version of one solution file, or None when it is solution-only.

    With ``catch_up`` the SOLUTION blocks are kept and the STARTER blocks dropped instead.
    """
    lines = text.splitlines(keepends=True)
    if lines and lines[0].strip() == SOLUTION_ONLY:
        if not catch_up:
            return None
        lines = lines[1:]
    out: list[str] = []
    block: str | None = None
    for number, line in enumerate(lines, start=1):
        match = MARKER.match(line.rstrip("\n"))
        if match:
            kind, edge = match["kind"], match["edge"]
            if edge == "BEGIN":
                if block is not None:
                    raise MarkerError(f"{name}:{number}: BEGIN {kind} inside a {block} block")
                block = kind
            else:
                if block != kind:
                    raise MarkerError(f"{name}:{number}: END {kind} without BEGIN {kind}")
                block = None
            continue
        if SNIPPET_SECTION.match(line):
            continue
        if catch_up:
            if block != "STARTER":
                out.append(line)
            continue
        if block == "SOLUTION":
            continue
        if block == "STARTER":
            out.append(_uncomment(line, name, number))
            continue
        out.append(line)
    if block is not None:
        raise MarkerError(f"{name}: BEGIN {block} is never closed with END {block}")
    return "".join(out)


def _uncomment(line: str, name: str, number: int) -> str:
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith("# "):
        return indent + stripped[2:]
    if stripped.rstrip("\n") == "#":
        return "\n"
    raise MarkerError(f"{name}:{number}: a STARTER line must be commented out with '# '")


def expected_files(source: StarterSource) -> dict[Path, str]:
    """Starter path -> content, for every file of the solution folder."""
    files: dict[Path, str] = {}
    if source.solution.is_file():
        rendered = render(source.solution.read_text(), str(source.solution))
        return {} if rendered is None else {source.starter: rendered}
    for path in sorted(source.solution.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rendered = render(path.read_text(), str(path), catch_up=source.catch_up)
        if rendered is not None:
            files[source.starter / path.relative_to(source.solution)] = rendered
    return files


def build(root: Path = REPO_ROOT) -> list[Path]:
    """Write every starter; returns the files written."""
    written = []
    for source in sources(root):
        for path, content in expected_files(source).items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text() != content:
                path.write_text(content)
                written.append(path)
    return written


def drift(root: Path = REPO_ROOT) -> list[str]:
    """Sentences describing every way the committed starters differ from the solutions."""
    problems = []
    for source in sources(root):
        expected = expected_files(source)
        if source.starter.is_file() or source.solution.is_file():
            actual = {source.starter} if source.starter.is_file() else set()
        else:
            actual = {
                p for p in source.starter.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            }
        for path, content in expected.items():
            rel = path.relative_to(root)
            if not path.exists():
                problems.append(f"{rel} is missing")
            elif path.read_text() != content:
                problems.append(f"{rel} differs from what its solution generates")
        for path in sorted(actual - set(expected)):
            problems.append(f"{path.relative_to(root)} has no solution file it comes from")
    return problems
