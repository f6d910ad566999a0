"""Checks for exercise 3, schemas and validation: a battery of bad inputs, one check per family.

Every bad input is sent as raw bytes over real HTTP (NaN and 1e309 are not valid JSON, so a
client library would refuse to send them: attackers and buggy clients do not). Each must get a
422 that names the field at fault, in either error format (exercise 6 grades the format).
"""

import json
from typing import Any

import httpx
import pytest

from course.grading import CheckFailure, check
from course.grading.problem_details import error_fields, shown
from shared_model import SCHEMA

VALIDATION = "3. Schemas and validation"
JSON = {"content-type": "application/json"}
MISSING = object()

# (what the case is, path, raw body, the field the error must name)
Case = tuple[str, str, bytes, str]


@pytest.fixture(scope="module")
def max_batch_rows(graded_dir) -> int:
    """The batch limit the graded server runs with: its own settings, in the same environment."""
    from penguin_api.settings import Settings

    return Settings().max_batch_rows


def _penguin(real_penguins: list[tuple[str, dict[str, Any]]], **changes: Any) -> dict[str, Any]:
    penguin = {**real_penguins[0][1], **changes}
    return {k: v for k, v in penguin.items() if v is not MISSING}


def _raw(data: Any, *replacements: tuple[str, str]) -> bytes:
    text = json.dumps(data)  # writes NaN and Infinity, as a careless client would
    for old, new in replacements:
        text = text.replace(old, new)
    return text.encode()


def _one(
    penguins: list[tuple[str, dict[str, Any]]], field: str, value: Any, what: str = ""
) -> Case:
    """A real penguin sent to /predict with one field changed (or left out, with MISSING)."""
    shown_value = "left out" if value is MISSING else f"= {json.dumps(value, ensure_ascii=False)}"
    body = _raw(_penguin(penguins, **{field: value}))
    return (what or f"{field} {shown_value}", "/predict", body, field)


# A 5xx here means the value got through validation and the endpoint itself failed on it.
PASSED_VALIDATION = (
    "A 5xx means either that the value passed validation and the endpoint failed on it (the "
    "field's rule in schemas.py must reject it with a 422 before any endpoint runs), or that "
    "the 422 itself could not be written: an error that echoes a NaN or an infinity back is "
    "not valid JSON (the 422 handler in problems.py must not send the rejected input back)."
)


def _expect_rejected(url: str, real_penguins: list[tuple[str, dict[str, Any]]], cases: list[Case]):
    """A real penguin is accepted, and every case gets a 422 naming its field."""
    good = httpx.post(f"{url}/predict", content=_raw(real_penguins[0][1]), headers=JSON, timeout=10)
    if good.status_code in (400, 422):
        raise CheckFailure(
            "a real penguin from the data set is rejected",
            expected="not 400 or 422",
            actual=shown(good),
            help="Rejecting everything is not validation: loosen the rule the error names.",
        )
    for what, path, body, field in cases:
        response = httpx.post(f"{url}{path}", content=body, headers=JSON, timeout=30)
        fields = error_fields(response)
        if response.status_code != 422 or field not in fields:
            raise CheckFailure(
                f"POST {path} with {what} was not rejected with a 422 naming {field}",
                expected=f"422, an error for the field {field}",
                actual=f"{shown(response)} (fields named: {fields or 'none'})",
                help=PASSED_VALIDATION if response.status_code >= 500 else None,
            )


@check(
    id="validation-accepts-valid",
    points=2,
    exercise=VALIDATION,
    title="Valid edge cases are accepted: null sex, integers, the schema's exact bounds, a full "
    "batch",
    hint="Constraints come from shared_model.SCHEMA: inclusive bounds (ge/le), null only for "
    "nullable categories, and a batch of up to MAX_BATCH_ROWS rows.",
    requires=["predict-species"],
    kind="live",
    timeout=60,
)
def test_accepts_valid(started_server, real_penguins, max_batch_rows):
    url = started_server[0]
    lowest = {f.name: f.minimum for f in SCHEMA.numeric}
    highest = {f.name: f.maximum for f in SCHEMA.numeric}
    as_ints = {f.name: int(f.minimum) + 1 for f in SCHEMA.numeric}
    # All three species, repeated up to the limit exactly.
    full_batch = ([p for _, p in real_penguins] * max_batch_rows)[:max_batch_rows]
    cases = [
        ("sex null (not recorded)", "/predict", _penguin(real_penguins, sex=None)),
        ("sex left out (it is nullable)", "/predict", _penguin(real_penguins, sex=MISSING)),
        ("every measurement at its minimum", "/predict", _penguin(real_penguins, **lowest)),
        ("every measurement at its maximum", "/predict", _penguin(real_penguins, **highest)),
        ("whole numbers for the measurements", "/predict", _penguin(real_penguins, **as_ints)),
        (
            f"a batch of exactly MAX_BATCH_ROWS={max_batch_rows} rows",
            "/predict/batch",
            {"rows": full_batch},
        ),
    ]
    for what, path, body in cases:
        response = httpx.post(f"{url}{path}", json=body, timeout=30)
        if response.status_code != 200:
            raise CheckFailure(
                f"POST {path} with {what} is valid and was not answered 200",
                expected=200,
                actual=shown(response),
            )


