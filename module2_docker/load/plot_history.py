"""Plot a Locust run from its ``--csv`` history: users, throughput and latency over time.

    .venv/bin/python module1_api/load/plot_history.py results/steps   # -> results/steps.png

Reads ``<prefix>_stats_history.csv`` (one row a second per request name, plus "Aggregated") and
writes ``<prefix>.png``: the users on top, the requests per second, then the median and 95th
percentile latency. A step scenario shows where latency bends while throughput stops growing.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display needed (CI, a server, WSL)
import matplotlib.pyplot as plt


def read_history(prefix: Path) -> dict[str, list[float]]:
    """The Aggregated rows of ``<prefix>_stats_history.csv``, as columns of numbers."""
    path = Path(f"{prefix}_stats_history.csv")
    columns: dict[str, list[float]] = {"t": [], "users": [], "rps": [], "p50": [], "p95": []}
    with path.open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]
    if not rows:
        raise SystemExit(f"{path} has no Aggregated rows: did the run send any request?")
    start = int(rows[0]["Timestamp"])
    for row in rows:
        # "N/A" before the first answer: no latency yet, plotted as a gap.
        columns["t"].append(int(row["Timestamp"]) - start)
        columns["users"].append(float(row["User Count"]))
        columns["rps"].append(float(row["Requests/s"]))
        columns["p50"].append(float("nan") if row["50%"] == "N/A" else float(row["50%"]))
        columns["p95"].append(float("nan") if row["95%"] == "N/A" else float(row["95%"]))
    return columns


def plot(columns: dict[str, list[float]], out: Path) -> None:
    figure, (users, rps, latency) = plt.subplots(3, 1, sharex=True, figsize=(8, 7))
    users.step(columns["t"], columns["users"], where="post", color="tab:gray")
    users.set_ylabel("users")
    rps.plot(columns["t"], columns["rps"], color="tab:blue")
    rps.set_ylabel("requests/s")
    latency.plot(columns["t"], columns["p50"], label="median")
    latency.plot(columns["t"], columns["p95"], label="95th percentile")
    latency.set_ylabel("latency (ms)")
    latency.set_xlabel("seconds since the start")
    latency.legend()
    figure.suptitle("Load test: users, throughput and latency")
    figure.tight_layout()
    figure.savefig(out, dpi=100)
    plt.close(figure)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", type=Path, help="the --csv prefix of the run")
    parser.add_argument("--out", type=Path, help="the PNG to write (default: <prefix>.png)")
    args = parser.parse_args(argv)
    out = args.out or args.prefix.with_suffix(".png")
    plot(read_history(args.prefix), out)
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
