"""Request and response models, derived from the shared feature schema.

Nothing here names a column, a unit or a category: they all come from ``shared_model.SCHEMA``,
so the API cannot drift from the model it serves. The request examples are real rows of the
penguins table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from shared_model import SCHEMA, FeatureSchema
from shared_model.data import first_of_each_species
from shared_model.schema import NumericFeature


class _Strict(BaseModel):
    # Unknown fields are rejected: a typo ("flipper_lenght_mm") must not silently become "missing".
    model_config = ConfigDict(extra="forbid")


def _field(feature: Any) -> tuple[Any, Any]:
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


def real_examples(schema: FeatureSchema = SCHEMA) -> dict[str, dict[str, Any]]:
    """One complete row of each species from the data set, as OpenAPI examples."""
    return {
        species.lower(): {"summary": f"A real {species} penguin from the data set", "value": row}
        for species, row in first_of_each_species(schema)
    }


@dataclass(frozen=True)
class ApiModels:
    """The pydantic models of one app instance (the batch limit is a setting)."""

    penguin: type[BaseModel]
    batch_request: type[BaseModel]
    prediction: type[BaseModel]
    predict_response: type[BaseModel]
    batch_response: type[BaseModel]
    examples: dict[str, dict[str, Any]]


def build_models(max_batch_rows: int, schema: FeatureSchema = SCHEMA) -> ApiModels:
    examples = real_examples(schema)
    first = next(iter(examples.values()))["value"]
    penguin = create_model(
        "Penguin",
        __base__=_Strict,
        __doc__="One penguin's measurements, as the model expects them.",
        **{f.name: _field(f) for f in schema.features},
    )
    penguin.model_config["json_schema_extra"] = {"examples": [first]}
    batch_request = create_model(
        "BatchRequest",
        __base__=_Strict,
        __doc__=f"Up to {max_batch_rows} penguins, scored in one call.",
        rows=(
            list[penguin],  # type: ignore[valid-type]
            Field(min_length=1, max_length=max_batch_rows),
        ),
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
