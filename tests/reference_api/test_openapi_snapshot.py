"""The reference API's schema is the committed snapshot, and the snapshot tooling notices drift.

Like FastAPI's own OpenAPI tests: any change to the contract fails here until the snapshot is
rewritten on purpose (``course openapi --write --solution``).
"""

import copy
import os
import subprocess
import sys
from pathlib import Path

from penguin_api.main import create_app

from course.openapi_snapshot import (
    current_schema,
    default_settings,
    differences,
    read_snapshot,
)
from course.paths import MODULE1, SOLUTIONS

COURSE = Path(sys.executable).with_name("course")


def test_the_schema_is_the_committed_snapshot():
    snapshot = read_snapshot(SOLUTIONS / MODULE1)
    assert snapshot is not None, "run `course openapi --write --solution` and commit the file"
    found = differences(snapshot, current_schema(create_app))
    assert not found, "run `course openapi --write --solution` if this change is meant:\n" + (
        "\n".join(found)
    )


def test_the_snapshot_is_of_the_default_settings_whatever_the_environment(monkeypatch):
    monkeypatch.setenv("API_KEYS", "k1")
    monkeypatch.setenv("MAX_BATCH_ROWS", "7")
    schema = current_schema(create_app)
    assert "securitySchemes" not in schema.get("components", {})
    rows = schema["components"]["schemas"]["BatchRequest"]["properties"]["rows"]
    assert rows["maxItems"] == 1000
    assert os.environ["API_KEYS"] == "k1", "the environment is restored afterwards"
    with default_settings():
        assert "API_KEYS" not in os.environ


def test_differences_name_each_changed_place():
    snapshot = current_schema(create_app)
    live = copy.deepcopy(snapshot)
    live["paths"]["/predict"]["post"]["summary"] = "Something else"
    del live["paths"]["/health"]
    live["info"]["version"] = "2.0.0"
    assert differences(snapshot, live) == [
        'info > version was "1.0.0" in the snapshot and is "2.0.0" now',
        "paths > /health is in the snapshot but no longer in the schema",
        'paths > /predict > post > summary was "Predict the species of one penguin" in the '
        'snapshot and is "Something else" now',
    ]
    assert differences(snapshot, snapshot) == []


def test_course_openapi_checks_the_solution_snapshot():
    result = subprocess.run(
        [str(COURSE), "openapi", "--solution"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The schema matches solutions/module1_api/openapi.snapshot.json" in result.stdout
