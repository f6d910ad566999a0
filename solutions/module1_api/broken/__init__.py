# SOLUTION ONLY
"""Deliberately broken copies of the reference API, for grading the students' own tests.

A good test suite fails on each of these. Each variant is the reference ``penguin_api`` with a
few lines replaced, the kind of bug that slips through a suite which checks one key of a body
or only the happy path. Only the instructors' edition has them (they live under solutions/).

A replacement must match its file exactly once; when the reference changes under it,
``build`` says which variant no longer applies, and ``tests/reference_api/test_broken_variants.py``
fails until it is fixed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "penguin_api"


@dataclass(frozen=True)
class Patch:
    file: str  # relative to penguin_api/
    old: str
    new: str


@dataclass(frozen=True)
class BrokenVariant:
    id: str
    bug: str  # what is wrong, as a student reads it when their tests miss it
    patches: tuple[Patch, ...]


class VariantDoesNotApplyError(RuntimeError):
    pass


def _routes(old: str, new: str) -> Patch:
    return Patch("routes.py", old, new)


PREDICT_LINE = "        (result,) = _predictions(model, [penguin])\n"

# Exercise 11: the correctness tests must catch every one of these.
CORRECTNESS = (
    BrokenVariant(
        "health-needs-model",
        "GET /health depends on the model, so it answers 503 until the model is loaded",
        (_routes("async def health() -> Health:", "async def health(model: Model) -> Health:"),),
    ),
    BrokenVariant(
        "ready-without-model",
        "GET /ready answers 200 before the model is loaded",
        (
            _routes(
                "async def ready(model: Model) -> Ready:",
                "async def ready(request: Request) -> Ready:",
            ),
            _routes(
                "return Ready(model_version=model.version)",
                'return Ready(model_version=getattr(getattr(request.state, "model", None), '
                '"version", "unknown"))',
            ),
        ),
    ),
    BrokenVariant(
        "species-swapped",
        "the class order is reversed: a real Adelie comes back as a Gentoo",
        (_routes("    classes = model.classes\n", "    classes = model.classes[::-1]\n"),),
    ),
    BrokenVariant(
        "probabilities-not-normalised",
        "the probabilities are scaled by 0.9, so they no longer sum to 1 (the species is right)",
        (
            _routes(
                "probabilities = model.predict_proba(records)\n",
                "probabilities = model.predict_proba(records) * 0.9\n",
            ),
        ),
    ),
    BrokenVariant(
        "batch-reversed",
        "POST /predict/batch answers the predictions in reverse order",
        (
            _routes(
                '"predictions": _predictions(model, rows),',
                '"predictions": _predictions(model, rows)[::-1],',
            ),
        ),
    ),
    BrokenVariant(
        "batch-without-model-version",
        "POST /predict/batch leaves model_version out of its body",
        (
            _routes(
                ', "model_version": model.version}\n    return Response(', "}\n    return Response("
            ),
        ),
    ),
    BrokenVariant(
        "accepts-nan",
        "validation lets NaN, infinity and out-of-range numbers through to the model",
        (
            Patch("schemas.py", "allow_inf_nan=False,", "allow_inf_nan=True,"),
            Patch("schemas.py", "ge=feature.minimum,", ""),
            Patch("schemas.py", "le=feature.maximum,", ""),
        ),
    ),
    BrokenVariant(
        "errors-plain-json",
        "errors are sent as application/json instead of application/problem+json",
        (Patch("problems.py", "media_type=PROBLEM_JSON)", 'media_type="application/json")'),),
    ),
    BrokenVariant(
        "auth-401-403-swapped",
        "a missing API key gets 403 and a wrong one 401 (the other way round)",
        (
            Patch("security.py", "                401,\n", "                403,\n"),
            Patch("security.py", "raise HTTPException(403,", "raise HTTPException(401,"),
        ),
    ),
)

# Exercise 12: the contract test must catch both.
CONTRACT = (
    BrokenVariant(
        "predict-500-on-dream",
        "POST /predict answers 500 for every valid penguin from Dream island",
        (
            _routes(
                PREDICT_LINE,
                '        if penguin.island == "Dream":\n'
                '            raise RuntimeError("a bug that only Dream penguins reach")\n'
                + PREDICT_LINE,
            ),
        ),
    ),
    BrokenVariant(
        "batch-breaks-schema",
        "POST /predict/batch answers 200 with model_version null, which its schema forbids",
        (
            _routes(
                '"model_version": model.version}\n    return Response(',
                '"model_version": None}\n    return Response(',
            ),
        ),
    ),
)

# Exercise 13: the load test's thresholds must fail this one (slow, yet never wrong).
SLOW_PREDICT = BrokenVariant(
    "slow-predict",
    "POST /predict takes 2 s per request, and every answer is still correct",
    (_routes(PREDICT_LINE, '        await __import__("asyncio").sleep(2)\n' + PREDICT_LINE),),
)

VARIANTS = (*CORRECTNESS, *CONTRACT, SLOW_PREDICT)


def build(variant: BrokenVariant, parent: Path) -> Path:
    """Write the variant's penguin_api under ``parent/<id>/``; returns that folder."""
    folder = parent / variant.id
    package = folder / "penguin_api"
    shutil.copytree(REFERENCE, package, ignore=shutil.ignore_patterns("__pycache__"))
    for patch in variant.patches:
        path = package / patch.file
        text = path.read_text()
        if text.count(patch.old) != 1:
            raise VariantDoesNotApplyError(
                f"broken variant {variant.id!r}: {patch.old.strip()!r} occurs "
                f"{text.count(patch.old)} times in the reference {patch.file}, not once; update "
                "the variant to the reference's new code"
            )
        path.write_text(text.replace(patch.old, patch.new))
    return folder
