"""The OpenAPI document is derived from the feature schema and shows real examples."""

from shared_model import SCHEMA
from tests.reference_api.penguins import first_of_each_species


def test_request_schema_is_derived_from_the_feature_schema(client):
    spec = client.get("/openapi.json").json()
    penguin = spec["components"]["schemas"]["Penguin"]
    assert list(penguin["properties"]) == list(SCHEMA.names)
    assert penguin["additionalProperties"] is False
    assert set(penguin["required"]) == {
        f.name for f in SCHEMA.features if not getattr(f, "nullable", False)
    }
    for feature in SCHEMA.numeric:
        prop = penguin["properties"][feature.name]
        assert (prop["minimum"], prop["maximum"]) == (feature.minimum, feature.maximum)
        assert prop["unit"] == feature.unit
    island = penguin["properties"]["island"]
    assert island["enum"] == list(SCHEMA.categorical[0].categories)


def test_request_examples_are_real_rows(client):
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]
    examples = {name: e["value"] for name, e in body["examples"].items()}
    assert examples == {species.lower(): row for species, row in first_of_each_species()}


def test_docs_page_loads(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.text


def test_batch_limit_is_documented(client):
    spec = client.get("/openapi.json").json()
    rows = spec["components"]["schemas"]["BatchRequest"]["properties"]["rows"]
    assert (rows["minItems"], rows["maxItems"]) == (1, 1000)
