"""Worked example for the documentation lesson: a small unit-conversion API, fully described.

Everything /docs shows comes from the code: the app's title, version and description, a
description per tag, a summary per operation, field descriptions and named request examples.
"""

from typing import Annotated, Literal

from fastapi import Body, FastAPI
from pydantic import BaseModel, Field

# --8<-- [start:metadata]
API_VERSION = "2.1.0"  # one constant: what /openapi.json says is what you released

TAGS = [
    {"name": "conversions", "description": "Convert a length between units."},
    {"name": "probes", "description": "Liveness, for load balancers."},
]


def create_app() -> FastAPI:
    app = FastAPI(
        title="Length conversion API",
        version=API_VERSION,
        description="Converts lengths between millimetres, centimetres and inches.",
        openapi_tags=TAGS,
    )
    add_routes(app)
    return app
    # --8<-- [end:metadata]


# --8<-- [start:models]
class Conversion(BaseModel):
    value: float = Field(description="The length to convert", ge=0)
    unit: Literal["mm", "cm", "in"] = Field(description="The unit of `value`")
    to: Literal["mm", "cm", "in"] = Field(description="The unit to convert to")


EXAMPLES = {
    "flipper": {
        "summary": "A penguin's flipper, in millimetres",
        "value": {"value": 181, "unit": "mm", "to": "in"},
    },
    "ruler": {"summary": "A 12-inch ruler", "value": {"value": 12, "unit": "in", "to": "cm"}},
}
# --8<-- [end:models]

MM_PER = {"mm": 1.0, "cm": 10.0, "in": 25.4}


# --8<-- [start:routes]
def add_routes(app: FastAPI) -> None:
    @app.get("/health", tags=["probes"], summary="Liveness: the process answers")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/convert", tags=["conversions"], summary="Convert one length to another unit")
    async def convert(
        conversion: Annotated[Conversion, Body(openapi_examples=EXAMPLES)],
    ) -> dict[str, float | str]:
        """Longer text goes in the docstring: /docs shows it under the summary."""
        millimetres = conversion.value * MM_PER[conversion.unit]
        return {"value": millimetres / MM_PER[conversion.to], "unit": conversion.to}
        # --8<-- [end:routes]
