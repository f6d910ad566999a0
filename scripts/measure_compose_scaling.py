"""Throughput of the compose stack with 1, 2 and 3 API replicas, measured side by side.

    .venv/bin/python scripts/measure_compose_scaling.py [--replicas 1 2 3] [--users 30]
                                                         [--duration 20s]     (make compose-scale)

For each replica count it starts solutions/module2_docker/compose/compose.yaml in a fresh
project (nginx in front, health-gated), runs the same headless locust load through the load
balancer, reads locust's final JSON statistics and takes the stack down. It writes the table the
compose lesson includes (docs/module2/compose-scaling-results.md) and a plot next to it.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no display: write a file
import matplotlib.pyplot as plt
from rich.console import Console
from rich.table import Table

from course.grading.compose_stack import LoadSummary, compose_stack, locust_summary
from course.grading.module2_images import api_image, dockerkit, lb_image, loadgen_image
from course.paths import REPO_ROOT

console = Console(highlight=False)
SOLUTION = REPO_ROOT / "solutions" / "module2_docker"
COMPOSE_FILE = SOLUTION / "compose" / "compose.yaml"
TABLE = REPO_ROOT / "docs" / "module2" / "compose-scaling-results.md"
PLOT = REPO_ROOT / "docs" / "module2" / "compose-scaling.png"


@dataclass(frozen=True)
class Round:
    replicas: int
    load: LoadSummary


def measure(replicas: int, env: dict[str, str]) -> Round:
    with compose_stack(COMPOSE_FILE, env, prefix="course-scale") as stack:
        with console.status(f"{replicas} replica(s): starting, health-gated…"):
            stack.compose("up", "--detach", "--no-build", "--scale", f"api={replicas}", "lb")
        with console.status(f"{replicas} replica(s): locust for {env['LOAD_DURATION']}…"):
            stack.compose("up", "--detach", "--no-build", "--scale", f"api={replicas}", "loadgen")
            (loadgen,) = stack.container_ids("loadgen")
            dockerkit.docker("wait", loadgen, timeout=600)
            summary = locust_summary(dockerkit.docker("logs", loadgen).stdout)
        if summary is None:
            sys.exit(f"locust printed no statistics with {replicas} replica(s); see its log.")
    console.print(
        f"  {replicas} replica(s): {summary.requests_per_s:,.0f} req/s, "
        f"{summary.failures} failures in {summary.requests:,} requests"
    )
    return Round(replicas, summary)


def markdown(rounds: list[Round], users: int, duration: str) -> str:
    base = rounds[0].load.requests_per_s or 1.0
    lines = [
        "| API replicas | requests | failures | req/s | vs 1 replica |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in rounds:
        rate = r.load.requests_per_s
        lines.append(
            f"| {r.replicas} | {r.load.requests:,} | {r.load.failures} | {rate:,.0f} "
            f"| {rate / base:.2f}x |"
        )
    lines += [
        "",
        f"{os.cpu_count()} CPUs shared by every container (API replicas, nginx, locust), "
        f"Python {platform.python_version()} on the host, {users} locust users for {duration} "
        f"per round, one uvicorn worker per replica ({date.today().isoformat()}).",
        "",
    ]
    return "\n".join(lines)


def plot(rounds: list[Round]) -> None:
    figure, axes = plt.subplots(figsize=(5, 3))
    axes.bar([str(r.replicas) for r in rounds], [r.load.requests_per_s for r in rounds])
    axes.set_xlabel("API replicas behind nginx")
    axes.set_ylabel("requests per second")
    axes.set_title(f"Same load, {os.cpu_count()} CPUs")
    figure.tight_layout()
    figure.savefig(PLOT, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--duration", default="20s")
    args = parser.parse_args()
    if problem := dockerkit.engine_problem():
        sys.exit(f"Measuring the compose stack needs Docker: {problem}.")
    with console.status("Building the API, nginx and locust images (cached after the first)…"):
        api = api_image(SOLUTION)
        env = {
            "API_IMAGE": api,
            "LB_IMAGE": lb_image(SOLUTION),
            "LOADGEN_IMAGE": loadgen_image(SOLUTION, api),
            "BASE_IMAGE": dockerkit.base_image(),
            "LB_PORT": str(dockerkit.free_port()),
            "LOAD_USERS": str(args.users),
            "LOAD_DURATION": args.duration,
        }
    rounds = [measure(n, env) for n in args.replicas]
    table = Table(title="Throughput through nginx, by API replicas")
    for column in ("replicas", "requests", "failures", "req/s", "vs 1 replica"):
        table.add_column(column, justify="right")
    base = rounds[0].load.requests_per_s or 1.0
    for r in rounds:
        rate = r.load.requests_per_s
        table.add_row(
            str(r.replicas),
            f"{r.load.requests:,}",
            str(r.load.failures),
            f"{rate:,.0f}",
            f"{rate / base:.2f}x",
        )
    console.print(table)
    TABLE.write_text(markdown(rounds, args.users, args.duration))
    plot(rounds)
    console.print(f"Wrote {TABLE.relative_to(REPO_ROOT)} and {PLOT.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
