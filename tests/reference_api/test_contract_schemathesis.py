"""The reference API keeps its OpenAPI contract: schemathesis finds no failure.

Valid requests generated from the document (a bounded number per operation, the same ones on
every run) must get a documented status code and content type, and a body that matches the
documented schema, never a server error.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from penguin_api.main import create_app
from penguin_api.settings import Settings

# The same requests every run (a failure reproduces), however slow the machine.
REPRODUCIBLE = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": list(HealthCheck),
    "database": None,
}
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


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_valid_request_gets_a_documented_answer(api_schema, operation: str) -> None:
    method, path = operation.split(" ")
    strategy = api_schema[path][method].as_strategy(
        generation_mode=schemathesis.GenerationMode.POSITIVE
    )

    @given(case=strategy)
    @settings(max_examples=25, **REPRODUCIBLE)
    def keeps_the_contract(case: schemathesis.Case) -> None:
        case.call_and_validate()

    keeps_the_contract()


@pytest.mark.parametrize("operation", ["POST /predict", "POST /predict/batch"])
def test_every_invalid_request_is_refused_as_documented(api_schema, operation: str) -> None:
    # The prediction endpoints read their bodies themselves (penguin_body.py, batch_body.py):
    # bodies generated to break the schema must get a documented 4xx, never a 5xx.
    method, path = operation.split(" ")
    strategy = api_schema[path][method].as_strategy(
        generation_mode=schemathesis.GenerationMode.NEGATIVE
    )

    @given(case=strategy)
    @settings(max_examples=40, **REPRODUCIBLE)
    def is_refused(case: schemathesis.Case) -> None:
        response = case.call_and_validate()
        assert 400 <= response.status_code < 500, response.text

    is_refused()
