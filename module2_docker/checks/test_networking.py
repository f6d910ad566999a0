"""Checks for exercise 5: two containers talking on a user-defined network, ports and DNS.

The script's run is watched through `docker events`, so the checks see what it really did
(a network created, containers attached, everything removed) rather than trusting its output.
The answer sheet is verified by running each experiment against the graded image.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from course.grading import CheckFailure, check, expect_equal, module2_images
from course.grading.answer_sheets import check_reasons, read_sheet
from course.grading.live import free_port
from course.grading.module2_images import dockerkit
from shared_model.version import MODEL_VERSION

NETWORKING = "5. Networking"
SCRIPT = Path("network") / "two_containers.sh"
SHEET = Path("answers") / "networking.toml"
QUESTIONS = [
    "exposed_port_published",
    "default_bridge_dns",
    "user_network_dns",
    "loopback_published",
]
LABEL = "course.grading=module2"

# The graded image, built once per run: pytest finds the fixture under this name here.
module2_api_image = module2_images.module2_api_image


@check(
    id="network-script",
    points=1,
    exercise=NETWORKING,
    title="network/two_containers.sh creates a network, runs two containers and cleans up",
    hint="Fill in the TODOs of network/two_containers.sh: `docker network create`, `docker run "
    "--network ...` for the API and the client, and a `trap cleanup EXIT`.",
    kind="static",
)
def test_network_script(graded_dir: Path) -> None:
    path = graded_dir / SCRIPT
    if not path.is_file():
        raise CheckFailure(f"{SCRIPT} is missing", help="Restore it from the starter.")
    text = path.read_text()
    missing = [
        what
        for what, needle in (
            ("a `network create`", "network create"),
            ("containers started with `--network`", "--network"),
            ("a `trap` that cleans up on exit", "trap "),
        )
        if needle not in text
    ]
    # The starter's placeholder stops the script before anything runs.
    if missing or re.search(r"^\s*echo .*is not written yet", text, re.MULTILINE):
        raise CheckFailure(
            f"{SCRIPT} is not finished: it still lacks "
            + ("; ".join(missing) if missing else "its code (the starter's placeholder exits 1)"),
            help="Work through the TODOs in order; run it with IMAGE=<your image> bash "
            f"{SCRIPT} to try it.",
        )


@check(
    id="network-sheet",
    points=1,
    exercise=NETWORKING,
    title="answers/networking.toml answers every question true or false, with a reason",
    hint="Under each [question], set `answer = true` or `answer = false` (no quotes) and a "
    '`why = "..."` of a sentence.',
    kind="static",
)
def test_network_sheet(graded_dir: Path) -> None:
    sheet = read_sheet(graded_dir / SHEET, QUESTIONS)
    not_bool = [key for key, table in sheet.items() if not isinstance(table.get("answer"), bool)]
    if not_bool:
        raise CheckFailure(
            f"in {SHEET}, these answers are not true or false: {', '.join(not_bool)}",
            help="Write `answer = true` or `answer = false`, without quotes.",
        )
    check_reasons(sheet, str(SHEET), min_words=5)


@dataclass(frozen=True)
class ScriptRun:
    prefix: str
    returncode: int
    output: str
    events: list[dict[str, Any]]

    def line(self, start: str) -> str | None:
        found = [line for line in self.output.splitlines() if line.startswith(start)]
        return found[-1][len(start) :].strip() if found else None


@pytest.fixture(scope="module")
def script_run(graded_dir: Path, module2_api_image: str) -> ScriptRun:
    """Run the student's script once, recording every docker event of its run."""
    prefix = f"course-net-{uuid.uuid4().hex[:8]}"
    since = time.time() - 1
    env = {
        **os.environ,
        "IMAGE": module2_api_image,
        "PREFIX": prefix,
        "DOCKER": dockerkit.docker_cli() or "docker",
    }
    try:
        done = subprocess.run(
            ["bash", str(SCRIPT)],
            cwd=graded_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        returncode, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        returncode, output = -1, f"(still running after {exc.timeout:g} s)"
    until = time.time() + 1
    events = dockerkit.docker(
        "events", "--since", f"{since:.3f}", "--until", f"{until:.3f}", "--format", "{{json .}}"
    ).stdout
    # Whatever the script left behind is removed here (the cleanup check reports it first).
    return ScriptRun(prefix, returncode, output, [json.loads(e) for e in events.splitlines()])


def _leftovers(prefix: str) -> list[str]:
    containers = dockerkit.docker(
        "ps", "--all", "--filter", f"name={prefix}", "--format", "{{.Names}}"
    ).stdout.split()
    networks = dockerkit.docker(
        "network", "ls", "--filter", f"name={prefix}", "--format", "{{.Name}}"
    ).stdout.split()
    return [f"container {name}" for name in containers] + [f"network {name}" for name in networks]


@pytest.fixture(scope="module")
def cleaned_run(script_run: ScriptRun) -> Iterator[tuple[ScriptRun, list[str]]]:
    left = _leftovers(script_run.prefix)
    yield script_run, left
    for item in left:
        kind, name = item.split(" ", 1)
        if kind == "container":
            dockerkit.docker("rm", "--force", name, check=False)
    for item in left:
        kind, name = item.split(" ", 1)
        if kind == "network":
            dockerkit.docker("network", "rm", name, check=False)


# --8<-- [start:two-containers]
@check(
    id="network-two-containers",
    points=4,
    exercise=NETWORKING,
    title="the client container gets /ready from the API container by the DNS name api",
    hint="The client must run on the same user-defined network as the API, which needs the "
    "DNS name `api` (--network-alias api); print what it got as `client got: <body>`.",
    requires=["network-script"],
    kind="live",
    needs=["docker"],
    timeout=900,
)
def test_network_two_containers(cleaned_run: tuple[ScriptRun, list[str]]) -> None:
    run, _ = cleaned_run
    if run.returncode != 0:
        raise CheckFailure(
            f"{SCRIPT} exited with code {run.returncode}",
            actual="\n".join(run.output.strip().splitlines()[-6:]),
            help=f"Run it yourself: IMAGE=<your image> bash {SCRIPT}",
        )
    answer = run.line("client got:")
    if answer is None:
        raise CheckFailure(
            f"{SCRIPT} printed no `client got: ...` line",
            actual=run.output.strip()[-500:],
        )
    try:
        body = json.loads(answer)
    except json.JSONDecodeError:
        body = answer
    expect_equal(body, {"status": "ready", "model_version": MODEL_VERSION}, "What the client got")
    # What docker itself saw: a network of the run, with at least two containers attached.
    created = {
        e["Actor"]["Attributes"].get("name")
        for e in run.events
        if e.get("Type") == "network" and e.get("Action") == "create"
    }
    ours = {name for name in created if name and run.prefix in name}
    attached = {
        e["Actor"]["Attributes"].get("container")
        for e in run.events
        if e.get("Type") == "network"
        and e.get("Action") == "connect"
        and e["Actor"]["Attributes"].get("name") in ours
    }
    if not ours or len(attached) < 2:
        raise CheckFailure(
            "Docker saw no user-defined network of the run with two containers on it",
            expected=f"a network named after PREFIX ({run.prefix}...) with 2+ containers",
            actual=f"networks created: {sorted(n for n in created if n) or 'none'}; "
            f"containers attached to ours: {len(attached)}",
            help='Name the network "$PREFIX-net" and start both containers with --network.',
        )
    # --8<-- [end:two-containers]


@check(
    id="network-default-bridge",
    points=1,
    exercise=NETWORKING,
    title="the script shows that the name api does not resolve on the default bridge",
    hint='Run the image without --network and python3 -c "$RESOLVE_API"; when it fails, print '
    "`default bridge: api does not resolve`.",
    requires=["network-two-containers"],
    kind="live",
    needs=["docker"],
)
def test_network_default_bridge(cleaned_run: tuple[ScriptRun, list[str]]) -> None:
    run, _ = cleaned_run
    expect_equal(run.line("default bridge:"), "api does not resolve", "The default bridge line")


@check(
    id="network-cleanup",
    points=2,
    exercise=NETWORKING,
    title="the script removes its containers and its network when it ends",
    hint="A `trap cleanup EXIT` that runs `docker rm --force` on the API container and "
    "`docker network rm` on the network, whatever happened before.",
    requires=["network-two-containers"],
    kind="live",
    needs=["docker"],
)
def test_network_cleanup(cleaned_run: tuple[ScriptRun, list[str]]) -> None:
    _, left = cleaned_run
    expect_equal(left, [], "What the script left behind")


def _status(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return str(response.status)
    except urllib.error.HTTPError as error:
        return str(error.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
        return f"no answer ({type(error).__name__})"


def _resolves(image: str, name: str, *network: str) -> bool:
    code = f"import socket; socket.gethostbyname({name!r})"
    done = dockerkit.docker(
        "run", "--rm", "--label", LABEL, *network, image, "python3", "-c", code, check=False
    )
    return done.returncode == 0


def _experiments(image: str) -> dict[str, bool]:
    """Run each question's experiment against the image; returns what really happened."""
    name = f"course-ports-{uuid.uuid4().hex[:8]}"
    network = f"{name}-net"
    port = free_port()
    truth: dict[str, bool] = {}
    try:
        dockerkit.docker("run", "--detach", "--label", LABEL, "--name", name, image)
        exposed = dockerkit.docker("inspect", name, "--format", "{{json .Config.ExposedPorts}}")
        if "8000/tcp" not in exposed.stdout:
            raise CheckFailure(
                "your image does not EXPOSE 8000, so the first question cannot be tested",
                help="Add `EXPOSE 8000` to the Dockerfile (exercise 2).",
            )
        ports = json.loads(
            dockerkit.docker("inspect", name, "--format", "{{json .NetworkSettings.Ports}}").stdout
        )
        truth["exposed_port_published"] = bool((ports or {}).get("8000/tcp"))
        truth["default_bridge_dns"] = _resolves(image, name)

        dockerkit.docker("network", "create", "--label", LABEL, network)
        dockerkit.docker("network", "connect", network, name)
        truth["user_network_dns"] = _resolves(image, name, "--network", network)

        loopback = f"{name}-loopback"
        dockerkit.docker(
            "run", "--detach", "--label", LABEL, "--name", loopback,
            "--publish", f"127.0.0.1:{port}:8000", "--entrypoint", "uvicorn", image,
            "--host", "127.0.0.1", "--port", "8000", "--factory", "penguin_api.main:create_app",
        )  # fmt: skip
        probe = "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/ready')"
        deadline = time.monotonic() + 90
        while dockerkit.docker("exec", loopback, "python3", "-c", probe, check=False).returncode:
            if time.monotonic() > deadline:
                raise CheckFailure(
                    "the API started with --host 127.0.0.1 never answered inside its container",
                    help="Your image must run `uvicorn ... penguin_api.main:create_app`.",
                )
            time.sleep(0.5)
        truth["loopback_published"] = _status(f"http://127.0.0.1:{port}/ready") == "200"
    finally:
        for container in (name, f"{name}-loopback"):
            dockerkit.docker("rm", "--force", container, check=False)
        dockerkit.docker("network", "rm", network, check=False)
    return truth


@check(
    id="network-sheet-live",
    points=4,
    exercise=NETWORKING,
    title="your answers in answers/networking.toml match what Docker really does",
    hint="Try each question yourself with `docker run`, `docker network create` and curl, as "
    "in the networking lesson, then correct the answer and its reason.",
    requires=["network-sheet"],
    kind="live",
    needs=["docker"],
    timeout=900,
)
def test_network_sheet_live(graded_dir: Path, module2_api_image: str) -> None:
    sheet = read_sheet(graded_dir / SHEET, QUESTIONS)
    truth = _experiments(module2_api_image)
    wrong = [key for key in QUESTIONS if sheet[key]["answer"] != truth[key]]
    if wrong:
        raise CheckFailure(
            "the experiment gave a different result for: " + ", ".join(wrong),
            expected={key: truth[key] for key in wrong},
            actual={key: sheet[key]["answer"] for key in wrong},
        )
