"""Big batches (MAX_BATCH_ROWS raised, as in the concurrency lab) scored in worker processes.

Where the time of a 50,000-row batch goes (``scripts/concurrency_lab.py`` measures it): parsing
and validating the JSON and writing the answer are Python
work that holds the GIL; only the matrix arithmetic in numpy releases it. In a thread, that work
still stops the event loop (a single ``validate_json`` call holds the GIL for its whole length),
so ``/health`` waits. In another process it does not: the server hands the raw body to a worker
and gets the response bytes back, and its event loop only moves bytes.

The pool exists only when big batches are allowed, and its workers load the model once, when the
app starts, so the first big batch does not pay for it and ``/ready`` means ready.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi.exceptions import RequestValidationError

from penguin_api.batch_body import batch_reader
from penguin_api.routes import INLINE_BATCH_ROWS
from penguin_api.schemas import build_models
from penguin_api.settings import Settings
from shared_model import LoadedModel
from shared_model.fast import Columns, load_fast_model

# Bodies bigger than this go to the pool: 1,000 real penguins are ~140 kB of JSON, so this
# keeps every batch the default limit allows on the fast inline path.
INLINE_BODY_BYTES = 256 * 1024

# Set in each worker process by _start_worker: the model, and the batch body reader the request
# path uses too (penguin_api.batch_body), so a big batch is validated by the very same rules.
_worker: tuple[LoadedModel, Callable[[bytes, str | None], Columns]] | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    _worker = (
        load_fast_model(settings.model_dir),
        batch_reader(build_models(settings.max_batch_rows)),
    )


def _worker_pid() -> int:
    # Sleeps a little, so that concurrent warm-up tasks land on different workers.
    time.sleep(0.05)
    return os.getpid()


def score_batch_body(body: bytes, content_type: str | None) -> tuple[bytes | None, list[Any]]:
    """In a worker: the JSON response for a batch body, or FastAPI's errors for a bad one."""
    assert _worker is not None, "the pool's initializer has not run"
    from penguin_api.routes import _batch_response

    model, read = _worker
    try:
        columns = read(body, content_type)
    except RequestValidationError as error:
        return None, list(error.errors())
    return bytes(_batch_response(model, columns).body), []


def worker_count() -> int:
    # Half the CPUs: the other half keeps the event loop (and /health) answering, and each
    # worker holds a copy of the model and the libraries in memory.
    return max(1, (os.cpu_count() or 2) // 2)


class BigBatchPool:
    """A process pool that scores raw batch bodies; one per app, alive as long as its lifespan."""

    def __init__(self, settings: Settings, workers: int) -> None:
        # spawn, not fork: forking a server that already runs threads (the thread pool, the
        # event loop's helpers) can copy a lock held by another thread and deadlock the child.
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(settings,),
        )
        self.workers = workers
        self.inline_body_bytes = INLINE_BODY_BYTES
        self.warming: list[Future[int]] = []

    def start(self) -> None:
        """Start every worker now (each loads the model), rather than on the first big batch."""
        # Concurrent tasks, so that the pool starts all its processes, not one.
        self.warming = [self.executor.submit(_worker_pid) for _ in range(self.workers)]

    async def started(self) -> None:
        """Wait until every worker has loaded the model (a worker that cannot, raises here)."""
        await asyncio.gather(*(asyncio.wrap_future(f) for f in self.warming))

    async def score(self, body: bytes, content_type: str | None) -> bytes:
        """The response body for a batch; raises FastAPI's validation error for a bad one."""
        loop = asyncio.get_running_loop()
        scored, errors = await loop.run_in_executor(
            self.executor, score_batch_body, body, content_type
        )
        if scored is None:
            raise RequestValidationError(errors)
        return scored


@asynccontextmanager
async def big_batch_pool(settings: Settings) -> AsyncIterator[BigBatchPool | None]:
    """A started pool when MAX_BATCH_ROWS allows big batches, else None; shut down on exit."""
    # With MAX_BATCH_ROWS at most INLINE_BATCH_ROWS, every batch is scored inline: no pool.
    if settings.max_batch_rows <= INLINE_BATCH_ROWS:
        yield None
        return
    pool = BigBatchPool(settings, worker_count())
    try:
        pool.start()
        yield pool
    finally:
        # cancel_futures: a server that stops does not finish scoring batches nobody awaits.
        pool.executor.shutdown(wait=True, cancel_futures=True)
