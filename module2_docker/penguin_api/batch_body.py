"""The batch body, validated straight from the request bytes into the columns the model reads.

FastAPI parses a body with ``json.loads`` and then validates the Python objects into model
instances: for 1,000 rows that is two passes and 1,000 objects, and it costs more than scoring
the rows. Here a body is parsed once (pydantic's Rust JSON parser) and checked a column at a
time: the keys of every row, then each numeric column as one numpy array (types, finiteness,
range) and each categorical column as one set (categories). A body that passes is certainly
valid and goes to the scorer as ``Columns``. Anything else (no body, another content type, bad
JSON, a bad row, or a body the quick checks are not sure about) takes the precise path: the
``TypeAdapter`` of the same fields, then FastAPI's own error wording, so clients see the same
problems either way. ``tests/reference_api/test_batch_body.py`` holds the paths to that.
"""

from __future__ import annotations

import email.message
import functools
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
from annotated_types import MaxLen, MinLen
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.params import Body
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from penguin_api.schemas import ApiModels
from shared_model import SCHEMA, FeatureSchema
from shared_model.fast import Columns


# Clients send the same few content types over and over; parsing one as a MIME header costs
# more than validating a small batch, so each distinct value is parsed once.
@functools.lru_cache(maxsize=64)
def _is_json(content_type: str | None) -> bool:
    # The test FastAPI applies (strict_content_type): no header is not JSON.
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


class UnparsableBodyError(HTTPException):
    """FastAPI's answer to a JSON body it cannot even decode (bytes that are not UTF-8, ...)."""

    def __init__(self) -> None:
        super().__init__(status_code=400, detail="There was an error parsing the body")

    def __reduce__(self) -> tuple[type[UnparsableBodyError], tuple[()]]:
        # Picklable, so that it crosses back from a big-batch worker process as itself.
        return (UnparsableBodyError, ())


def fastapi_validate(body: bytes, content_type: str | None, model: type[BaseModel]) -> Any:
    """What FastAPI makes of a body for a ``model`` parameter: the valid model, or its error.

    The precise path behind the fast ones: slower, and exactly FastAPI's behaviour, wording
    included. It also takes what the fast parsers refuse and FastAPI accepts (``json.loads``
    reads UTF-16 and UTF-32 too), so the fast paths can only ever be faster, never stricter.
    """
    if not body:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    if not _is_json(content_type):
        payload: Any = body
    else:
        try:
            payload = json.loads(body)
        except json.JSONDecodeError as exc:
            raise RequestValidationError(
                [
                    {
                        "type": "json_invalid",
                        "loc": ("body", exc.pos),
                        "msg": "JSON decode error",
                        "input": {},
                        "ctx": {"error": exc.msg},
                    }
                ]
            ) from None
        except Exception as exc:  # not text at all, nested too deep...: FastAPI says 400
            raise UnparsableBodyError from exc
    try:
        # from_attributes: how FastAPI validates a body, and it words type errors differently.
        return model.model_validate(payload, from_attributes=True)
    except ValidationError as exc:
        raise RequestValidationError(
            [
                {**error, "loc": ("body", *error["loc"])}
                for error in exc.errors(include_url=False, include_context=True)
            ]
        ) from None


class ColumnarBatchCheck:
    """Validates a whole batch body a column at a time; answers only when it is sure.

    ``__call__`` returns the body's ``Columns`` when every row is valid, and ``None`` when any
    check fails or cannot tell (a nested value, a number too big for a float, ...): the caller
    then takes the precise path, which finds and words the errors. So this class only has to
    accept nothing the ``TypeAdapter`` rejects; it never produces an error itself.
    """

    def __init__(self, min_rows: int, max_rows: int, schema: FeatureSchema = SCHEMA) -> None:
        self.min_rows = min_rows
        self.max_rows = max_rows
        self.numeric_names = tuple(f.name for f in schema.numeric)
        self.categorical_names = tuple(f.name for f in schema.categorical)
        self.names = frozenset(schema.names)
        # A nullable category may be left out (NotRequired in the TypedDict): missing = null.
        self.required = frozenset(
            f.name for f in schema.features if not getattr(f, "nullable", False)
        )
        self.minimums = np.array([f.minimum for f in schema.numeric])
        self.maximums = np.array([f.maximum for f in schema.numeric])
        self.allowed = tuple(
            frozenset([*f.categories, *([None] if f.nullable else [])]) for f in schema.categorical
        )
        self.ordered_names = (*self.numeric_names, *self.categorical_names)
        self.getters = tuple(itemgetter(name) for name in self.ordered_names)

    def __call__(self, body: bytes) -> Columns | None:
        try:
            document = from_json(body)
        except ValueError:
            return None
        if type(document) is not dict or document.keys() != {"rows"}:
            return None
        rows = document["rows"]
        if type(rows) is not list or not self.min_rows <= len(rows) <= self.max_rows:
            return None
        if set(map(type, rows)) != {dict}:
            return None
        columns = self._columns(rows)
        if columns is None:
            return None
        n_numeric = len(self.numeric_names)
        numeric, categories = columns[:n_numeric], columns[n_numeric:]
        # strict floats: JSON integers and floats, never booleans (nor strings, which numpy
        # would convert).
        if not set(map(type, chain.from_iterable(numeric))) <= {int, float}:
            return None
        try:
            numbers = np.array(numeric, dtype=np.float64).T
        except OverflowError:  # an integer beyond float64's range: certainly out of range
            return None
        # NaN and infinities fail both comparisons, so this also rejects non-finite values.
        if not ((numbers >= self.minimums).all() and (numbers <= self.maximums).all()):
            return None
        for values, allowed in zip(categories, self.allowed, strict=True):
            try:
                if not allowed.issuperset(values):
                    return None
            except TypeError:  # an unhashable value (a list, an object): certainly invalid
                return None
        return Columns(self.numeric_names, numbers, self.categorical_names, tuple(categories))

    def _columns(self, rows: list[dict[str, Any]]) -> list[Sequence[Any]] | None:
        """Each feature's values, in ``ordered_names`` order; ``None`` if a row's keys are wrong."""
        if set(map(len, rows)) == {len(self.names)}:
            # The usual body: every row has every key. A column is one C-level loop over the
            # rows, and a KeyError means an unknown key stands in for a known one.
            try:
                return [list(map(getter, rows)) for getter in self.getters]
            except KeyError:
                return None
        # Some rows leave out an optional key. Clients send rows with the same keys in the
        # same order, so there are few distinct layouts to check.
        for layout in set(map(tuple, rows)):
            if not self.required <= set(layout) <= self.names:
                return None
        return [
            list(map(getter, rows)) if name in self.required else [row.get(name) for row in rows]
            for name, getter in zip(self.ordered_names, self.getters, strict=True)
        ]


