"""The errors lesson shows a real answer of the reference API: it must stay the real answer."""

import json

from course.paths import REPO_ROOT
from tests.reference_api.penguins import first_of_each_species

EXAMPLE = REPO_ROOT / "docs" / "examples" / "validation_problem.json"


def test_the_lessons_problem_is_what_the_api_answers(client):
    # The lesson's request: the first Adelie, from "Atlantis", without its body mass.
    _, penguin = first_of_each_species()[0]
    body = {**penguin, "island": "Atlantis"}
    del body["body_mass_g"]
    response = client.post("/predict", json=body)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == json.loads(EXAMPLE.read_text())
