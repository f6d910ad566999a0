"""The reference API keeps its OpenAPI contract: schemathesis finds no failure.

Valid requests generated from the document (a bounded number per operation, the same ones on
every run) must get a documented status code and content type, and a body that matches the
documented schema, never a server error.
"""

from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from penguin_api.main import create_app
from penguin_api.settings import Settings

OPERATIONS = ["GET /health", "GET /ready", "GET /model", "POST /predict", "POST /predict/batch"]


@pytest.fixture(scope="session")
def api_schema(settings: Settings) -> schemathesis.schemas.BaseSchema:
    open_access = settings.model_copy(update={"api_keys": (), "api_keys_file": None})
    # The app runs on the session's freshly trained model, hence a fixture rather than the
    # module-level `@schema.parametrize()` the students write.
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(open_access))


def test_the_document_lists_every_operation(api_schema):
    found = [f"{op.ok().method.upper()} {op.ok().path}" for op in api_schema.get_all_operations()]
    assert sorted(found) == sorted(OPERATIONS)


def for_every_case(
    api_schema: schemathesis.schemas.BaseSchema,
    operation: str,
    mode: schemathesis.GenerationMode,
    examples: int,
    check: Callable[[schemathesis.Case], None],
) -> None:
    """Run `check` on generated cases of one operation: the same cases every run, so a failure
    reproduces, however slow the machine."""
    method, path = operation.split(" ")

    @given(case=api_schema[path][method].as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        check(case)

    run()


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_valid_request_gets_a_documented_answer(api_schema, operation: str) -> None:
    for_every_case(
        api_schema,
        operation,
        schemathesis.GenerationMode.POSITIVE,
        25,
        lambda case: case.call_and_validate(),
    )


def _refused(case: schemathesis.Case) -> None:
    response = case.call_and_validate()
    assert 400 <= response.status_code < 500, response.text


@pytest.mark.parametrize("operation", ["POST /predict", "POST /predict/batch"])
def test_every_invalid_request_is_refused_as_documented(api_schema, operation: str) -> None:
    # The prediction endpoints read their bodies themselves (penguin_body.py, batch_body.py):
    # bodies generated to break the schema must get a documented 4xx, never a 5xx.
    for_every_case(api_schema, operation, schemathesis.GenerationMode.NEGATIVE, 40, _refused)
