"""What pydantic accepts by default, and what a model API should accept.

Run it: ``.venv/bin/python docs/examples/lax_and_strict.py`` prints one line per request body.
The validation lesson shows the two models; ``tests/docs/test_examples.py`` holds the verdicts.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


# --8<-- [start:models]
class LaxReading(BaseModel):
    """Types only: what most first versions of an API look like."""

    celsius: float
    site: str


class StrictReading(BaseModel):
    """The same reading, with the rules a real thermometer obeys."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is an error, not ignored

    celsius: Annotated[
        float,
        # strict: "21.5" and true are not numbers; no NaN/inf; a plausible range.
        Field(strict=True, allow_inf_nan=False, ge=-90, le=60),
    ]
    site: Literal["north", "south"]  # a closed list, exact spelling
    # --8<-- [end:models]


# What clients really send: raw JSON text, as it arrives in a request body.
BODIES: dict[str, str] = {
    "valid": '{"celsius": 21.5, "site": "north"}',
    "number as string": '{"celsius": "21.5", "site": "north"}',
    "boolean": '{"celsius": true, "site": "north"}',
    "NaN": '{"celsius": NaN, "site": "north"}',
    "1e309": '{"celsius": 1e309, "site": "north"}',
    "out of range": '{"celsius": 4000, "site": "north"}',
    "unknown category": '{"celsius": 21.5, "site": "North "}',
    "extra field": '{"celsius": 21.5, "site": "north", "celcius": 80}',
}


def verdict(model: type[BaseModel], body: str) -> str:
    """Either accepted, with what the code would see, or rejected, with the first error."""
    try:
        return f"accepted: {model.model_validate_json(body).model_dump()}"
    except ValidationError as exc:
        first = exc.errors()[0]
        return f"rejected: {'.'.join(map(str, first['loc']))}: {first['msg']}"


def main() -> None:
    for name, body in BODIES.items():
        print(f"{name:17} lax    {verdict(LaxReading, body)}")
        print(f"{'':17} strict {verdict(StrictReading, body)}")


if __name__ == "__main__":
    main()
