"""``make bench-middleware``: what an access log costs, as pure ASGI or as BaseHTTPMiddleware.

Serves four apps with the same uvicorn flags: ``echo`` (validates the body, returns a constant:
the ceiling ``make bench`` uses), the reference API with no access log (``none``), with its pure
ASGI access log (``pure ASGI``, what it ships) and with the same log as a ``BaseHTTPMiddleware``
(``BaseHTTP``). Drives each with wrk on ``POST /predict``, in alternating rounds, and reports
req/s, p50/p99 and the ratios, in a table and in ``docs/module1/middleware-results.md``.

A report, not a test: compare the ratios of one run, not absolute numbers across machines.

    .venv/bin/python scripts/bench_middleware.py [--rounds 3] [--seconds 4] [--connections 8]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench_api import (
    WRK_SCRIPT,
    Run,
    Summary,
    bodies,
    console,
    servers,
    summarise,
    wait_ready,
    wrk,
)
from rich.table import Table

from course.model_cli import ensure_model, model_dir_from_env

ROOT = Path(__file__).resolve().parents[1]
DOCS_TABLE = ROOT / "docs" / "module1" / "middleware-results.md"
APPS = {
    "echo": "bench_apps:echo_app",
    "none": "middleware_apps:bare_app",
    "pure ASGI": "middleware_apps:pure_asgi_app",
    "BaseHTTP": "middleware_apps:base_http_app",
}
COLUMNS = ("app", "req/s", "p50 ms", "p99 ms", "vs echo", "vs none", "p99 vs none")


def rows(summaries: list[Summary]) -> list[tuple[str, ...]]:
    by_app = {s.app: s for s in summaries}
    echo, none = by_app["echo"], by_app["none"]
    return [
        (
            s.app,
            f"{s.rps:,.0f}",
            f"{s.p50_ms:.1f}",
            f"{s.p99_ms:.1f}",
            f"{s.rps / echo.rps:.0%}",
            f"{s.rps / none.rps:.0%}",
            f"{s.p99_ms / none.p99_ms:.2f}x",
        )
        for s in summaries
    ]


def markdown(summaries: list[Summary], setup: str) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * (len(COLUMNS) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(summaries)]
    return "\n".join(lines) + f"\n\n{setup}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="Alternating rounds per app.")
    parser.add_argument("--seconds", type=float, default=4.0, help="Duration of one wrk run.")
    parser.add_argument("--connections", type=int, default=8, help="Concurrent connections.")
    parser.add_argument("--docs-table", type=Path, default=DOCS_TABLE, help="Markdown output.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("This bench needs wrk: `sudo apt-get install wrk` or `brew install wrk`.")
    model_dir = model_dir_from_env()
    ensure_model(model_dir)
    runs: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        script = work / "post.lua"
        script.write_text(WRK_SCRIPT)
        body = bodies(work)["predict"]
        with servers(model_dir, work, apps=APPS) as urls:
            console.print(f"Starting {', '.join(urls)} (one uvicorn worker each)...")
            wait_ready(urls, body, work, timeout_s=300)
            for url in urls.values():  # warm-up: first-request costs are not measured
                wrk(url + "/predict", script, body, 1, args.connections)
            with console.status("") as status:
                for round_no in range(args.rounds):
                    # Rotate the order every round, so no app always runs first or last.
                    names = list(urls)
                    names = names[round_no % len(names) :] + names[: round_no % len(names)]
                    for name in names:
                        status.update(f"round {round_no + 1}/{args.rounds}: {name}")
                        url = urls[name] + "/predict"
                        run = wrk(url, script, body, args.seconds, args.connections)
                        runs.setdefault(name, []).append(run)
                        console.print(
                            f"  round {round_no + 1} {name:<10} {run.rps:8,.0f} req/s "
                            f"p99 {run.p99_ms:6.1f} ms"
                        )
    summaries = [summarise(app, "predict", runs[app]) for app in APPS]
    setup = (
        f"`POST /predict`, {os.cpu_count()} CPUs, Python {platform.python_version()}, one uvicorn "
        f"worker per app, wrk with 1 thread and {args.connections} connections, {args.rounds} "
        f"alternating rounds of {args.seconds:g} s per app "
        f"({datetime.now(UTC).date().isoformat()})."
    )
    table = Table(title="Access log middleware: the cost per request")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column == "app" else "right")
    for row in rows(summaries):
        table.add_row(*row)
    console.print(table)
    console.print(setup)
    if failed := sum(s.failed for s in summaries):
        sys.exit(f"{failed} requests failed (non-2xx or socket errors): these numbers are invalid.")
    args.docs_table.write_text(markdown(summaries, setup))
    console.print(f"Wrote {args.docs_table.resolve()}.")


if __name__ == "__main__":
    main()
