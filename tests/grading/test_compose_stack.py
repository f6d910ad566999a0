"""The compose helpers module 2's checks and scaling script rely on, tested without Docker."""

import json
import subprocess
from pathlib import Path

import pytest

from course.grading.compose_stack import interpolate, locust_summary, read_compose
from course.grading.spec import CheckFailure
from course.paths import REPO_ROOT

SOLUTION_COMPOSE = REPO_ROOT / "solutions" / "module2_docker" / "compose" / "compose.yaml"
STARTER_COMPOSE = REPO_ROOT / "module2_docker" / "compose" / "compose.yaml"


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("${A:-d}", {}, "d"),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A-d}", {"A": ""}, ""),
        ("${A-d}", {}, "d"),
        ("${A}", {"A": "x"}, "x"),
        ("127.0.0.1:${PORT:-8080}:8080", {"PORT": "9"}, "127.0.0.1:9:8080"),
        ("cost: $$5", {}, "cost: $5"),
    ],
)
def test_interpolate_follows_compose(text: str, env: dict[str, str], expected: str) -> None:
    assert interpolate({"k": [text]}, env) == {"k": [expected]}


def test_the_solution_and_starter_stacks_differ_only_where_the_student_works() -> None:
    solution = read_compose(SOLUTION_COMPOSE, {"LB_PORT": "9999"})
    starter = read_compose(STARTER_COMPOSE)
    assert sorted(solution["services"]) == sorted(starter["services"]) == ["api", "lb", "loadgen"]
    assert solution["services"]["lb"]["ports"] == ["127.0.0.1:9999:8080"]
    assert "healthcheck" not in starter["services"]["api"]
    # Both build contexts are the repository root, from two folders at different depths.
    for path, data in ((SOLUTION_COMPOSE, solution), (STARTER_COMPOSE, starter)):
        context = (path.parent / data["services"]["api"]["build"]["context"]).resolve()
        assert context == REPO_ROOT
        assert (context / data["services"]["api"]["build"]["dockerfile"]).parent.name == (
            "module2_docker"
        )
        locustfile = data["services"]["loadgen"]["volumes"][0].split(":")[0]
        assert (path.parent / locustfile).resolve().is_file()


def test_a_broken_compose_file_is_a_sentence(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    broken.write_text("services:\n  api: [\n")
    with pytest.raises(CheckFailure, match="not valid YAML"):
        read_compose(broken)
    with pytest.raises(CheckFailure, match="there is no"):
        read_compose(tmp_path / "missing.yaml")


def test_locust_summary_reads_the_json_statistics() -> None:
    entries = [
        {"start_time": 100.0, "last_request_timestamp": 110.0, "num_requests": 900,
         "num_failures": 0},
        {"start_time": 100.5, "last_request_timestamp": 109.0, "num_requests": 100,
         "num_failures": 2},
    ]  # fmt: skip
    log = "[2026-12-03 19:07:05,213] host/INFO/locust.main: Starting\n" + json.dumps(
        entries, indent=4
    )
    summary = locust_summary(log)
    assert summary is not None
    assert (summary.requests, summary.failures, summary.seconds) == (1000, 2, 10.0)
    assert summary.requests_per_s == 100.0
    assert locust_summary("no statistics here") is None


@pytest.mark.parametrize(
    "script",
    [
        *sorted((REPO_ROOT / "docs" / "module2" / "commands").glob("*.sh")),
        REPO_ROOT / "docs" / "examples" / "module2_commands.sh",
        REPO_ROOT / "solutions" / "module2_docker" / "network" / "two_containers.sh",
    ],
    ids=lambda p: p.name,
)
def test_shell_scripts_the_lessons_show_are_valid_bash(script: Path) -> None:
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_lessons_compose_example_is_health_gated() -> None:
    example = read_compose(
        REPO_ROOT / "docs" / "module2" / "examples" / "compose-health-gated.yaml"
    )
    assert example["services"]["client"]["depends_on"]["server"]["condition"] == "service_healthy"
    assert example["services"]["server"]["healthcheck"]["test"][0] == "CMD"
