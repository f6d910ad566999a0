"""Instructor-only: the answer key of the "ways to expose a model" questions (exercise 1)."""

from pathlib import Path

from course.grading import check
from course.grading.answers import expect_answers, load_answers

# Why each answer is right, for the instructor who discusses them in class:
#   warehouse: nobody waits on one row; a job reading and writing the table beats 40 M calls.
#   checkout: one answer per request, synchronous, callers in any language: plain HTTP + JSON.
#   internal_rpc: high rate, both ends in-house, a compiled contract: gRPC's home ground.
#   live_captions: the answer is a stream that starts before the question ends.
KEY = {
    "warehouse": "batch",
    "checkout": "rest",
    "internal_rpc": "grpc",
    "live_captions": "streaming",
    "most_cases": "rest",
}


@check(
    id="expose-answers",
    points=3,
    exercise="1. HTTP and the network",
    title="answers/http.toml [expose]: the right way to expose the model in each case",
    hint="Ask of each case: does a caller wait for one answer (REST), does nobody wait "
    "(batch), is it in-house at a high rate with a compiled contract (gRPC), or does the "
    "answer flow while the question is still being asked (streaming)?",
    kind="static",
)
def test_expose_answers(graded_dir: Path):
    given = load_answers(graded_dir, "answers/http.toml", "expose")
    expect_answers(
        "answers/http.toml",
        "expose",
        given,
        KEY,
        help='Each answer is one of "batch", "rest", "grpc" or "streaming".',
    )
