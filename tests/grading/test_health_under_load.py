"""The /health-during-a-big-batch verdict passes the reference and fails a naive copy of it."""

import shutil
from pathlib import Path

import pytest

from course.grading import CheckFailure
from course.grading.health_under_load import (
    BIG_BATCH_ENV,
    batch_body,
    big_batch_rows,
    judge_health,
    probe_health_during_batch,
)
from course.grading.live import serve_app
from course.paths import MODULE1, SOLUTIONS

POOL_SWITCH = "    if settings.max_batch_rows <= INLINE_BATCH_ROWS:\n"


@pytest.fixture(scope="module")
def body() -> bytes:
    return batch_body(big_batch_rows())


@pytest.fixture(scope="module")
def naive_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference with its process pool switched off: every batch blocks the event loop."""
    folder = tmp_path_factory.mktemp("naive") / MODULE1
    shutil.copytree(SOLUTIONS / MODULE1 / "penguin_api", folder / "penguin_api")
    source = folder / "penguin_api" / "big_batches.py"
    text = source.read_text()
    assert POOL_SWITCH in text, "the reference no longer decides on its pool this way"
    source.write_text(text.replace(POOL_SWITCH, "    if True:  # naive: no pool, ever\n"))
    return folder


def test_a_batch_scored_on_the_event_loop_fails(naive_copy: Path, body: bytes, model_dir: Path):
    env = {**BIG_BATCH_ENV, "MODEL_DIR": str(model_dir)}
    with serve_app(naive_copy, env=env, deadline_s=120) as (url, _):
        seen = probe_health_during_batch(url, body, timeout_s=120)
    assert seen.batch_status == 200
    with pytest.raises(CheckFailure, match="blocks the event loop"):
        judge_health(seen)


def test_the_reference_passes(body: bytes, model_dir: Path):
    env = {**BIG_BATCH_ENV, "MODEL_DIR": str(model_dir)}
    with serve_app(SOLUTIONS / MODULE1, env=env, deadline_s=120) as (url, _):
        seen = probe_health_during_batch(url, body, timeout_s=120)
    judge_health(seen)
    # Not a speed limit: a sanity bound, far above what the reference needs.
    assert seen.slowest_health < seen.batch_seconds
