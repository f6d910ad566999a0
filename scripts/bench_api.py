"""``make bench``: the reference API against a constant, an echo and a naive app, side by side.

Starts four servers with the same uvicorn flags and worker count: ``constant`` (answers without
reading the body: what HTTP alone costs on this machine), ``echo`` (validates the body, returns a
constant: what the framework's validation costs), ``naive`` (a DataFrame and the scikit-learn
Pipeline per request) and ``reference`` (module 1's solution). Then drives each with wrk at the same
concurrency, in alternating rounds, on ``/predict`` (one penguin) and ``/predict/batch`` (1,000
penguins), and reports req/s, rows/s, p50/p99 and the ratios to echo.

This is a report, not a test: absolute numbers depend on the machine and on what else runs on
it. The ratios, measured in one run with the order rotated every round, are what to compare.

    .venv/bin/python scripts/bench_api.py [--rounds 3] [--seconds 4] [--connections 8]

Needs wrk (Debian/Ubuntu: ``apt-get install wrk``; macOS: ``brew install wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from course.model_cli import ensure_model, model_dir_from_env
from course.paths import is_full_edition, module1_app_dir
from shared_model.data import as_request, load_penguins

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "bench-results"
DOCS_TABLE = ROOT / "docs" / "module1" / "bench-results.md"
BATCH_ROWS = 1000
# Every server gets exactly these: one worker each, so each app has the same CPU to work with.
UVICORN_FLAGS = [
    "--factory",
    "--host",
    "127.0.0.1",
    "--workers",
    "1",
    "--no-access-log",
    "--log-level",
    "warning",
]
# The full edition benchmarks the reference solution; a student edition, the student's own app.
SERVED = "reference" if is_full_edition() else "yours"
APPS = {
    "constant": "bench_apps:constant_app",
    "echo": "bench_apps:echo_app",
    "naive": "bench_apps:naive_app",
    SERVED: "penguin_api.main:create_app",
}
ENDPOINTS = {"predict": "/predict", "batch": "/predict/batch"}
WRK_SCRIPT = """
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""
console = Console()


@dataclass(frozen=True)
class Run:
    """One wrk run against one app and endpoint."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failed: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bodies(out: Path) -> dict[str, Path]:
    """One real penguin, and 1,000 real ones (the data set's valid rows, repeated in order)."""
    frame = load_penguins()
    frame = frame.dropna(subset=[c for c in frame.columns if c != "sex"])
    rows = [as_request(row) for _, row in frame.drop(columns="species").iterrows()]
    batch = [rows[i % len(rows)] for i in range(BATCH_ROWS)]
    paths = {"predict": out / "predict.json", "batch": out / "batch.json"}
    paths["predict"].write_text(json.dumps(rows[0]))
    paths["batch"].write_text(json.dumps({"rows": batch}))
    return paths


@contextmanager
def servers(
    model_dir: Path,
    logs: Path,
    apps: dict[str, str] = APPS,
    flags: dict[str, list[str]] | None = None,
    envs: dict[str, dict[str, str]] | None = None,
) -> Iterator[dict[str, str]]:
    """Start every app at once; yield their base URLs; stop them however the bench ends.

    ``flags`` and ``envs`` replace the uvicorn flags or add environment variables per app name.
    """
    env = {
        **os.environ,
        "MODEL_DIR": str(model_dir),
        "PYTHONPATH": os.pathsep.join([str(module1_app_dir()), str(ROOT / "scripts")]),
        "APP_ENV": "development",
    }
    env.pop("API_KEYS", None)
    env.pop("API_KEYS_FILE", None)
    processes: list[subprocess.Popen[bytes]] = []
    urls: dict[str, str] = {}
    try:
        for name, factory in apps.items():
            port = free_port()
            log = (logs / f"{name}.log").open("wb")
            app_flags = (flags or {}).get(name, UVICORN_FLAGS)
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "uvicorn", factory, *app_flags, "--port", str(port)],
                    env={**env, **(envs or {}).get(name, {})},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls[name] = f"http://127.0.0.1:{port}"
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_ready(urls: dict[str, str], body: Path, logs: Path, timeout_s: float = 120) -> None:
    """Every app answers 200 to the real request (so its model, if any, is loaded)."""
    deadline = time.monotonic() + timeout_s
    pending = dict(urls)
    content = body.read_bytes()
    headers = {"content-type": "application/json"}
    while pending:
        for name, url in list(pending.items()):
            try:
                response = httpx.post(f"{url}/predict", content=content, headers=headers)
            except httpx.TransportError:
                continue
            if response.status_code != 200:
                sys.exit(f"{name} answered {response.status_code}: {response.text[:300]}")
            del pending[name]
        if time.monotonic() > deadline:
            for name in pending:
                console.print((logs / f"{name}.log").read_text()[-2000:])
            sys.exit(f"{', '.join(pending)} did not start within {timeout_s:.0f} s")
        time.sleep(0.2)


