"""/predict/batch validates its body itself: it must answer exactly what FastAPI would have.

The comparison app declares the batch model as an ordinary FastAPI body parameter, with the same
problem handlers; every body below must get the same status, content type and problem from both.
"""

import json
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from penguin_api.batch_body import ColumnarBatchCheck, _row_limits
from penguin_api.batch_response import batch_response_json
from penguin_api.main import create_app
from penguin_api.routes import INLINE_BATCH_ROWS, _batch_response, _predictions
from penguin_api.schemas import build_models
from penguin_api.settings import Settings
from pydantic import ValidationError
from pydantic_core import to_json

from shared_model import SCHEMA
from shared_model.data import load_penguins
from shared_model.fast import ROW_WISE_BELOW, Columns, load_fast_model
from tests.reference_api.penguins import as_request, expected_predictions, first_of_each_species

_, GOOD = first_of_each_species()[0]
JSON = "application/json"


def rows_body(*rows: Any, **extra: Any) -> bytes:
    return json.dumps({"rows": list(rows), **extra}).encode()


BODIES: list[tuple[str, bytes, str | None]] = [
    ("valid", rows_body(GOOD, {**GOOD, "sex": None}), JSON),
    ("valid-sex-omitted", rows_body({k: v for k, v in GOOD.items() if k != "sex"}), JSON),
    ("valid-charset", rows_body(GOOD), "application/json; charset=utf-8"),
    ("valid-plus-json", rows_body(GOOD), "application/vnd.penguins+json"),
    ("empty-body", b"", JSON),
    ("no-content-type", rows_body(GOOD), None),
    ("text-plain", rows_body(GOOD), "text/plain"),
    ("form", rows_body(GOOD), "application/x-www-form-urlencoded"),
    ("not-json", b"rows=1", JSON),
    ("truncated", rows_body(GOOD)[:-3], JSON),
    ("array", b"[1, 2]", JSON),
    ("null", b"null", JSON),
    ("empty-object", b"{}", JSON),
    ("empty-rows", rows_body(), JSON),
    ("too-many-rows", rows_body(*[GOOD] * 1001), JSON),
    ("rows-object", b'{"rows": {"a": 1}}', JSON),
    ("rows-null", b'{"rows": null}', JSON),
    ("row-not-object", rows_body(GOOD, 1), JSON),
    ("extra-top-level", rows_body(GOOD, note="hi"), JSON),
    ("bad-island", rows_body(GOOD, {**GOOD, "island": "Mars"}), JSON),
    ("nan", rows_body(GOOD, {**GOOD, "bill_length_mm": float("nan")}), JSON),
    ("string-number", rows_body({**GOOD, "body_mass_g": "4000"}), JSON),
    ("boolean-number", rows_body({**GOOD, "body_mass_g": True}), JSON),
    ("out-of-range", rows_body({**GOOD, "flipper_length_mm": 10}), JSON),
    ("missing-field", rows_body({k: v for k, v in GOOD.items() if k != "island"}), JSON),
    ("extra-field", rows_body({**GOOD, "colour": "black"}), JSON),
    ("many-bad-rows", rows_body(*[{**GOOD, "island": "Mars", "sex": "?"}] * 3), JSON),
    ("utf-16", json.dumps({"rows": [GOOD]}).encode("utf-16"), JSON),
    ("not-text", b"\x80\x81" + rows_body(GOOD), JSON),
    ("nested-too-deep", b'{"rows": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", JSON),
]


@pytest.mark.parametrize(
    ("content", "content_type"), [b[1:] for b in BODIES], ids=[b[0] for b in BODIES]
)
def test_batch_body_errors_are_fastapis(client, plain_client, content, content_type):
    headers = {"content-type": content_type} if content_type else {}
    ours = client.post("/predict/batch", content=content, headers=headers)
    theirs = plain_client.post("/predict/batch", content=content, headers=headers)
    assert ours.status_code == theirs.status_code
    if theirs.status_code == 200:
        assert len(ours.json()["predictions"]) == theirs.json()["rows"]
        return
    assert ours.headers["content-type"] == theirs.headers["content-type"]
    assert ours.json() == theirs.json()


def test_batch_request_is_still_documented(client):
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/predict/batch"]["post"]["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/BatchRequest"}
    batch = spec["components"]["schemas"]["BatchRequest"]
    assert batch["properties"]["rows"]["items"] == {"$ref": "#/components/schemas/Penguin"}
    assert batch["additionalProperties"] is False
    assert batch["examples"][0]["rows"][0] == first_of_each_species()[0][1]


def test_a_batch_above_the_inline_limit_is_scored_in_the_thread_pool(model_dir, loaded_model):
    # Same answers on both sides of INLINE_BATCH_ROWS: only where the work runs differs.
    settings = Settings(model_dir=model_dir, max_batch_rows=INLINE_BATCH_ROWS + 10)
    rows = [GOOD, {**GOOD, "sex": None}] * ((INLINE_BATCH_ROWS + 10) // 2)
    assert len(rows) > INLINE_BATCH_ROWS
    with TestClient(create_app(settings)) as big:
        response = big.post("/predict/batch", json={"rows": rows})
    assert response.status_code == 200
    assert response.json() == {
        "predictions": expected_predictions(loaded_model, rows),
        "model_version": "1.0.0",
    }


# --- The columnar check and the written answer: quick paths held to the precise ones ---------

NUMERIC = [name for name, value in GOOD.items() if isinstance(value, int | float)]


def _edge_bodies() -> list[tuple[str, bytes]]:
    """Bodies the columnar check must not get wrong, beside every body of BODIES."""
    row = json.dumps(GOOD)[1:-1]
    bodies = [
        ("duplicate-key-last-bad", b'{"rows": [{%s, "island": "Mars"}]}' % row.encode()),
        ("duplicate-key-last-good", b'{"rows": [{"island": "Mars", %s}]}' % row.encode()),
        ("duplicate-rows-key", b'{"rows": [{%s}], "rows": 5}' % row.encode()),
        ("huge-integer", rows_body({**GOOD, NUMERIC[0]: 10**400})),
        ("infinity", rows_body({**GOOD, NUMERIC[0]: float("inf")})),
        ("overflowing-float", rows_body(GOOD).replace(b"[", b'[{"x": 1e999}, ', 1)),
        ("list-as-category", rows_body({**GOOD, "island": ["Biscoe"]})),
        ("object-as-category", rows_body({**GOOD, "sex": {"a": 1}})),
        ("number-as-category", rows_body({**GOOD, "island": 1})),
        ("null-required-category", rows_body({**GOOD, "island": None})),
        (
            "unknown-key-instead-of-sex",
            rows_body({**{k: v for k, v in GOOD.items() if k != "sex"}, "colour": "x"}),
        ),
        (
            "sex-omitted-in-some-rows",
            rows_body(GOOD, {k: v for k, v in GOOD.items() if k != "sex"}),
        ),
        ("keys-in-another-order", rows_body(GOOD, dict(reversed(GOOD.items())))),
        ("integers-and-floats", rows_body({**GOOD, NUMERIC[0]: 40, NUMERIC[1]: 18.5})),
        ("at-the-range-ends", rows_body({**GOOD, NUMERIC[2]: 150.0}, {**GOOD, NUMERIC[3]: 10000})),
        ("just-outside-the-range", rows_body({**GOOD, NUMERIC[2]: 149.99999999999997})),
        ("rows-not-a-list", b'{"rows": "abc"}'),
        ("top-level-string", b'"rows"'),
    ]
    for name in NUMERIC:
        for bad in (True, "40", None, [1.0], float("nan"), -1):
            bodies.append((f"{name}={bad!r}", rows_body(GOOD, {**GOOD, name: bad})))
    return bodies


CHECK_BODIES = [(name, content) for name, content, _ in BODIES] + _edge_bodies()


@pytest.fixture(scope="module")
def models(settings):
    return build_models(settings.max_batch_rows)


@pytest.fixture(scope="module")
def check(models):
    return ColumnarBatchCheck(*_row_limits(models.batch_request))


@pytest.fixture(scope="module")
def fast_model(model_dir):
    return load_fast_model(model_dir)


def assert_same_columns(actual: Columns, expected: Columns) -> None:
    assert (actual.numeric_names, actual.categorical_names) == (
        expected.numeric_names,
        expected.categorical_names,
    )
    np.testing.assert_array_equal(actual.numbers, expected.numbers)
    assert [list(values) for values in actual.categories] == [
        list(values) for values in expected.categories
    ]


def precise_columns(models, check, content: bytes) -> Columns | None:
    """What the precise path (the TypeAdapter) makes of a body: columns, or None if invalid."""
    try:
        rows = models.batch_rows.validate_json(content)["rows"]
    except ValidationError:
        return None
    return Columns.from_records(rows, check.numeric_names, check.categorical_names)


@pytest.mark.parametrize("content", [b[1] for b in CHECK_BODIES], ids=[b[0] for b in CHECK_BODIES])
def test_the_columnar_check_accepts_only_what_the_precise_path_accepts(models, check, content):
    quick = check(content)
    precise = precise_columns(models, check, content)
    # The check may only say "not sure" (None) and leave the body to the precise path, but on
    # these bodies it is exact: it misses no valid one, so none of them pays for the slow path.
    assert (quick is None) == (precise is None)
    if quick is not None:
        assert precise is not None
        assert_same_columns(quick, precise)


def test_the_columnar_check_takes_every_valid_penguin_of_the_data_set(models, check):
    frame = load_penguins()
    requests = [as_request(row) for _, row in frame[list(SCHEMA.names)].iterrows()]
    valid = [r for r in requests if all(r[name] is not None for name in NUMERIC)]
    assert 300 < len(valid) < len(requests)  # the rows without measurements are not valid
    for rows in (valid, [{k: v for k, v in r.items() if v is not None} for r in valid]):
        content = rows_body(*rows)
        quick = check(content)
        assert quick is not None
        assert_same_columns(quick, precise_columns(models, check, content))
    invalid = [r for r in requests if r not in valid]
    assert check(rows_body(*valid[:5], invalid[0])) is None


def test_the_columnar_check_keeps_the_batch_limits(settings, models, check):
    assert check(rows_body(*[GOOD] * settings.max_batch_rows)) is not None
    assert check(rows_body(*[GOOD] * (settings.max_batch_rows + 1))) is None
    assert check(rows_body()) is None
    big = ColumnarBatchCheck(*_row_limits(build_models(50_000).batch_request))
    quick = big(rows_body(*[GOOD] * 50_000))
    assert quick is not None
    assert len(quick) == 50_000


@pytest.mark.parametrize("size", [1, ROW_WISE_BELOW - 1, ROW_WISE_BELOW, 344])
def test_the_written_answer_is_byte_identical_to_serializing_the_dicts(fast_model, size):
    frame = load_penguins()
    every_penguin = [as_request(row) for _, row in frame[list(SCHEMA.names)].iterrows()]
    rows = (every_penguin * 2)[:size]
    probabilities = fast_model.predict_proba(rows)
    dicts = {"predictions": _predictions(fast_model, rows), "model_version": fast_model.version}
    written = batch_response_json(probabilities, fast_model.classes, fast_model.version)
    assert written == to_json(dicts)


def test_the_written_answer_handles_ties_and_odd_names():
    # A tie goes to the first class, as argmax; names and versions are JSON-escaped.
    classes = ('Say "hi"', "B\\", "Ç")
    probabilities = np.array([[0.5, 0.5, 0.0], [0.1, 0.2, 0.7], [1e-20, 1.0, 0.0]])
    written = batch_response_json(probabilities, classes, 'v"1')
    expected = {
        "predictions": [
            {
                "species": classes[int(p.argmax())],
                "probabilities": dict(zip(classes, p.tolist(), strict=True)),
            }
            for p in probabilities
        ],
        "model_version": 'v"1',
    }
    assert written == to_json(expected)
    assert json.loads(written) == expected
    assert batch_response_json(np.empty((0, 3)), classes, "v") == to_json(
        {"predictions": [], "model_version": "v"}
    )


def test_a_model_that_reads_records_gets_the_same_answer(fast_model, loaded_model, check):
    # _batch_response scores Columns directly with the fast model, and through records with
    # any other (scikit-learn's Pipeline): both must give the same predictions.
    columns = check(
        rows_body(GOOD, {**GOOD, "sex": None}, {k: v for k, v in GOOD.items() if k != "sex"})
    )
    assert columns is not None
    assert columns.records()[1:] == [{**GOOD, "sex": None}] * 2
    fast = json.loads(_batch_response(fast_model, columns).body)
    slow = json.loads(_batch_response(loaded_model, columns).body)
    assert fast == {
        "predictions": expected_predictions(loaded_model, columns.records()),
        "model_version": slow["model_version"],
    }
    assert [p["species"] for p in fast["predictions"]] == [
        p["species"] for p in slow["predictions"]
    ]
