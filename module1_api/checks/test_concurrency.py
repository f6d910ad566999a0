"""Checks for exercise 10: big CPU-bound batches do not stop the server answering."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from course.grading import CheckFailure, check, expect_equal
from course.grading.api_fixtures import APP_FACTORY
from course.grading.health_under_load import (
    BIG_BATCH_ENV,
    BIG_BATCH_ROWS,
    batch_body,
    big_batch_rows,
    judge_health,
    probe_health_during_batch,
)
from course.grading.limits import scaled
from course.grading.live import ServerDidNotStartError, serve_app

CONCURRENCY = "10. Concurrency"


@pytest.fixture(scope="module")
def big_batch_url(graded_dir: Path) -> Iterator[str]:
    """The graded app as a real server that accepts 50,000-row batches."""
    try:
        with serve_app(graded_dir, env=BIG_BATCH_ENV, deadline_s=scaled(60.0)) as (url, _):
            yield url
    except ServerDidNotStartError as exc:
        raise CheckFailure(
            f"the app did not start with MAX_BATCH_ROWS={BIG_BATCH_ROWS}: {exc}",
            help=f"Try it: MAX_BATCH_ROWS={BIG_BATCH_ROWS} uvicorn {APP_FACTORY} --factory",
        ) from None


@pytest.fixture(scope="module")
def big_batch() -> tuple[list[dict[str, Any]], bytes]:
    rows = big_batch_rows()
    return rows, batch_body(rows)


@check(
    id="big-batch-answers",
    points=3,
    exercise=CONCURRENCY,
    title="A 50,000-row batch gets every row's prediction, right and in order",
    hint="Serve with MAX_BATCH_ROWS=50000 and post 50,000 rows: the answer must hold one "
    "prediction per row, in the order of the rows, as for a small batch.",
    requires=["predict-over-http", "predict-batch"],
    kind="live",
    timeout=120,
)
def test_big_batch_answers(big_batch_url: str, big_batch, served_model):
    import httpx
    import numpy as np

    rows, body = big_batch
    response = httpx.post(
        f"{big_batch_url}/predict/batch",
        content=body,
        headers={"content-type": "application/json"},
        timeout=scaled(60.0),
    )
    expect_equal(response.status_code, 200, "The status code for a 50,000-row batch")
    predictions = response.json().get("predictions") or []
    expect_equal(len(predictions), len(rows), "The number of predictions")
    expected = served_model.predict_proba(rows)
    classes = list(served_model.classes)
    got = np.array([[p["probabilities"][c] for c in classes] for p in predictions])
    wrong = np.flatnonzero(np.abs(got - expected).max(axis=1) > 1e-6)
    if wrong.size:
        first = int(wrong[0])
        raise CheckFailure(
            f"{wrong.size} of {len(rows)} predictions differ from the model's (rows out of "
            "order, or scored differently)",
            expected={
                "row": first,
                "probabilities": dict(zip(classes, expected[first], strict=True)),
            },
            actual={"row": first, "probabilities": predictions[first]["probabilities"]},
            help="Score the rows with the same _predictions as small batches and keep their order.",
        )
    species = [classes[i] for i in expected.argmax(axis=1)]
    mismatched = [i for i, p in enumerate(predictions) if p["species"] != species[i]]
    if mismatched:
        raise CheckFailure(
            f"{len(mismatched)} predictions name another species than their most probable one",
            expected=species[mismatched[0]],
            actual=predictions[mismatched[0]]["species"],
            help="The species is the class with the highest probability, as for /predict.",
        )


@check(
    id="health-during-big-batch",
    points=4,
    exercise=CONCURRENCY,
    title="GET /health answers fast while a 50,000-row batch is being scored",
    hint="Everything a 50,000-row batch costs (JSON parsing, validation, scoring, "
    "serialisation) holds the GIL: run the lab (`make concurrency-lab`) and give big bodies to a "
    "process pool (request.state.batch_pool in predict_batch, score_batch_body in the worker).",
    requires=["big-batch-answers"],
    kind="live",
    timeout=120,
)
def test_health_during_big_batch(big_batch_url: str, big_batch):
    _, body = big_batch
    judge_health(probe_health_during_batch(big_batch_url, body, timeout_s=scaled(60.0)))
