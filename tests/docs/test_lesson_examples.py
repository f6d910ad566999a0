"""The worked examples the module 1 lessons include (docs/examples/) do what the lessons say."""

import importlib.util
import sys
from types import ModuleType

from fastapi.testclient import TestClient

from course.paths import REPO_ROOT


def example(name: str) -> ModuleType:
    path = REPO_ROOT / "docs" / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"lesson_example_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_openapi_example_documents_everything_and_its_examples_work():
    demo = example("openapi_metadata")
    client = TestClient(demo.create_app())
    schema = client.get("/openapi.json").json()
    assert schema["info"]["version"] == demo.API_VERSION
    assert {t["name"] for t in schema["tags"]} == {"conversions", "probes"}
    body = schema["paths"]["/convert"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == {"flipper", "ruler"}
    for named in body["examples"].values():
        assert client.post("/convert", json=named["value"]).status_code == 200
    inches = client.post("/convert", json={"value": 254, "unit": "mm", "to": "in"}).json()
    assert inches == {"value": 10.0, "unit": "in"}


def test_cors_example_shows_the_wildcard_with_credentials_echoing_any_origin(capsys):
    demo = example("cors_preflight")
    demo.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("Access-Control-Allow-Origin: https://penguins.example")
    assert lines[1].endswith("Access-Control-Allow-Origin: (none)")
    assert lines[2].endswith("Access-Control-Allow-Origin: https://evil.example")


def test_dependency_example_loads_once_per_start_and_can_be_overridden():
    lines = example("dependencies_and_lifespan").demo()
    assert lines == [
        "Gentoo: {'known': True}",
        "emperor: {'known': False}",
        "Adelie: {'known': True}",
        "emperor, overridden: {'known': True}",
        "word-list loads: 2 (one per app start, none per request)",
    ]
