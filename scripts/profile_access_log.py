"""What the access log costs per ``POST /predict``, in-process (a report, not a test).

``make bench`` measures through wrk and uvicorn on a shared machine; this drives each app's
ASGI interface directly with a fake ``receive``/``send``, many times, interleaved (one call of
each app per round) so that whatever else the machine does weighs on all of them alike:

* the echo app (FastAPI validates the body and returns a constant: ``make bench``'s baseline);
* the reference API without its access log middleware;
* the reference API as it ships, its access log written to a real file (as a server's stdout is
  when its output is collected), so writing and flushing are counted;

and, alone, the steps of one access log line. Times are process CPU time (every thread counts,
so a log that hands its writing to another thread is not flattered), medians in µs.

    .venv/bin/python scripts/profile_access_log.py [--repeats 3000]
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.table import Table

from course.model_cli import ensure_model, model_dir_from_env
from course.paths import module1_app_dir

sys.path[:0] = [str(module1_app_dir()), str(Path(__file__).resolve().parent)]

from bench_api import bodies  # noqa: E402
from bench_apps import echo_app  # noqa: E402
from middleware_apps import bare_app, pure_asgi_app  # noqa: E402
from penguin_api.access_log import (  # noqa: E402
    BatchedLineHandler,
    _access_logger,
    access_line,
    log_access,
    request_id_from,
    with_request_id,
)
from profile_batch import asgi_request, console, cpu_us, lifespan_state  # noqa: E402

SCOPE: dict[str, Any] = {
    "type": "http",
    "method": "POST",
    "path": "/predict",
    "headers": [],
    "client": ("127.0.0.1", 50000),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3000, help="Timed calls per line.")
    args = parser.parse_args()
    model_dir = model_dir_from_env()
    ensure_model(model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        body = bodies(Path(tmp))["predict"].read_bytes()
        log_file = (Path(tmp) / "access.log").open("a")
        apps = {
            "echo": echo_app(),
            "reference, no access log": bare_app(),
            "reference with its access log": pure_asgi_app(),
        }
        # Where a server's stdout goes when its output is collected: a real file, not a TTY.
        logger = _access_logger()
        for handler in logger.handlers:
            if isinstance(handler, BatchedLineHandler):
                handler.stream = log_file
        lifespans = {name: lifespan_state(app) for name, app in apps.items()}
        gc.collect()
        gc.freeze()
        requests = {
            name: asgi_request(app, body, lifespans[name][0], "/predict")
            for name, app in apps.items()
        }
        started = time.perf_counter()
        line = access_line(SCOPE, 200, started, "0" * 32, 120)
        start_message = {"type": "http.response.start", "status": 200, "headers": []}
        steps = {
            "request_id_from(headers)": lambda: request_id_from([]),
            "with_request_id(start)": lambda: with_request_id(start_message, "0" * 32),
            "access_line(...)": lambda: access_line(SCOPE, 200, started, "0" * 32, 120),
            "logger.info(line)": lambda: logger.info(line),
            # What the middleware does: no LogRecord while the batched writer listens alone.
            "log_access(logger, line)": lambda: log_access(logger, line),
            # Skips findCaller's walk up the stack; the record is the same otherwise.
            "logger.handle(logger.makeRecord(...))": lambda: logger.handle(
                logger.makeRecord(logger.name, logging.INFO, "", 0, line, None, None)
            ),
        }
        end_to_end = cpu_us(requests, args.repeats, time.process_time_ns)
        by_step = cpu_us(steps, args.repeats, time.process_time_ns)
        for _, finish in lifespans.values():
            finish()
        for handler in logger.handlers:
            handler.flush()
        logged = (Path(tmp) / "access.log").read_text().count("\n")
    echo = end_to_end["echo"]
    table = Table(title=f"POST /predict in-process, CPU µs (median of {args.repeats}, interleaved)")
    for column in ("what", "µs", "vs echo", "requests/s on one core"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for name, value in end_to_end.items():
        table.add_row(name, f"{value:,.1f}", f"{echo / value:.0%}", f"{1e6 / value:,.0f}")
    table.add_section()
    for name, value in by_step.items():
        table.add_row(name, f"{value:,.2f}", "", "")
    console.print(table)
    console.print(f"{logged:,} access log lines written.")


if __name__ == "__main__":
    main()
