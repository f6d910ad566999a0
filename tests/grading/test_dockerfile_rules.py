"""The Dockerfile reader and module 2's static rules, on real and hand-written Dockerfiles."""

import textwrap

import pytest

from course.dockerfile import ignore_patterns, is_ignored, parse, read
from course.grading import dockerfile_rules as rules
from course.paths import REPO_ROOT

SOLUTION = REPO_ROOT / "solutions" / "module2_docker"
STARTER = REPO_ROOT / "module2_docker"
EVERY_RULE = (
    rules.exec_form,
    rules.non_root,
    rules.pinned_base,
    rules.dependencies_before_code,
    rules.secrets_in_env_or_arg,
    rules.multi_stage,
    rules.healthcheck,
    rules.listens_on_all_interfaces,
    rules.thread_settings,
    rules.ca_secret_mount,
)


def dockerfile(text: str):
    return parse(textwrap.dedent(text))


def test_continuations_comments_flags_and_forms_are_read():
    parsed = dockerfile(
        """\
        ARG BASE_IMAGE=python:3.11-slim
        FROM ${BASE_IMAGE} AS build
        # a comment
        RUN --mount=type=secret,id=ca \\
            --mount=type=cache,target=/root/.cache \\
        # a comment inside a continued instruction
            pip install -r requirements.txt
        FROM ${BASE_IMAGE}
        COPY --from=build /opt/venv /opt/venv
        ENV A=1 B="two words"
        CMD ["uvicorn", "--host", "0.0.0.0"]
        """
    )
    keywords = [i.keyword for i in parsed.instructions]
    assert keywords == ["ARG", "FROM", "RUN", "FROM", "COPY", "ENV", "CMD"]
    run = parsed.instructions[2]
    assert run.line == 4
    assert run.mounts == ("type=secret,id=ca", "type=cache,target=/root/.cache")
    assert run.arguments == "pip install -r requirements.txt"
    assert parsed.instructions[4].flags == {"from": "build"}
    assert parsed.instructions[6].exec_form == ["uvicorn", "--host", "0.0.0.0"]
    assert parsed.instructions[5].exec_form is None
    assert [s.name for s in parsed.stages] == ["build", None]
    assert parsed.global_args == {"BASE_IMAGE": "python:3.11-slim"}
    assert parsed.expand("${BASE_IMAGE}") == "python:3.11-slim"


def test_the_reference_dockerfile_keeps_every_rule():
    parsed = read(SOLUTION / "Dockerfile")
    for rule in EVERY_RULE:
        assert rule(parsed) == [], rule.__name__
    assert rules.hadolint(SOLUTION / "Dockerfile") == []


def test_the_naive_dockerfile_breaks_the_rules_the_lesson_says_it_breaks():
    parsed = read(SOLUTION / "Dockerfile.naive")
    broken = {rule.__name__ for rule in EVERY_RULE if rule(parsed)}
    assert broken == {
        "exec_form",
        "non_root",
        "dependencies_before_code",
        "multi_stage",
        "healthcheck",
        "thread_settings",
        "ca_secret_mount",
    }


def test_the_starter_fails_what_the_student_has_to_write():
    parsed = read(STARTER / "Dockerfile")
    assert rules.pinned_base(parsed) == []
    assert rules.exec_form(parsed)  # it runs no server yet
    assert rules.dependencies_before_code(parsed)


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [
        ("FROM python:3.11-slim\nCMD uvicorn --host 0.0.0.0 x:y\n", rules.exec_form, "shell form"),
        ("FROM python:3.11-slim\nUSER root\n", rules.non_root, "still runs as root"),
        ("FROM python:3.11-slim\nUSER 0:0\n", rules.non_root, "still runs as root"),
        ("FROM python\n", rules.pinned_base, "no tag"),
        ("ARG BASE_IMAGE=python:latest\nFROM ${BASE_IMAGE}\n", rules.pinned_base, "latest"),
        ("FROM x:1\nENV API_KEYS=abc\n", rules.secrets_in_env_or_arg, "ENV API_KEYS"),
        ("FROM x:1\nARG GITHUB_TOKEN=ghp_x\n", rules.secrets_in_env_or_arg, "GITHUB_TOKEN"),
        ("FROM x:1\nENV DB_PASSWORD secret\n", rules.secrets_in_env_or_arg, "DB_PASSWORD"),
        (
            "FROM x:1\nHEALTHCHECK CMD curl -f http://localhost:8000/ready\n",
            rules.healthcheck,
            "curl",
        ),
        ('FROM x:1\nCMD ["uvicorn", "app:app"]\n', rules.listens_on_all_interfaces, "0.0.0.0"),
        (
            "FROM x:1\nCOPY . /app\nRUN pip install /app\n",
            rules.dependencies_before_code,
            "copies the code before",
        ),
    ],
)
def test_each_rule_catches_its_mistake(text, rule, expected):
    problems = rule(parse(text))
    assert problems, f"{rule.__name__} accepted:\n{text}"
    assert expected in " ".join(problems)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("FROM x:1\nENV API_KEYS_FILE=/run/secrets/keys\n", rules.secrets_in_env_or_arg),
        ("FROM x:1\nARG API_TOKEN\n", rules.secrets_in_env_or_arg),  # declared, no value
        ("FROM x:1\nUSER app\n", rules.non_root),
        (
            'FROM x:1\nENV UVICORN_HOST=0.0.0.0\nCMD ["uvicorn", "a:b"]\n',
            rules.listens_on_all_interfaces,
        ),
        (
            "FROM x:1\nCOPY uv.lock /src/\nRUN uv sync --frozen\nCOPY penguin_api/ /app/\n",
            rules.dependencies_before_code,
        ),
    ],
)
def test_each_rule_accepts_the_right_way(text, rule):
    assert rule(parse(text)) == []


def test_dockerignore_matching_follows_the_builder():
    patterns = ["**/__pycache__", "models", "*.log", "data", "!data/keep.csv"]
    assert is_ignored("a/b/__pycache__/x.pyc", patterns)
    assert is_ignored("models/penguin/model.skops", patterns)
    assert is_ignored("build.log", patterns)
    assert not is_ignored("logs/build.log", patterns)  # * does not cross folders
    assert is_ignored("data/penguins.csv", patterns)
    assert not is_ignored("data/keep.csv", patterns)
    assert not is_ignored("shared_model/data.py", patterns)


def test_the_reference_dockerignore_passes_and_the_starter_does_not():
    solution = ignore_patterns((SOLUTION / "Dockerfile.dockerignore").read_text())
    starter = ignore_patterns((STARTER / "Dockerfile.dockerignore").read_text())
    assert rules.dockerignore(solution) == []
    assert any(".venv" in problem for problem in rules.dockerignore(starter))
    assert any("is ignored" in problem for problem in rules.dockerignore(["*"]))