@check(
    id="validation-non-finite",
    points=3,
    exercise=VALIDATION,
    title="NaN, Infinity, -Infinity and 1e309 are rejected with 422 naming the field",
    hint="Python's json module reads NaN and Infinity, and 1e309 overflows to infinity: "
    "Field(allow_inf_nan=False) on the numeric fields rejects all four.",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_non_finite(started_server, real_penguins):
    p = real_penguins
    _expect_rejected(
        started_server[0],
        real_penguins,
        [
            _one(p, "bill_length_mm", float("nan")),
            _one(p, "bill_depth_mm", float("inf")),
            _one(p, "bill_depth_mm", float("-inf")),
            (
                "flipper_length_mm = 1e309",
                "/predict",
                # json.dumps cannot write 1e309 (it is infinity by then): put it in the text.
                _raw(_penguin(p, flipper_length_mm=-1), (": -1", ": 1e309")),
                "flipper_length_mm",
            ),
        ],
    )


@check(
    id="validation-ranges",
    points=2,
    exercise=VALIDATION,
    title="Measurements outside the schema's plausible range are rejected with 422",
    hint="Each NumericFeature in shared_model.SCHEMA has a minimum and a maximum: pass them "
    "to Field(ge=..., le=...) rather than typing numbers into schemas.py.",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_ranges(started_server, real_penguins):
    first, last = SCHEMA.numeric[0], SCHEMA.numeric[-1]
    p = real_penguins
    cases = [
        _one(p, "body_mass_g", 1e300),
        _one(p, "body_mass_g", -4000),
        _one(p, first.name, first.minimum - 0.1, f"{first.name} just below {first.minimum}"),
        _one(p, last.name, last.maximum + 0.1, f"{last.name} just above {last.maximum}"),
    ]
    _expect_rejected(started_server[0], real_penguins, cases)


@check(
    id="validation-strict-types",
    points=2,
    exercise=VALIDATION,
    title='Strings ("39.1"), booleans, lists and null for a number are rejected with 422',
    hint='pydantic converts "39.1" and true to 39.1 and 1.0 unless the field is strict: '
    "Field(strict=True) accepts only JSON numbers (integers included).",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_strict_types(started_server, real_penguins):
    p = real_penguins
    _expect_rejected(
        started_server[0],
        real_penguins,
        [
            _one(p, "bill_length_mm", "39.1"),
            _one(p, "bill_length_mm", True),
            _one(p, "bill_length_mm", [39.1]),
            _one(p, "flipper_length_mm", None),
        ],
    )


@check(
    id="validation-categories",
    points=2,
    exercise=VALIDATION,
    title="Unknown, wrongly-cased, unicode and null categories are rejected with 422",
    hint="Literal[feature.categories] accepts exactly the schema's categories; add None only "
    "for a nullable feature (sex), never for island.",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_categories(started_server, real_penguins):
    p = real_penguins
    _expect_rejected(
        started_server[0],
        real_penguins,
        [
            _one(p, "island", "Atlantis"),
            _one(p, "island", "biscoe"),
            _one(p, "island", "Biscoé🐧"),
            _one(p, "island", None),
            _one(p, "sex", "unknown"),
        ],
    )


@check(
    id="validation-extra-missing",
    points=2,
    exercise=VALIDATION,
    title="Unknown fields (and typos) and missing fields are rejected with 422",
    hint='ConfigDict(extra="forbid") on the request models: an unknown field is an error, '
    'so a typo such as "flipper_lenght_mm" cannot pass as a missing value.',
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_extra_missing(started_server, real_penguins):
    p = real_penguins
    typo = _penguin(p, flipper_length_mm=MISSING, flipper_lenght_mm=181)
    _expect_rejected(
        started_server[0],
        real_penguins,
        [
            _one(p, "beak_colour", "orange", 'an extra field "beak_colour"'),
            ('the typo "flipper_lenght_mm"', "/predict", _raw(typo), "flipper_lenght_mm"),
            _one(p, "island", MISSING),
        ],
    )


@check(
    id="validation-batch",
    points=2,
    exercise=VALIDATION,
    title="Batches: empty, over MAX_BATCH_ROWS, or with one bad row are rejected with 422",
    hint="Field(min_length=1, max_length=max_batch_rows) on the rows list (batch_size() in "
    "schemas.py); the rows themselves are Penguins, so a bad row is named rows[i].field.",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_batch(started_server, real_penguins, max_batch_rows):
    good = real_penguins[0][1]
    too_many = [good] * (max_batch_rows + 1)
    _expect_rejected(
        started_server[0],
        real_penguins,
        [
            ("an empty batch", "/predict/batch", _raw({"rows": []}), "rows"),
            (
                f"{len(too_many)} rows (MAX_BATCH_ROWS={max_batch_rows})",
                "/predict/batch",
                _raw({"rows": too_many}),
                "rows",
            ),
            (
                'a second row with island "Mars"',
                "/predict/batch",
                _raw({"rows": [good, {**good, "island": "Mars"}]}),
                "rows[1].island",
            ),
        ],
    )
