"""The README's example is exactly true: its request, sent to the API, gets its response."""

import json
import re
import shlex

from course.paths import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()


def block_after(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\s*```\w+\n(.*?)```", README, re.S)
    assert match, f"README has no code block after <!-- {marker} -->"
    return match.group(1)


def test_the_readme_curl_example_is_what_the_api_answers(client):
    words = shlex.split(block_after("readme-request").replace("\\\n", " "))
    assert words[:2] == ["curl", "-s"]
    url = words[words.index("-X") + 2]
    path = url.removeprefix("http://127.0.0.1:8000")
    body = json.loads(words[words.index("-d") + 1])
    response = client.post(path, json=body)
    assert response.status_code == 200
    assert response.json() == json.loads(block_after("readme-response"))


def test_the_readme_names_the_two_commands():
    assert "make serve" in README
    assert "make test" in README
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
