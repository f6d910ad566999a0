"""Static checks of module 2: the Dockerfile and its .dockerignore, read, never built.

They need no Docker, so they give the same verdict on every machine.
"""

from pathlib import Path

from course.dockerfile import Dockerfile
from course.grading import CheckFailure, check
from course.grading import dockerfile_rules as rules

LAYERS = "1. Images and layers"
FIRST = "2. First Dockerfile"
PRODUCTION = "3. Production image"
PROXY = "9. Corporate proxy"


def holds(problems: list[str]) -> None:
    """Fail with every problem the rule found; the check's hint says what to do."""
    if problems:
        raise CheckFailure("; ".join(problems))


@check(
    id="dockerfile-reads",
    points=1,
    exercise=FIRST,
    title="module2_docker/Dockerfile exists and reads as a Dockerfile with a FROM",
    hint="Start from the starter's Dockerfile; every instruction begins with a keyword.",
    kind="static",
)
def test_dockerfile_reads(dockerfile: Dockerfile):
    assert dockerfile.stages


@check(
    id="dockerignore-covers",
    points=2,
    exercise=LAYERS,
    title="Dockerfile.dockerignore leaves out .venv, .git, models/ and data, keeps the sources",
    hint="Add .venv, .git, models and data (and **/*.csv) to module2_docker/"
    "Dockerfile.dockerignore; never ignore shared_model/, uv.lock or module2_docker/penguin_api/.",
    kind="static",
)
def test_dockerignore_covers(dockerignore_patterns: list[str]):
    holds(rules.dockerignore(dockerignore_patterns))


@check(
    id="dependencies-before-code",
    points=2,
    exercise=LAYERS,
    title="The dependencies are installed before the API's code is copied",
    hint="COPY only the lock file(s), install, and COPY the code after: a code edit then "
    "reuses the cached dependency layer.",
    requires=["dockerfile-reads"],
    kind="static",
)
def test_dependencies_before_code(dockerfile: Dockerfile):
    holds(rules.dependencies_before_code(dockerfile))


@check(
    id="exec-form-cmd",
    points=2,
    exercise=FIRST,
    title="CMD/ENTRYPOINT start the API in exec (JSON) form",
    hint='CMD ["uvicorn", "--host", "0.0.0.0", "--port", "8000", "--factory", '
    '"penguin_api.main:create_app"]: uvicorn is then PID 1 and receives SIGTERM.',
    requires=["dockerfile-reads"],
    kind="static",
)
def test_exec_form_cmd(dockerfile: Dockerfile):
    holds(rules.exec_form(dockerfile))


@check(
    id="listens-on-all-interfaces",
    points=1,
    exercise=FIRST,
    title="The server listens on 0.0.0.0 inside the container",
    hint="Pass --host 0.0.0.0 to uvicorn: its default, 127.0.0.1, is the container's own "
    "loopback, which a published port cannot reach.",
    requires=["dockerfile-reads"],
    kind="static",
)
def test_listens_on_all_interfaces(dockerfile: Dockerfile):
    holds(rules.listens_on_all_interfaces(dockerfile))


@check(
    id="hadolint-clean",
    points=2,
    exercise=PRODUCTION,
    title="hadolint finds no warning or error",
    hint="Run `.venv/bin/hadolint module2_docker/Dockerfile` and fix each finding; the code "
    "(DL3008, ...) is explained on hadolint's wiki.",
    requires=["dockerfile-reads"],
    kind="static",
    timeout=60,
)
def test_hadolint_clean(dockerfile_path: Path):
    try:
        findings = rules.hadolint(dockerfile_path)
    except rules.HadolintMissingError as exc:
        raise CheckFailure(
            str(exc), help="Install the course's environment: make install"
        ) from None
    holds([str(finding) for finding in findings])


@check(
    id="multi-stage",
    points=2,
    exercise=PRODUCTION,
    title="A build stage and a runtime stage (at least two FROM)",
    hint="Build the venv in `FROM ${BASE_IMAGE} AS build`, then start again FROM ${BASE_IMAGE} "
    "and COPY --from=build only the venv and the model.",
    requires=["dockerfile-reads"],
    kind="static",
)
def test_multi_stage(dockerfile: Dockerfile):
    holds(rules.multi_stage(dockerfile))


@check(
    id="non-root-user",
    points=2,
    exercise=PRODUCTION,
    title="The final stage switches to a non-root USER",
    hint="Create a system user (useradd --system --uid 10001 ...) and end with USER 10001.",
    requires=["dockerfile-reads"],
    kind="static",
)
def test_non_root_user(dockerfile: Dockerfile):
    holds(rules.non_root(dockerfile))


@check(
    id="healthcheck-without-curl",
    points=2,
    exercise=PRODUCTION,
    title="A HEALTHCHECK asks /ready without curl",
    hint='HEALTHCHECK CMD ["python3", "-c", "import urllib.request; urllib.request.'
    "urlopen('http://127.0.0.1:8000/ready', timeout=2)\"]",
    requires=["dockerfile-reads"],
    kind="static",
)
def test_healthcheck_without_curl(dockerfile: Dockerfile):
    holds(rules.healthcheck(dockerfile))


@check(
    id="pinned-base",
    points=1,
    exercise=PRODUCTION,
    title="ARG BASE_IMAGE=python:3.11-slim, and every FROM uses it or an earlier stage",
    hint="Begin with `ARG BASE_IMAGE=python:3.11-slim` and write `FROM ${BASE_IMAGE} AS ...`; "
    "never `latest` or an untagged image.",
    requires=["dockerfile-reads"],
    kind="static",
)
def test_pinned_base(dockerfile: Dockerfile):
    holds(rules.pinned_base(dockerfile))


@check(
    id="thread-settings",
    points=1,
    exercise=PRODUCTION,
    title="The runtime stage sets OMP_NUM_THREADS (and friends) for a container's CPU share",
    hint="ENV OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 in the final stage.",
    requires=["dockerfile-reads"],
    kind="static",
)
def test_thread_settings(dockerfile: Dockerfile):
    holds(rules.thread_settings(dockerfile))


@check(
    id="no-secrets-in-env-or-arg",
    points=2,
    exercise=PROXY,
    title="No ENV or ARG holds a key, token, password or secret",
    hint="Secrets go in at build time with --secret and RUN --mount=type=secret, and at run "
    "time through the environment of `docker run` or a mounted file (API_KEYS_FILE).",
    requires=["dockerfile-reads"],
    kind="static",
)
def test_no_secrets_in_env_or_arg(dockerfile: Dockerfile):
    holds(rules.secrets_in_env_or_arg(dockerfile))


@check(
    id="ca-secret-mount",
    points=1,
    exercise=PROXY,
    title="The install step mounts the proxy's CA as the BuildKit secret `ca`",
    hint="RUN --mount=type=secret,id=ca,target=/run/secrets/ca.pem,required=false ... and "
    "point SSL_CERT_FILE (uv) or PIP_CERT (pip) at it when it is there.",
    requires=["dependencies-before-code"],
    kind="static",
)
def test_ca_secret_mount(dockerfile: Dockerfile):
    holds(rules.ca_secret_mount(dockerfile))
