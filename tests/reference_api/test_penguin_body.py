"""/predict validates its body itself: it must answer exactly what FastAPI would have.

The comparison app declares the penguin model as an ordinary FastAPI body parameter, with the
same problem handlers; every body below must get the same status, content type and problem from
both, and every valid one the prediction the model makes.
"""

import json
from typing import Any

import pytest

from tests.reference_api.penguins import expected_predictions, first_of_each_species

_, GOOD = first_of_each_species()[0]
JSON = "application/json"
WITHOUT_SEX = {k: v for k, v in GOOD.items() if k != "sex"}


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


BODIES: list[tuple[str, bytes, str | None]] = [
    ("valid", body(GOOD), JSON),
    ("valid-sex-null", body({**GOOD, "sex": None}), JSON),
    ("valid-sex-omitted", body(WITHOUT_SEX), JSON),
    ("valid-integers", body({**GOOD, "bill_length_mm": 39, "body_mass_g": 3750}), JSON),
    ("valid-charset", body(GOOD), "application/json; charset=utf-8"),
    ("valid-plus-json", body(GOOD), "application/vnd.penguins+json"),
    ("valid-duplicate-key", body(GOOD)[:-1] + b', "island": "Dream"}', JSON),
    ("empty-body", b"", JSON),
    ("no-content-type", body(GOOD), None),
    ("text-plain", body(GOOD), "text/plain"),
    ("form", body(GOOD), "application/x-www-form-urlencoded"),
    ("not-json", b"island=Dream", JSON),
    ("truncated", body(GOOD)[:-3], JSON),
    ("array", body([GOOD]), JSON),
    ("null", b"null", JSON),
    ("number", b"42", JSON),
    ("empty-object", b"{}", JSON),
    ("nan", body({**GOOD, "bill_length_mm": float("nan")}), JSON),
    ("infinity", body({**GOOD, "bill_depth_mm": float("inf")}), JSON),
    ("huge-number", body(GOOD).replace(b"3750.0", b"1e309"), JSON),
    ("huge-integer", body({**GOOD, "body_mass_g": 10**400}), JSON),
    ("string-number", body({**GOOD, "body_mass_g": "4000"}), JSON),
    ("boolean-number", body({**GOOD, "body_mass_g": True}), JSON),
    ("out-of-range", body({**GOOD, "flipper_length_mm": 10}), JSON),
    ("bad-island", body({**GOOD, "island": "Mars"}), JSON),
    ("unicode-island", body({**GOOD, "island": "Torgersen\u0301"}), JSON),
    ("lone-surrogate", body(GOOD).replace(b'"Torgersen"', b'"\\ud800"'), JSON),
    ("wrong-case", body({**GOOD, "sex": "Male"}), JSON),
    ("missing-field", body({k: v for k, v in GOOD.items() if k != "island"}), JSON),
    ("extra-field", body({**GOOD, "colour": "black"}), JSON),
    ("nested", body({**GOOD, "island": {"name": "Dream"}}), JSON),
    ("utf-16", json.dumps(GOOD).encode("utf-16"), JSON),
    ("utf-32-invalid", json.dumps({**GOOD, "island": "Mars"}).encode("utf-32"), JSON),
    ("not-text", b"\x80\x81" + body(GOOD), JSON),
    ("nested-too-deep", b"[" * 100_000 + b"]" * 100_000, JSON),
]


@pytest.mark.parametrize(
    ("content", "content_type"), [b[1:] for b in BODIES], ids=[b[0] for b in BODIES]
)
def test_penguin_body_answers_are_fastapis(
    client, plain_client, loaded_model, content, content_type
):
    headers = {"content-type": content_type} if content_type else {}
    ours = client.post("/predict", content=content, headers=headers)
    theirs = plain_client.post("/predict", content=content, headers=headers)
    assert ours.status_code == theirs.status_code
    if theirs.status_code == 200:
        (expected,) = expected_predictions(loaded_model, [theirs.json()])
        assert ours.json() == {**expected, "model_version": "1.0.0"}
        return
    assert ours.headers["content-type"] == theirs.headers["content-type"]
    assert ours.json() == theirs.json()


def test_penguin_request_is_still_documented(client):
    spec = client.get("/openapi.json").json()
    request_body = spec["paths"]["/predict"]["post"]["requestBody"]
    assert request_body["required"] is True
    content = request_body["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/Penguin"}
    assert content["examples"]["adelie"]["value"] == GOOD
    assert spec["components"]["schemas"]["Penguin"]["additionalProperties"] is False
