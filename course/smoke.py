"""The course's smoke test of a penguin API image: ``course smoke IMAGE``.

Start the image, wait for /ready, ask /predict about a real penguin of each species, check the
answers, stop the container and check it stopped cleanly. One implementation, run by CI
(tests/docker/), by the grader (module 2's live checks) and by hand.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import typer

from course import docker
from course.console import console

# Generous: a model load takes seconds, but a busy classroom machine took 85 s.
READY_WITHIN_S = 240.0


class SmokeFailure(Exception):
    """What is in the container does not work; the message says what and what to look at."""


def post_json(
    url: str, body: Any, headers: dict[str, str] | None = None, timeout: float = 30
) -> tuple[int, Any]:
    """(status, parsed body) of a JSON POST; an HTTP error status is returned, not raised."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@dataclass
class SmokeReport:
    image: str
    ready_s: float = 0.0
    predictions: list[tuple[str, str]] = field(default_factory=list)  # (expected, answered)


def check_predictions(
    container: docker.Container, headers: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """POST a real penguin of each species; raises SmokeFailure on a wrong or failed answer."""
    from shared_model.data import first_of_each_species

    answers = []
    for species, penguin in first_of_each_species():
        status, body = post_json(container.url + "/predict", penguin, headers)
        if status != 200:
            raise SmokeFailure(f"POST /predict for a {species} penguin answered {status}: {body}")
        answered = body.get("species") if isinstance(body, dict) else None
        if answered != species:
            raise SmokeFailure(f"POST /predict says {answered!r} for a real {species} penguin")
        answers.append((species, str(answered)))
    return answers


def smoke(image: str, env: dict[str, str] | None = None) -> SmokeReport:
    """Run the whole smoke test on a built image; raises SmokeFailure saying what broke."""
    report = SmokeReport(image)
    try:
        with docker.running(image, env=env) as container:
            report.ready_s = container.wait_ready(deadline_s=READY_WITHIN_S)
            headers = {"X-API-Key": env["API_KEYS"]} if env and "API_KEYS" in env else None
            report.predictions = check_predictions(container, headers)
    except docker.DockerError as exc:
        raise SmokeFailure(str(exc)) from None
    return report


def smoke_command(
    image: str = typer.Argument(..., help="The image to test, e.g. penguin-api:latest."),
) -> None:
    """Smoke-test a built penguin API image: start, ready, predict, stop."""
    if problem := docker.engine_problem():
        console.print(f"[bold red]error:[/] Cannot smoke-test {image}: {problem}.")
        raise typer.Exit(1)
    try:
        with console.status(f"Starting {image} and waiting for /ready…"):
            report = smoke(image)
    except SmokeFailure as failure:
        console.print(f"[bold red]SMOKE TEST FAILED[/] for {image}: {failure}")
        raise typer.Exit(1) from None
    console.print(f"ready after {report.ready_s:.1f} s")
    for expected, answered in report.predictions:
        console.print(f"  [green]ok[/] a real {expected} penguin is predicted as {answered}")
    console.print(f"[bold green]Smoke test passed[/] for {image}.")
