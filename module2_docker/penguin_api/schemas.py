"""Request and response models, derived from the shared feature schema.

Nothing here names a column, a unit or a category: they all come from ``shared_model.SCHEMA``,
so the API cannot drift from the model it serves. The request examples are real rows of the
penguins table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model
from typing_extensions import TypedDict

from shared_model import SCHEMA, FeatureSchema
from shared_model.data import first_of_each_species
from shared_model.schema import NumericFeature

# Unknown fields are rejected: a typo ("flipper_lenght_mm") must not silently become "missing".
REQUEST_CONFIG = ConfigDict(extra="forbid")


class _Strict(BaseModel):
    model_config = REQUEST_CONFIG


def _field(feature: Any) -> tuple[Any, Any]:
    """The pydantic annotation and default of one feature of the shared schema."""
    if isinstance(feature, NumericFeature):
        annotation = Annotated[
            float,
            Field(
                # strict: "39.1" (a string) is an error, not a number; allow_inf_nan=False rejects
                # NaN, ±Infinity and 1e309 (which JSON parsers turn into infinity).
                strict=True,
                allow_inf_nan=False,
                ge=feature.minimum,
                le=feature.maximum,
                description=f"{feature.description}, in {feature.unit}",
                json_schema_extra={"unit": feature.unit},
            ),
        ]
        return annotation, ...
    choices = Literal[feature.categories]  # type: ignore[valid-type]
    if feature.nullable:
        return Annotated[choices | None, Field(description=feature.description)], None
    return Annotated[choices, Field(description=feature.description)], ...


def batch_size(max_batch_rows: int) -> Any:
    """The constraint on a batch's ``rows`` list (the limit is the MAX_BATCH_ROWS setting)."""
    return Field(min_length=1, max_length=max_batch_rows)


def real_examples(schema: FeatureSchema = SCHEMA) -> dict[str, dict[str, Any]]:
    """One complete row of each species from the data set, as OpenAPI examples."""
    return {
        species.lower(): {"summary": f"A real {species} penguin from the data set", "value": row}
        for species, row in first_of_each_species(schema)
    }


def _typed_bodies(fields: dict[str, tuple[Any, Any]], max_batch_rows: int) -> tuple[Any, Any]:
    """One penguin and the batch body as TypedDicts: the Penguin model's fields, no objects.

    Validating 1,000 rows into model instances costs more than scoring them; into plain dicts
    (which the fast scorer reads directly) it costs a fraction. Built from the same field
    definitions, so they cannot disagree with the models about what a valid row is.
    """
    # typing_extensions.TypedDict: pydantic needs it on Python < 3.12.
    row = TypedDict(  # type: ignore[misc]
        "PenguinRow",
        {name: a if default is ... else NotRequired[a] for name, (a, default) in fields.items()},
    )
    row.__pydantic_config__ = REQUEST_CONFIG  # type: ignore[attr-defined]
    rows = Annotated[list[row], batch_size(max_batch_rows)]  # type: ignore[valid-type]
    # Functional syntax on purpose: this module's postponed annotations would turn a class
    # body's `rows: rows` into a string that names a local variable pydantic cannot see.
    batch = TypedDict("BatchRows", {"rows": rows})  # type: ignore[misc]  # noqa: UP013
    batch.__pydantic_config__ = REQUEST_CONFIG  # type: ignore[attr-defined]
    return row, batch


@dataclass(frozen=True)
class ApiModels:
    """The pydantic models of one app instance (the batch limit is a setting)."""

    penguin: type[BaseModel]
    batch_request: type[BaseModel]
    prediction: type[BaseModel]
    predict_response: type[BaseModel]
    batch_response: type[BaseModel]
    examples: dict[str, dict[str, Any]]
    # Validate a raw body straight from bytes into dicts (see _typed_bodies): one penguin, a batch.
    penguin_row: TypeAdapter[Any]
    batch_rows: TypeAdapter[Any]


def build_models(max_batch_rows: int, schema: FeatureSchema = SCHEMA) -> ApiModels:
    examples = real_examples(schema)
    first = next(iter(examples.values()))["value"]
    fields = {f.name: _field(f) for f in schema.features}
    row, batch = _typed_bodies(fields, max_batch_rows)
    penguin = create_model(
        "Penguin",
        __base__=_Strict,
        __doc__="One penguin's measurements, as the model expects them.",
        **fields,
    )
    penguin.model_config["json_schema_extra"] = {"examples": [first]}
    batch_request = create_model(
        "BatchRequest",
        __base__=_Strict,
        __doc__=f"Up to {max_batch_rows} penguins, scored in one call.",
        rows=(list[penguin], batch_size(max_batch_rows)),  # type: ignore[valid-type]
    )
    batch_request.model_config["json_schema_extra"] = {
        "examples": [{"rows": [e["value"] for e in examples.values()]}]
    }
    probabilities = create_model(
        "ClassProbabilities",
        __doc__="The probability of each species; they sum to 1.",
        **{c: (float, Field(ge=0.0, le=1.0)) for c in schema.classes},
    )
    species = Literal[schema.classes]  # type: ignore[valid-type]
    prediction = create_model(
        "Prediction",
        __doc__="The most probable species and every class's probability.",
        species=(species, Field(description=schema.target.description)),
        probabilities=(probabilities, ...),
    )
    predict_response = create_model(
        "PredictResponse",
        __base__=prediction,
        __doc__="The prediction for one penguin and the model version that made it.",
        model_version=(str, Field(description="Version of the model artifact that answered")),
    )
    batch_response = create_model(
        "BatchPredictResponse",
        __doc__="One prediction per input row, in the order the rows were sent.",
        predictions=(list[prediction], ...),  # type: ignore[valid-type]
        model_version=(str, Field(description="Version of the model artifact that answered")),
    )
    return ApiModels(
        penguin=penguin,
        batch_request=batch_request,
        prediction=prediction,
        predict_response=predict_response,
        batch_response=batch_response,
        examples=examples,
        penguin_row=TypeAdapter(row),
        batch_rows=TypeAdapter(batch),
    )


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    model_version: str


class ModelInfo(BaseModel):
    """What is being served: identity, provenance, quality and the inputs it expects."""

    name: str
    version: str
    created_at: str
    git_commit: str | None
    versions: dict[str, str]
    training_data_sha256: str
    metrics: dict[str, float | int]
    classes: list[str]
    feature_schema: dict[str, Any]
