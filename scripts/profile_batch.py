"""Where a 1,000-row ``POST /predict/batch`` spends its CPU time, in-process (a report, not a test).

wrk on a shared machine measures the machine as much as the app. This times the same work
in-process instead, on the body ``make bench`` sends (1,000 real penguins), as CPU time of the
calling thread per request, repeated and summarised by the median:

* stage by stage, the way the reference worked before (the precise path: ``validate_json`` into
  dicts, a dict per prediction, ``to_json``) and the way it works now (``ColumnarBatchCheck``,
  scoring from columns, ``batch_response_json``), with FastAPI's own parsing (what the echo app
  pays) beside them;
* end to end through each app's ASGI interface (routing, dependencies, middleware, response),
  without the HTTP server: the echo app, the reference, and an app that returns constant bytes.

    .venv/bin/python scripts/profile_batch.py [--repeats 300]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from course.model_cli import ensure_model, model_dir_from_env
from course.paths import module1_app_dir

sys.path[:0] = [str(module1_app_dir()), str(Path(__file__).resolve().parent)]

from bench_api import bodies  # noqa: E402
from bench_apps import constant_app, echo_app  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from penguin_api.batch_body import ColumnarBatchCheck, _row_limits  # noqa: E402
from penguin_api.batch_response import batch_response_json  # noqa: E402
from penguin_api.main import create_app  # noqa: E402
from penguin_api.routes import _predictions  # noqa: E402
from penguin_api.schemas import build_models  # noqa: E402
from penguin_api.settings import Settings  # noqa: E402
from pydantic_core import to_json  # noqa: E402

from shared_model.fast import load_fast_model  # noqa: E402

console = Console()


def cpu_us(
    works: dict[str, Callable[[], Any]],
    repeats: int,
    clock: Callable[[], int] = time.thread_time_ns,
) -> dict[str, float]:
    """Median CPU time of one call of each, in µs (thread time: other processes do not count;
    ``time.process_time_ns`` also counts the work a call hands to other threads).

    The calls are interleaved, one of each per round, so that whatever else the machine does
    weighs on all of them alike: their ratios are what to read.
    """
    for work in works.values():
        work()  # first-call costs (caches, lazy imports) are not what a server pays per request
    times: dict[str, list[int]] = {name: [] for name in works}
    for _ in range(repeats):
        for name, work in works.items():
            start = clock()
            work()
            times[name].append(clock() - start)
    return {name: statistics.median(values) / 1000 for name, values in times.items()}


def asgi_request(
    app: Any, body: bytes, state: dict[str, Any], path: str = "/predict/batch"
) -> Callable[[], None]:
    """One POST to ``path`` through the app's ASGI interface, as uvicorn would call it."""
    loop = asyncio.new_event_loop()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }

    async def call() -> None:
        status: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app({**scope, "state": dict(state)}, receive, send)
        if status != [200]:
            raise SystemExit(f"the app answered {status}, not 200")

    return lambda: loop.run_until_complete(call())


def lifespan_state(app: FastAPI) -> tuple[dict[str, Any], Callable[[], None]]:
    """Run the app's lifespan up to its yield: its state, and how to finish it."""
    loop = asyncio.new_event_loop()
    context = app.router.lifespan_context(app)
    state = loop.run_until_complete(context.__aenter__()) or {}
    return dict(state), lambda: loop.run_until_complete(context.__aexit__(None, None, None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=300, help="Timed calls per line.")
    args = parser.parse_args()
    model_dir = model_dir_from_env()
    ensure_model(model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        body = bodies(Path(tmp))["batch"].read_bytes()
    settings = Settings(model_dir=model_dir)
    models = build_models(settings.max_batch_rows)
    model = load_fast_model(model_dir)
    check = ColumnarBatchCheck(*_row_limits(models.batch_request))
    rows = models.batch_rows.validate_json(body)["rows"]
    columns = check(body)
    assert columns is not None, "the bench body must take the columnar path"
    probabilities = model.predict_proba_columns(columns)
    old_answer = to_json({"predictions": _predictions(model, rows), "model_version": model.version})
    new_answer = batch_response_json(probabilities, model.classes, model.version)
    assert new_answer == old_answer, "the two ways of writing the answer disagree"

    reference = create_app(settings)
    state, finish = lifespan_state(reference)  # loads the model and freezes the GC, as served
    gc.collect()
    gc.freeze()
    r = args.repeats
    answer = {"predictions": _predictions(model, rows), "model_version": model.version}
    stages: dict[tuple[str, str], Callable[[], Any]] = {
        ("FastAPI (echo)", "json.loads"): lambda: json.loads(body),
        ("FastAPI (echo)", "json.loads + validate into 1,000 models"): lambda: (
            models.batch_request.model_validate(json.loads(body))
        ),
        ("before", "validate_json into dicts"): lambda: models.batch_rows.validate_json(body),
        ("before", "score (records to columns, numpy)"): lambda: model.predict_proba(rows),
        ("before", "score + 2,000 answer dicts"): lambda: _predictions(model, rows),
        ("before", "to_json of the dicts"): lambda: to_json(answer),
        ("after", "ColumnarBatchCheck (parse + check)"): lambda: check(body),
        ("after", "score from columns"): lambda: model.predict_proba_columns(columns),
        ("after", "batch_response_json"): lambda: batch_response_json(
            probabilities, model.classes, model.version
        ),
    }
    timed = cpu_us({f"{who}|{stage}": work for (who, stage), work in stages.items()}, r)
    us = {tuple(key.split("|")): value for key, value in timed.items()}
    before = sum(
        us[("before", stage)]
        for stage in (
            "validate_json into dicts",
            "score + 2,000 answer dicts",
            "to_json of the dicts",
        )
    )
    after = sum(value for (who, _), value in us.items() if who == "after")
    table = Table(title=f"1,000-row batch, CPU µs per request (median of {r}, interleaved)")
    for column in ("path", "stage", "µs"):
        table.add_column(column, justify="right" if column == "µs" else "left")
    for (who, stage), value in us.items():
        table.add_row(who, stage, f"{value:,.0f}")
    table.add_row("before", "[b]total[/b]", f"[b]{before:,.0f}[/b]")
    table.add_row("after", "[b]total[/b]", f"[b]{after:,.0f}[/b]", end_section=True)
    table.add_row("", "after / before", f"{after / before:.0%}")
    console.print(table)

    apps: dict[str, tuple[Any, dict[str, Any]]] = {
        "constant bytes, body not read": (constant_app(), {}),
        "echo (FastAPI validates, returns a constant)": (echo_app(), {}),
        "reference": (reference, state),
    }
    end_to_end = Table(title="POST /predict/batch through the ASGI app (no HTTP server)")
    for column in ("app", "CPU µs per request", "requests/s on one core", "rows/s"):
        end_to_end.add_column(column, justify="left" if column == "app" else "right")
    requests = cpu_us({name: asgi_request(app, body, st) for name, (app, st) in apps.items()}, r)
    for name, value in requests.items():
        end_to_end.add_row(name, f"{value:,.0f}", f"{1e6 / value:,.0f}", f"{1e9 / value:,.0f}")
    console.print(end_to_end)
    finish()


if __name__ == "__main__":
    main()
