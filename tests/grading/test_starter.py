"""Starter generation from solution markers."""

import pytest

from course.paths import REPO_ROOT
from course.starter import MarkerError, drift, render

# The example the contributing guide shows.
SOLUTION = (REPO_ROOT / "docs" / "examples" / "solution_markers.py").read_text()


def test_markers_become_the_starter():
    starter = render(SOLUTION)
    assert starter.endswith(
        "def health() -> dict[str, str]:\n"
        '    # TODO: answer {"status": "ok"}\n'
        '    raise NotImplementedError("health")\n'
    )


def test_the_solution_is_valid_python_and_the_starter_too():
    compile(SOLUTION, "solution", "exec")
    compile(render(SOLUTION), "starter", "exec")


def test_solution_only_files_are_left_out():
    assert render("# SOLUTION ONLY\nx = 1\n") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("# END SOLUTION\n", "END SOLUTION without BEGIN SOLUTION"),
        ("# BEGIN SOLUTION\n# BEGIN STARTER\n", "BEGIN STARTER inside a SOLUTION block"),
        ("# BEGIN STARTER\nx = 1\n# END STARTER\n", "must be commented out"),
    ],
)
def test_bad_markers_are_refused_with_the_line(text, message):
    with pytest.raises(MarkerError, match=message):
        render(text, "f.py")


def test_committed_starters_are_in_sync():
    assert drift() == []


def test_drift_is_detected(tmp_path):
    solution = tmp_path / "solutions" / "module1_api" / "penguin_api"
    starter = tmp_path / "module1_api" / "penguin_api"
    solution.mkdir(parents=True)
    starter.mkdir(parents=True)
    (solution / "routes.py").write_text(SOLUTION)
    (starter / "routes.py").write_text("def health():\n    return 'edited by hand'\n")
    (starter / "extra.py").write_text("")
    assert drift(tmp_path) == [
        "module1_api/penguin_api/routes.py differs from what its solution generates",
        "module1_api/penguin_api/extra.py has no solution file it comes from",
        # Module 2's starter holds a working copy of the same solution (the catch-up rule).
        "module2_docker/penguin_api/routes.py is missing",
    ]


def test_snippet_sections_stay_out_of_the_starter():
    text = "# --8<-- [start:probe]\ndef probe() -> None:\n    pass\n# --8<-- [end:probe]\n"
    assert render(text) == "def probe() -> None:\n    pass\n"


def test_a_catch_up_copy_keeps_the_solution_and_drops_the_markers():
    copy = render(SOLUTION, catch_up=True)
    assert "# BEGIN" not in copy
    assert "# END" not in copy
    assert "NotImplementedError" not in copy  # the STARTER block is gone
    compile(copy, "catch-up", "exec")


def test_module2_starts_from_a_working_module1_api():
    from course.starter import sources

    catch_up = [s for s in sources() if s.catch_up]
    # Weekend 2 gets weekend 1's reference API (to containerise) and its load test (for
    # compose's locust), both finished.
    assert sorted(s.starter.relative_to(REPO_ROOT).as_posix() for s in catch_up) == [
        "module2_docker/load",
        "module2_docker/penguin_api",
    ]
    routes = (REPO_ROOT / "module2_docker" / "penguin_api" / "routes.py").read_text()
    assert "NotImplementedError" not in routes


def test_a_single_file_source_is_checked_for_drift(tmp_path):
    from course import starter

    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "Dockerfile").write_text(
        "# BEGIN SOLUTION\nFROM a:1\n# END SOLUTION\n# BEGIN STARTER\n# FROM b:1\n# END STARTER\n"
    )
    source = starter.StarterSource(tmp_path / "solutions" / "Dockerfile", tmp_path / "Dockerfile")
    assert starter.expected_files(source) == {tmp_path / "Dockerfile": "FROM b:1\n"}