def _row_limits(model: type[BaseModel]) -> tuple[int, int]:
    """The batch model's own ``min_length``/``max_length`` of ``rows``: one source of truth.

    A model without them (a starter before exercise 3) sets no limit, so neither does this.
    """
    metadata = model.model_fields["rows"].metadata
    minimum = next((m.min_length for m in metadata if isinstance(m, MinLen)), 0)
    maximum = next((m.max_length for m in metadata if isinstance(m, MaxLen)), sys.maxsize)
    return minimum, maximum


def batch_reader(models: ApiModels) -> Callable[[bytes, str | None], Columns]:
    """A function from a batch body (and its content type) to its columns, or FastAPI's error.

    Plain and synchronous, so the same reading runs in the request (``batch_rows_dependency``)
    and in a worker process for the big batches of the concurrency lab (``big_batches.py``).
    """
    adapter = models.batch_rows
    model = models.batch_request
    check = ColumnarBatchCheck(*_row_limits(model))

    def read(body: bytes, content_type: str | None) -> Columns:
        if body and _is_json(content_type):
            columns = check(body)
            if columns is not None:
                return columns
            try:
                rows: list[dict[str, Any]] = adapter.validate_json(body)["rows"]
                return Columns.from_records(rows, check.numeric_names, check.categorical_names)
            except ValidationError:
                pass  # the precise path below words the errors exactly as FastAPI does
        batch = fastapi_validate(body, content_type, model)
        records = [row.model_dump() for row in batch.rows]
        return Columns.from_records(records, check.numeric_names, check.categorical_names)

    return read


def batch_rows_dependency(
    models: ApiModels,
) -> Callable[[Request], Awaitable[Columns]]:
    """A dependency that yields the columns of a valid batch body, or raises FastAPI's error."""
    read = batch_reader(models)

    async def batch_rows(request: Request) -> Columns:
        return read(await request.body(), request.headers.get("content-type"))

    return batch_rows


def documented_body(model_name: str, body: Body | None = None) -> dict[str, Any]:
    """``openapi_extra`` that documents a body the endpoint reads itself, as FastAPI would.

    With no body parameter FastAPI cannot see the request model, so the route declares it:
    the schema by reference (``document_request_bodies`` adds the component) and the named
    examples of ``body`` (a ``Body(openapi_examples=...)``), exactly where FastAPI puts them.
    """
    content: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{model_name}"}}
    if body is not None and body.openapi_examples:
        content["examples"] = body.openapi_examples
    return {"requestBody": {"content": {"application/json": content}, "required": True}}


def _request_schemas(models: ApiModels) -> dict[str, Any]:
    """The component schemas FastAPI writes for the request models when they are body parameters.

    Asked of FastAPI itself (a throwaway app that declares them the ordinary way) rather than of
    ``model_json_schema()``, whose output differs in details (a ``default: null``): the
    document must not change because an endpoint reads its body itself.
    """
    probe = FastAPI()
    for path, model in (("/penguin", models.penguin), ("/batch", models.batch_request)):

        def declared(body: Any) -> None:
            """Only declared, never called."""

        # Set as objects: this module's postponed annotations would be strings FastAPI cannot
        # resolve (the models are built per app, not importable).
        declared.__annotations__ = {"body": model, "return": None}
        probe.post(path)(declared)

    schemas: dict[str, Any] = probe.openapi()["components"]["schemas"]
    return schemas


def document_request_bodies(app: FastAPI, models: ApiModels, paths: Sequence[str]) -> None:
    """Put the request models back into the OpenAPI document.

    The prediction endpoints read their raw bodies, so FastAPI cannot see their models; each
    route declares ``$ref: Penguin`` or ``$ref: BatchRequest`` (``openapi_extra``) and this adds
    the components they point to.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            components = spec.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in _request_schemas(models).items():
                if name in (models.penguin.__name__, models.batch_request.__name__):
                    components.setdefault(name, schema)
            missing = [path for path in paths if path not in spec["paths"]]
            assert not missing, f"{missing} are not routes of this app"
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