def wrk(url: str, script: Path, body: Path, seconds: float, connections: int) -> Run:
    result = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds:g}s",
            "--timeout",
            "10s",
            "--script",
            str(script),
            url,
        ],
        env={**os.environ, "BENCH_BODY": str(body)},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("BENCH "))
    requests, duration_us, p50, p99, status_errors, socket_errors = map(int, line.split()[1:])
    return Run(
        requests=requests,
        seconds=duration_us / 1e6,
        p50_ms=p50 / 1000,
        p99_ms=p99 / 1000,
        failed=status_errors + socket_errors,
    )


@dataclass(frozen=True)
class Summary:
    app: str
    endpoint: str
    rps: float
    rows_per_s: float
    p50_ms: float
    p99_ms: float
    failed: int
    rounds: int


def summarise(app: str, endpoint: str, runs: list[Run]) -> Summary:
    rows = BATCH_ROWS if endpoint == "batch" else 1
    rps = sum(r.requests for r in runs) / sum(r.seconds for r in runs)
    return Summary(
        app=app,
        endpoint=endpoint,
        rps=rps,
        rows_per_s=rps * rows,
        # wrk's percentiles cannot be merged across runs; the median round is the robust figure.
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        failed=sum(r.failed for r in runs),
        rounds=len(runs),
    )


