"""The access log's shortcut past `logging` must change nothing anybody can observe.

`log_access` hands a line straight to the `BatchedLineHandler` only while it is the logger's
one listener; any other handler or filter gets every record through `logging` as usual.
"""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from penguin_api.access_log import BatchedLineHandler, log_access


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("tests.access-log-writer")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.filters.clear()


def lines(n: int) -> list[str]:
    return [json.dumps({"path": f"/predict/{i}", "status": 200}) for i in range(n)]


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_the_writer_alone_gets_every_line_in_order(logger):
    stream = io.StringIO()
    writer = BatchedLineHandler(stream, max_lines=4)
    logger.addHandler(writer)
    sent = lines(10)
    for line in sent:
        log_access(logger, line)
    assert stream.getvalue().splitlines() == sent[:8]  # two full batches written at once
    writer.flush()
    assert stream.getvalue().splitlines() == sent


def test_another_handler_sees_every_record_too(logger):
    stream = io.StringIO()
    writer = BatchedLineHandler(stream)
    collect = Collect()
    logger.addHandler(writer)
    logger.addHandler(collect)
    sent = lines(3)
    for line in sent:
        log_access(logger, line)
    writer.flush()
    assert collect.messages == sent
    assert stream.getvalue().splitlines() == sent


def test_a_filter_still_filters(logger):
    stream = io.StringIO()
    writer = BatchedLineHandler(stream)
    logger.addHandler(writer)
    logger.addFilter(lambda record: "/predict/1" not in record.getMessage())
    for line in lines(3):
        log_access(logger, line)
    writer.flush()
    assert [json.loads(line)["path"] for line in stream.getvalue().splitlines()] == [
        "/predict/0",
        "/predict/2",
    ]


def test_a_writer_set_above_info_writes_nothing(logger):
    stream = io.StringIO()
    writer = BatchedLineHandler(stream)
    writer.setLevel(logging.WARNING)
    logger.addHandler(writer)
    log_access(logger, lines(1)[0])
    writer.flush()
    assert stream.getvalue() == ""
