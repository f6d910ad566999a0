"""The batch answer, serialized straight from the probability matrix.

Building the answer as Python objects costs more than scoring it: for 1,000 rows, 1,000
prediction dicts and 1,000 probability dicts, which the serializer then walks one by one. Here
every float is serialized in one call (a flat list of the matrix's values), the bytes are cut
into one piece per number, and each row's JSON is laid out from pieces that are the same for
every row (the species prefix, the class keys, the closing braces) by slice assignment and one
``join``: per row, no Python code runs at all. The bytes are exactly what serializing the dicts
gives (``tests/reference_api/test_batch_body.py`` compares them on the whole data set).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic_core import to_json


def batch_response_json(
    probabilities: np.ndarray, classes: Sequence[str], model_version: str
) -> bytes:
    """``{"predictions": [{"species": ..., "probabilities": {...}}, ...], "model_version": ...}``.

    The species of a row is its most probable class (the first one on a tie, as ``argmax``).
    """
    n, k = probabilities.shape
    if k != len(classes):
        raise ValueError(f"{k} probabilities per row for {len(classes)} classes")
    keys = [to_json(c) for c in classes]
    # Per row: the species prefix (which ends with the first class's key), then each
    # probability followed by what comes after it: the next class's key, or the closing braces.
    prefixes = [b'{"species":' + key + b',"probabilities":{' + keys[0] + b":" for key in keys]
    width = 2 * k + 1
    parts: list[bytes] = [b""] * (width * n)
    # `to_json` writes each float exactly as it does inside the per-row dicts; a number never
    # contains a comma, so splitting the flat list gives one piece per number.
    numbers = to_json(probabilities.ravel().tolist())[1:-1].split(b",") if n else []
    parts[0::width] = list(map(prefixes.__getitem__, probabilities.argmax(axis=1).tolist()))
    for j in range(k):
        parts[1 + 2 * j :: width] = numbers[j::k]
        if j < k - 1:
            parts[2 + 2 * j :: width] = [b"," + keys[j + 1] + b":"] * n
    parts[width - 1 :: width] = [b"}},"] * n
    if n:
        parts[-1] = b"}}"  # no comma after the last prediction
    return (
        b'{"predictions":['
        + b"".join(parts)
        + b'],"model_version":'
        + to_json(model_version)
        + b"}"
    )
