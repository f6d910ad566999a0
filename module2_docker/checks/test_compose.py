"""Checks for exercise 6: the API, a load balancer and locust in one compose project.

The static checks read compose/compose.yaml with compose's own variable substitution (no Docker
needed, the same verdict everywhere). The live checks start the stack with two API replicas
under a project name unique to the run, and always take it down.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from course.grading import CheckFailure, check, expect_equal, module2_images
from course.grading.compose_stack import ComposeStack, compose_stack, locust_summary, read_compose
from course.grading.live import free_port
from course.grading.module2_images import dockerkit, lb_image, loadgen_image

COMPOSE = "6. Compose"
COMPOSE_FILE = Path("compose") / "compose.yaml"
SERVICES = ("api", "lb", "loadgen")
# The settings names of DECISIONS.md, plus the BLAS thread limits the Dockerfile sets.
SETTINGS = {
    "APP_ENV",
    "API_KEYS",
    "API_KEYS_FILE",
    "MODEL_DIR",
    "LOG_LEVEL",
    "MAX_BATCH_ROWS",
    "MAX_BODY_BYTES",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
}
# A port no default would pick: seeing it in the published ports proves LB_PORT is used.
SENTINEL_PORT = "54329"
REPLICAS = 2

module2_api_image = module2_images.module2_api_image


@pytest.fixture(scope="module")
def config(graded_dir: Path) -> dict[str, Any]:
    return read_compose(graded_dir / COMPOSE_FILE, {"LB_PORT": SENTINEL_PORT})


def _service(config: dict[str, Any], name: str) -> dict[str, Any]:
    service = config["services"].get(name)
    return service if isinstance(service, dict) else {}


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the `- NAME=value` form
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): str(value) for key, value in env.items()}


@check(
    id="compose-services",
    points=2,
    exercise=COMPOSE,
    title="compose.yaml declares api, lb and loadgen, with pinned image tags",
    hint="Keep the three services of the starter; give every `image:` an explicit tag other "
    "than latest, and no `container_name:` or `ports:` on api (replicas share neither).",
    kind="static",
)
def test_compose_services(config: dict[str, Any]) -> None:
    missing = [name for name in SERVICES if name not in config["services"]]
    if missing:
        raise CheckFailure(
            f"compose.yaml has no service {', '.join(missing)}",
            expected=list(SERVICES),
            actual=sorted(config["services"]),
        )
    for name in SERVICES:
        image = str(_service(config, name).get("image", ""))
        tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
        if not tag or tag == "latest":
            raise CheckFailure(
                f"the {name} service's image {image!r} has no pinned tag",
                help="`latest` (or no tag) names a different image tomorrow: use e.g. "
                "penguin-api:dev, set from a variable.",
            )
    api = _service(config, "api")
    for key, why in (
        ("container_name", "two replicas cannot have the same name"),
        ("ports", "two replicas cannot publish the same host port; the lb is the way in"),
    ):
        if api.get(key):
            raise CheckFailure(f"the api service sets `{key}:`, but {why}", help=f"Remove {key}.")


@check(
    id="compose-healthcheck",
    points=2,
    exercise=COMPOSE,
    title="the api service has an exec-form healthcheck that asks /ready without curl",
    hint='healthcheck: test: [CMD, python3, -c, "import urllib.request; urllib.request.'
    "urlopen('http://127.0.0.1:8000/ready', timeout=2)\"], with an interval of a few seconds.",
    kind="static",
)
def test_compose_healthcheck(config: dict[str, Any]) -> None:
    test = (_service(config, "api").get("healthcheck") or {}).get("test")
    if not isinstance(test, list) or not test or test[0] != "CMD":
        raise CheckFailure(
            "the api service has no exec-form healthcheck",
            expected='test: ["CMD", "python3", "-c", "..."]',
            actual=test,
            help="The exec form runs without a shell; CMD-SHELL or a plain string needs one.",
        )
    command = " ".join(map(str, test[1:]))
    if "curl" in command or "wget" in command:
        raise CheckFailure(
            "the healthcheck calls curl or wget, which the image does not have",
            help="Ask /ready with Python's urllib, which every image of the course has.",
        )
    if "/ready" not in command:
        raise CheckFailure(
            "the healthcheck does not ask /ready",
            actual=command,
            help="Healthy must mean ready to serve: /ready answers 200 once the model is loaded.",
        )


@check(
    id="compose-health-gated",
    points=2,
    exercise=COMPOSE,
    title="lb and loadgen start only once the api service is healthy",
    hint="Under lb and loadgen: depends_on: {api: {condition: service_healthy}}.",
    kind="static",
)
def test_compose_health_gated(config: dict[str, Any]) -> None:
    for name in ("lb", "loadgen"):
        depends = _service(config, name).get("depends_on") or {}
        condition = depends.get("api", {}).get("condition") if isinstance(depends, dict) else None
        expect_equal(
            condition,
            "service_healthy",
            f"The condition on api in {name}'s depends_on",
            help="The short list form (depends_on: [api]) waits for the start only, not the "
            "model: use the long form with condition: service_healthy.",
        )


@check(
    id="compose-network",
    points=2,
    exercise=COMPOSE,
    title="one user-defined network joins the three services",
    hint="Declare `networks: {penguins: {}}` at the top level and list it under each service's "
    "`networks:`; no network_mode: host.",
    kind="static",
)
def test_compose_network(config: dict[str, Any]) -> None:
    networks = config.get("networks") or {}
    if len(networks) != 1:
        raise CheckFailure(
            "compose.yaml should declare exactly one network at the top level",
            expected=1,
            actual=sorted(networks),
        )
    (name,) = networks
    for service in SERVICES:
        spec = _service(config, service)
        if spec.get("network_mode"):
            raise CheckFailure(
                f"{service} sets network_mode: {spec['network_mode']}",
                help="Use the compose network: host networking bypasses its DNS and isolation.",
            )
        joined = spec.get("networks") or []
        if name not in joined:
            raise CheckFailure(
                f"the {service} service is not on the network {name!r}",
                actual=list(joined),
                help=f"Add `networks: [{name}]` to {service}.",
            )


@check(
    id="compose-settings",
    points=1,
    exercise=COMPOSE,
    title="the api service is configured with the course's settings names, and lb with LB_PORT",
    hint="environment: APP_ENV, LOG_LEVEL, MODEL_DIR... (the names `course serve` uses); "
    'lb publishes "127.0.0.1:${LB_PORT:-8080}:8080".',
    kind="static",
)
def test_compose_settings(config: dict[str, Any]) -> None:
    env = _environment(_service(config, "api"))
    unknown = sorted(set(env) - SETTINGS)
    if "APP_ENV" not in env or unknown:
        raise CheckFailure(
            "the api service's environment should set APP_ENV and only the course's settings",
            expected=sorted(SETTINGS),
            actual=sorted(env),
            help=f"Unknown names are ignored by the app: {', '.join(unknown) or 'none'}.",
        )
    ports = [str(p) if not isinstance(p, dict) else _long_port(p) for p in
             _service(config, "lb").get("ports") or []]  # fmt: skip
    expect_equal(
        ports,
        [f"127.0.0.1:{SENTINEL_PORT}:8080"],
        "The lb service's published ports with LB_PORT set",
        help="Publish on the loopback only, with the host port from ${LB_PORT:-8080}.",
    )


def _long_port(port: dict[str, Any]) -> str:
    return f"{port.get('host_ip', '')}:{port.get('published', '')}:{port.get('target', '')}"


# -- live ---------------------------------------------------------------------------------------
STATIC = ["compose-services", "compose-healthcheck", "compose-health-gated", "compose-network"]


@pytest.fixture(scope="module")
def stack(graded_dir: Path, module2_api_image: str) -> Iterator[ComposeStack]:
    """The stack with two API replicas and the load balancer up (loadgen not yet started)."""
    env = {
        "API_IMAGE": module2_api_image,
        "LB_IMAGE": lb_image(graded_dir),
        "LOADGEN_IMAGE": loadgen_image(graded_dir, module2_api_image),
        "BASE_IMAGE": dockerkit.base_image(),
        "LB_PORT": str(free_port()),
        "LOAD_USERS": "10",
        "LOAD_DURATION": "8s",
    }
    with compose_stack(graded_dir / COMPOSE_FILE, env, prefix="course-compose") as running:
        running.compose("up", "--detach", "--no-build", "--scale", f"api={REPLICAS}", "lb")
        yield running


@check(
    id="compose-up-healthy",
    points=3,
    exercise=COMPOSE,
    title="`docker compose up` starts two healthy API replicas, then the load balancer",
    hint="`docker compose up --scale api=2 lb` must finish with both replicas healthy; "
    "`docker compose ps` and `docker compose logs api` show why one is not.",
    requires=STATIC,
    kind="live",
    needs=["docker"],
    timeout=900,
)
def test_compose_up_healthy(stack: ComposeStack) -> None:
    apis = [stack.inspect(cid) for cid in stack.container_ids("api")]
    health = [api["State"].get("Health", {}).get("Status") for api in apis]
    expect_equal(health, ["healthy"] * REPLICAS, "The health of the api replicas")
    # The order as the engine recorded it: each replica's first "healthy" before the lb's start.
    events = stack.events()

    def service(event: dict[str, Any]) -> str:
        return str(event["Actor"]["Attributes"].get("com.docker.compose.service"))

    lb_start = next((e for e in events if service(e) == "lb" and e["Action"] == "start"), None)
    healthy = {
        e["id"]: e["timeNano"]
        for e in reversed(events)  # reversed: the dict keeps each replica's first event
        if service(e) == "api" and e["Action"] == "health_status: healthy"
    }
    if lb_start is None or len(healthy) < REPLICAS:
        raise CheckFailure(
            "Docker recorded no start of lb after two healthy api replicas",
            actual=f"lb started: {lb_start is not None}; healthy replicas: {len(healthy)}",
            help="`docker compose up --scale api=2 lb` must start both; see `docker compose ps`.",
        )
    early = [cid[:12] for cid, when in healthy.items() if when > lb_start["timeNano"]]
    if early:
        raise CheckFailure(
            "the load balancer started before these api replicas were healthy: " + ", ".join(early),
            help="depends_on: {api: {condition: service_healthy}} on lb.",
        )


@check(
    id="compose-lb-replicas",
    points=3,
    exercise=COMPOSE,
    title="requests through the load balancer reach both API replicas",
    hint="The lb's nginx resolves `api` when it starts: it must start after the replicas "
    "(health-gated) and be on their network; its X-Served-By header names the replica.",
    requires=["compose-up-healthy"],
    kind="live",
    needs=["docker"],
)
def test_compose_lb_replicas(stack: ComposeStack) -> None:
    served = []
    for _ in range(12):
        url = f"http://127.0.0.1:{stack.env['LB_PORT']}/ready"
        with urllib.request.urlopen(url, timeout=5) as response:
            expect_equal(response.status, 200, "The status of GET /ready through the lb")
            served.append(response.headers.get("X-Served-By", "").rsplit(":", 1)[0])
    replicas = set()
    for cid in stack.container_ids("api"):
        for net in stack.inspect(cid)["NetworkSettings"]["Networks"].values():
            replicas.add(net["IPAddress"])
    reached = set(served) & replicas
    if len(reached) < REPLICAS:
        raise CheckFailure(
            f"12 requests through the lb reached {len(reached)} of the {REPLICAS} replicas",
            expected=sorted(replicas),
            actual=sorted(set(served)),
            help="If the lb started before the second replica existed, it only knows the first.",
        )


@check(
    id="compose-loadgen",
    points=3,
    exercise=COMPOSE,
    title="the headless locust run through the load balancer ends with zero failures",
    hint="`docker compose up loadgen` runs locust against http://lb:8080; its summary names the "
    "failing requests. The loadgen service must be on the network, after api is healthy.",
    requires=["compose-lb-replicas"],
    kind="live",
    needs=["docker"],
    timeout=300,
)
def test_compose_loadgen(stack: ComposeStack) -> None:
    stack.compose("up", "--detach", "--no-build", "--scale", f"api={REPLICAS}", "loadgen")
    (loadgen,) = stack.container_ids("loadgen")
    code = dockerkit.docker("wait", loadgen, timeout=240).stdout.strip()
    # locust prints its JSON statistics on stdout and its log on stderr: read them apart.
    logs = dockerkit.docker("logs", loadgen)
    summary, log = locust_summary(logs.stdout), logs.stderr
    if summary is None or code != "0" or summary.failures or not summary.requests:
        raise CheckFailure(
            "the locust run did not finish cleanly",
            expected="exit code 0, some requests, 0 failures",
            actual=f"exit code {code}, "
            + (f"{summary.requests} requests, {summary.failures} failures" if summary else "")
            + ("" if summary else "no statistics: " + " | ".join(log.splitlines()[-4:])),
        )


@check(
    id="compose-down",
    points=2,
    exercise=COMPOSE,
    title="`docker compose down` removes every container and network of the project",
    hint="Keep everything inside the project: no `external: true` network and no containers "
    "started outside compose.",
    requires=["compose-up-healthy"],
    kind="live",
    needs=["docker"],
)
def test_compose_down(stack: ComposeStack) -> None:
    stack.down()
    deadline = time.monotonic() + 20
    while (left := stack.leftovers()) and time.monotonic() < deadline:
        time.sleep(1)
    expect_equal(left, [], "What is left of the project after `docker compose down`")
