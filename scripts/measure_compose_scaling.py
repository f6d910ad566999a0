"""Throughput of the compose stack with 1, 2 and 3 API replicas, measured side by side.

    .venv/bin/python scripts/measure_compose_scaling.py [--replicas 1 2 3] [--users 30]
                                [--duration 20] [--rounds 2]                (make compose-scale)

It starts solutions/module2_docker/compose/compose.yaml once (nginx in front, health-gated) and,
round after round, alternates the replica counts: re-scale the api service, restart nginx so it
resolves the new replicas, run the same headless locust load through it, read locust's final
JSON statistics. Alternating rounds spread a noisy machine's slow moments over every count; the
table reports each count's median. It writes the table the compose lesson includes
(docs/module2/compose-scaling-results.md) and a plot next to it. The stack is the reference's,
so it runs in the instructors' edition only; elsewhere it stops before touching Docker.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no display: write a file
import matplotlib.pyplot as plt
from rich.console import Console
from rich.table import Table

from course.grading.compose_stack import ComposeStack, LoadSummary, compose_stack, locust_summary
from course.grading.live import free_port
from course.grading.module2_images import dockerkit, lb_image, loadgen_image
from course.paths import REPO_ROOT

console = Console(highlight=False)
SOLUTION = REPO_ROOT / "solutions" / "module2_docker"
COMPOSE_FILE = SOLUTION / "compose" / "compose.yaml"
# Users that do not wait between calls: the stack's default scenario has think time, which caps
# 30 users near 24 req/s whatever the replicas could answer.
CAPACITY_LOCUSTFILE = SOLUTION / "compose" / "loadgen" / "capacity_locustfile.py"
TABLE = REPO_ROOT / "docs" / "module2" / "compose-scaling-results.md"
PLOT = REPO_ROOT / "docs" / "module2" / "compose-scaling.png"
NEEDED = (
    SOLUTION / "Dockerfile",
    COMPOSE_FILE,
    SOLUTION / "compose" / "lb" / "Dockerfile",
    SOLUTION / "compose" / "loadgen" / "Dockerfile",
    CAPACITY_LOCUSTFILE,
)
NOT_THIS_EDITION = (
    "make compose-scale measures the course's reference compose stack, which only the "
    "instructors' edition has (solutions/module2_docker/compose/); the table it writes is in "
    "docs/module2/compose-scaling-results.md."
)


@dataclass(frozen=True)
class Round:
    replicas: int
    load: LoadSummary
    seconds: float  # the load's fixed duration: requests / seconds is the throughput

    @property
    def rate(self) -> float:
        return self.load.requests / self.seconds


def measure(stack: ComposeStack, replicas: int, seconds: int) -> Round:
    scale = ("--scale", f"api={replicas}")
    with console.status(f"{replicas} replica(s): scaling, health-gated…"):
        stack.compose("up", "--detach", "--no-build", *scale, "lb")
        # nginx resolved `api` when it started: restart it to balance over the new replicas.
        stack.compose("up", "--detach", "--no-build", "--no-deps", "--force-recreate", "lb")
    with console.status(f"{replicas} replica(s): locust for {seconds} s…"):
        stack.compose("up", "--detach", "--no-build", "--no-deps", "--force-recreate", "loadgen")
        (loadgen,) = stack.container_ids("loadgen")
        dockerkit.docker("wait", loadgen, timeout=seconds + 600)
        logs = dockerkit.docker("logs", loadgen)
        summary = locust_summary(logs.stdout)
    if summary is None:
        tail = "\n".join(logs.stderr.strip().splitlines()[-15:])
        sys.exit(f"locust printed no statistics with {replicas} replica(s); its log ends:\n{tail}")
    result = Round(replicas, summary, seconds)
    console.print(
        f"  {replicas} replica(s): {result.rate:,.0f} req/s, "
        f"{summary.failures} failures in {summary.requests:,} requests"
    )
    return result


def medians(rounds: list[Round]) -> list[tuple[int, float, int, int]]:
    """(replicas, median req/s, requests, failures) per replica count, in the order measured."""
    counts = list(dict.fromkeys(r.replicas for r in rounds))
    out = []
    for count in counts:
        mine = [r for r in rounds if r.replicas == count]
        out.append(
            (
                count,
                statistics.median(r.rate for r in mine),
                sum(r.load.requests for r in mine),
                sum(r.load.failures for r in mine),
            )
        )
    return out


def markdown(rows: list[tuple[int, float, int, int]], users: int, seconds: int, n: int) -> str:
    base = rows[0][1] or 1.0
    lines = [
        "| API replicas | req/s (median) | vs 1 replica | requests | failed |",
        "|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {count} | {rate:,.0f} | {rate / base:.2f}x | {requests:,} | {failures} |"
        for count, rate, requests, failures in rows
    ]
    lines += [
        "",
        f"{os.cpu_count()} CPUs shared by every container (API replicas, nginx, locust) and "
        f"whatever else the machine ran; {users} locust users with no think time "
        f"(`loadgen/capacity_locustfile.py`) for {seconds} s per round, "
        f"{n} alternating rounds per count, one uvicorn worker per replica, Python "
        f"{platform.python_version()} on the host ({date.today().isoformat()}).",
        "",
    ]
    return "\n".join(lines)


def plot(rows: list[tuple[int, float, int, int]]) -> None:
    figure, axes = plt.subplots(figsize=(5, 3))
    axes.bar([str(row[0]) for row in rows], [row[1] for row in rows])
    axes.set_xlabel("API replicas behind nginx")
    axes.set_ylabel("requests per second (median)")
    axes.set_title(f"Same load, {os.cpu_count()} CPUs")
    figure.tight_layout()
    figure.savefig(PLOT, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not all(path.is_file() for path in NEEDED):
        sys.exit(NOT_THIS_EDITION)
    if problem := dockerkit.engine_problem():
        sys.exit(f"Measuring the compose stack needs Docker: {problem}.")
    with console.status("Building the API, nginx and locust images (cached after the first)…"):
        api = dockerkit.build_image("penguin-api:compose-scale", SOLUTION / "Dockerfile").tag
        env = {
            "API_IMAGE": api,
            "LB_IMAGE": lb_image(SOLUTION),
            "LOADGEN_IMAGE": loadgen_image(SOLUTION, api),
            "BASE_IMAGE": dockerkit.base_image(),
            "LB_PORT": str(free_port()),
            "LOAD_USERS": str(args.users),
            "LOAD_DURATION": f"{args.duration}s",
            "LOCUSTFILE": str(CAPACITY_LOCUSTFILE),
        }
    with compose_stack(COMPOSE_FILE, env, prefix="course-scale") as stack:
        rounds = [
            measure(stack, count, args.duration)
            for _ in range(args.rounds)
            for count in args.replicas
        ]
    rows = medians(rounds)
    table = Table(title="Throughput through nginx, by API replicas (median of the rounds)")
    for column in ("replicas", "req/s", "vs 1 replica", "requests", "failed"):
        table.add_column(column, justify="right")
    base = rows[0][1] or 1.0
    for count, rate, requests, failures in rows:
        table.add_row(
            str(count), f"{rate:,.0f}", f"{rate / base:.2f}x", f"{requests:,}", str(failures)
        )
    console.print(table)
    TABLE.write_text(markdown(rows, args.users, args.duration, args.rounds))
    plot(rows)
    console.print(f"Wrote {TABLE.relative_to(REPO_ROOT)} and {PLOT.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