def markdown(summaries: list[Summary], setup: str) -> str:
    echo = {s.endpoint: s for s in summaries if s.app == "echo"}
    lines = [
        "| endpoint | app | req/s | rows/s | p50 ms | p99 ms | req/s vs echo | p99 vs echo |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summaries:
        base = echo[s.endpoint]
        lines.append(
            f"| `{ENDPOINTS[s.endpoint]}` | {s.app} | {s.rps:,.0f} | {s.rows_per_s:,.0f} | "
            f"{s.p50_ms:.1f} | {s.p99_ms:.1f} | {s.rps / base.rps:.0%} | "
            f"{s.p99_ms / base.p99_ms:.2f}x |"
        )
    return "\n".join(lines) + f"\n\n{setup}\n"


def print_table(summaries: list[Summary], title: str) -> None:
    echo = {s.endpoint: s for s in summaries if s.app == "echo"}
    table = Table(title=title)
    for column in ("endpoint", "app", "req/s", "rows/s", "p50 ms", "p99 ms", "vs echo", "p99/echo"):
        table.add_column(column, justify="left" if column in ("endpoint", "app") else "right")
    for s in summaries:
        base = echo[s.endpoint]
        table.add_row(
            ENDPOINTS[s.endpoint],
            s.app,
            f"{s.rps:,.0f}",
            f"{s.rows_per_s:,.0f}",
            f"{s.p50_ms:.1f}",
            f"{s.p99_ms:.1f}",
            f"{s.rps / base.rps:.0%}",
            f"{s.p99_ms / base.p99_ms:.2f}x",
        )
    console.print(table)


def plot(summaries: list[Summary], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display needed: the bench runs in terminals and CI
    import matplotlib.pyplot as plt

    # The constant app is in the table only: its bars would flatten every other one.
    apps = [app for app in APPS if app != "constant"]
    colours = {"echo": "#9e9e9e", "naive": "#e57373", SERVED: "#3f51b5"}
    panels = [
        ("predict", "rps", "/predict: requests/s"),
        ("predict", "p99_ms", "/predict: p99 latency (ms)"),
        ("batch", "rows_per_s", "/predict/batch: rows/s"),
        ("batch", "p99_ms", "/predict/batch: p99 latency (ms)"),
    ]
    measured = {s.endpoint for s in summaries}
    panels = [panel for panel in panels if panel[0] in measured]
    figure, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4), squeeze=False)
    for ax, (endpoint, field, label) in zip(axes[0], panels, strict=True):
        values = [
            getattr(next(s for s in summaries if s.app == a and s.endpoint == endpoint), field)
            for a in apps
        ]
        ax.bar(apps, values, color=[colours[a] for a in apps])
        ax.set_title(label)
        for x, value in enumerate(values):
            text = f"{value:,.0f}" if value >= 100 else f"{value:.1f}"
            ax.annotate(text, (x, value), ha="center", va="bottom")
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="Alternating rounds per endpoint.")
    parser.add_argument("--seconds", type=float, default=4.0, help="Duration of one wrk run.")
    parser.add_argument("--connections", type=int, default=8, help="Concurrent connections.")
    parser.add_argument(
        "--endpoints", nargs="+", choices=list(ENDPOINTS), default=list(ENDPOINTS), help="Which."
    )
    parser.add_argument("--docs-table", type=Path, default=DOCS_TABLE, help="Markdown output.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit(
            "make bench needs wrk, an HTTP load generator: `sudo apt-get install wrk` "
            "(Debian/Ubuntu) or `brew install wrk` (macOS)."
        )
    model_dir = model_dir_from_env()
    ensure_model(model_dir)
    OUT_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    runs: dict[tuple[str, str], list[Run]] = {}
    # Other work on the machine moves the absolute numbers: the table says how busy it was.
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        script = work / "post.lua"
        script.write_text(WRK_SCRIPT)
        body = bodies(work)
        with servers(model_dir, work) as urls:
            console.print(f"Starting {', '.join(urls)} (one uvicorn worker each)...")
            wait_ready(urls, body["predict"], work)
            for endpoint in args.endpoints:
                path = ENDPOINTS[endpoint]
                for url in urls.values():  # warm-up: first-request costs are not measured
                    wrk(url + path, script, body[endpoint], 1, args.connections)
                for round_no in range(args.rounds):
                    # Rotate the order every round, so no app always runs first or last.
                    names = list(urls)
                    names = names[round_no % len(names) :] + names[: round_no % len(names)]
                    for name in names:
                        url = urls[name] + path
                        run = wrk(url, script, body[endpoint], args.seconds, args.connections)
                        runs.setdefault((name, endpoint), []).append(run)
                        console.print(
                            f"  round {round_no + 1} {path:<15} {name:<9} {run.rps:8,.0f} req/s "
                            f"p99 {run.p99_ms:6.1f} ms"
                        )
    summaries = [summarise(app, ep, runs[(app, ep)]) for ep in args.endpoints for app in APPS]
    setup = (
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, one uvicorn worker per app, "
        f"wrk with 1 thread and {args.connections} connections, {args.rounds} alternating rounds "
        f"of {args.seconds:g} s per app and endpoint, batches of {BATCH_ROWS:,} rows, "
        f"load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after the run "
        f"({datetime.now(UTC).date().isoformat()})."
    )
    title = f"make bench {stamp}"
    print_table(summaries, title)
    console.print(setup)
    failed = sum(s.failed for s in summaries)
    if failed:
        sys.exit(f"{failed} requests failed (non-2xx or socket errors): these numbers are invalid.")
    png = OUT_DIR / f"bench-{stamp}.png"
    plot(summaries, png, title)
    (OUT_DIR / f"bench-{stamp}.json").write_text(
        json.dumps([s.__dict__ for s in summaries], indent=2) + "\n"
    )
    console.print(f"Wrote {png.relative_to(ROOT)}.")
    if set(args.endpoints) == set(ENDPOINTS):  # the lesson's table shows complete runs only
        args.docs_table.write_text(markdown(summaries, setup))
        console.print(f"Wrote {args.docs_table.resolve()}.")


if __name__ == "__main__":
    main()
