"""Instructor-only checks for exercise 6: what the 500 handler does besides answering."""

import logging
import secrets
from pathlib import Path

from course.grading import CheckFailure, check


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@check(
    id="errors-trace-logged",
    points=2,
    exercise="6. Errors",
    title="The 500 handler logs the exception with its trace on the server",
    hint="Hiding the trace from the client is half the job: the operator needs it. Log it "
    "with logger.exception(...) (or exc_info=exc) before answering the 500.",
    requires=["errors-no-stack-trace"],
)
def test_trace_logged(graded_dir: Path):
    from fastapi.testclient import TestClient
    from penguin_api.main import create_app

    marker = f"grader-{secrets.token_hex(4)}"

    async def broken() -> None:
        raise RuntimeError(marker)

    app = create_app()
    app.add_api_route(f"/{marker}", broken)
    records = _Records()
    # The app's own logger too: an app may stop its records from propagating to the root.
    loggers = {logging.getLogger(), logging.getLogger("penguin_api")}
    for logger in loggers:
        logger.addHandler(records)
    try:
        TestClient(app, raise_server_exceptions=False).get(f"/{marker}")
    finally:
        for logger in loggers:
            logger.removeHandler(records)
    logged = [
        r
        for r in set(records.records)
        if r.exc_info and r.exc_info[1] is not None and marker in str(r.exc_info[1])
    ]
    if not logged:
        raise CheckFailure(
            "no log record carries the exception that the endpoint raised",
            expected="a record logged with exc_info (logger.exception)",
            actual=f"{len(records.records)} records, none with the exception",
        )
