"""Checks for exercise 1, HTTP and the network: the student's scripts and answers, run against
a live server of the student's own API on a port the grader picks, compared with the truth."""

import http.client
import inspect
import os
import secrets
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from course.grading import CheckFailure, check, expect_equal
from course.grading.answers import expect_answers, load_answers
from course.grading.live import free_port
from course.grading.scripts import run_script

NETWORK = "1. HTTP and the network"
ANSWERS = "answers/http.toml"
# The URL the [url] questions take apart; the answers file repeats it for the student.
QUESTION_URL = "https://api.penguins.example:8443/predict/batch?explain=true&lang=en#top"


def _host_port(url: str) -> tuple[str, int]:
    # serve_app's URLs always name both: http://127.0.0.1:<port>
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def _status_line(host: str, port: int, path: str) -> str:
    """The status line the server really sends, read by Python's own HTTP client."""
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return f"HTTP/{response.version // 10}.{response.version % 10} {response.status} " + (
            response.reason
        )
    finally:
        connection.close()


@check(
    id="net-listening-port",
    points=3,
    exercise=NETWORK,
    title="network/listening_port.sh PID prints the port that process listens on",
    hint="`ss -ltnp` lists listening TCP sockets with their process (users:((...,pid=N,...))); "
    "keep the lines of the PID and print the number after the last ':' of the local address.",
    requires=["app-starts"],
    kind="live",
    needs=["ss"],
    timeout=60,
)
def test_listening_port(graded_dir: Path, started_server):
    url, process = started_server
    _, port = _host_port(url)
    run = run_script(graded_dir, "network/listening_port.sh", str(process.pid))
    if run.returncode != 0 or run.lines != [str(port)]:
        raise CheckFailure(
            f"the grader started your API as PID {process.pid} on port {port}, and "
            f"`{run.command}` did not print just that port",
            expected=f"{port} (exit 0)",
            actual=run.described(),
        )
    # A process that listens nowhere: the script must say so, not print another's port.
    idle = subprocess.Popen(["sleep", "30"])
    try:
        run = run_script(graded_dir, "network/listening_port.sh", str(idle.pid))
    finally:
        idle.kill()
        idle.wait()
    if run.returncode == 0 or run.lines:
        raise CheckFailure(
            "for a process that listens on no port, the script printed ports or exited 0",
            expected="no output on stdout and a non-zero exit code",
            actual=run.described(),
            help="Match the PID exactly (pid=123, — with the comma — so 12 does not match 123) "
            "and `exit 1` when nothing matched.",
        )


@check(
    id="net-port-open",
    points=2,
    exercise=NETWORK,
    title="network/port_open.sh HOST PORT tells an open port from a closed one (nc)",
    hint="`nc -z -w 2 HOST PORT` connects without sending anything and exits 0 only when "
    "something accepted the connection: print open or closed from its exit status.",
    requires=["app-starts"],
    kind="live",
    needs=["nc"],
    timeout=60,
)
def test_port_open(graded_dir: Path, started_server):
    host, port = _host_port(started_server[0])
    run = run_script(graded_dir, "network/port_open.sh", host, str(port))
    if run.returncode != 0 or run.lines != ["open"]:
        raise CheckFailure(
            f"your API listens on {host}:{port}, and the script did not say open",
            expected="open (exit 0)",
            actual=run.described(),
        )
    closed = free_port()
    run = run_script(graded_dir, "network/port_open.sh", host, str(closed))
    if run.returncode == 0 or run.lines != ["closed"]:
        raise CheckFailure(
            f"nothing listens on {host}:{closed}, and the script did not say closed",
            expected="closed (non-zero exit)",
            actual=run.described(),
        )


@check(
    id="net-status-line",
    points=3,
    exercise=NETWORK,
    title="network/status_line.sh HOST PORT PATH sends a hand-written request and prints the "
    "status line",
    hint="exec 3<>/dev/tcp/$host/$port; printf 'GET %s HTTP/1.1\\r\\nHost: ...\\r\\n"
    "Connection: close\\r\\n\\r\\n' >&3; read the first line back and strip its \\r.",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_status_line(graded_dir: Path, started_server):
    host, port = _host_port(started_server[0])
    # A path nobody can guess, so the 404 is the server's answer, not a hard-coded line.
    for path in ("/openapi.json", f"/no-such-path-{secrets.token_hex(4)}", "/predict"):
        truth = _status_line(host, port, path)
        run = run_script(graded_dir, "network/status_line.sh", host, str(port), path)
        if run.returncode != 0 or run.lines[:1] != [truth] or len(run.lines) != 1:
            raise CheckFailure(
                f"`{run.command}` did not print the status line your API sends for GET {path}",
                expected=truth,
                actual=run.described(),
                help="Print only the first line of the answer; HTTP lines end with \\r\\n, so "
                "remove the \\r (e.g. \"${line%$'\\r'}\").",
            )


@check(
    id="net-response-header",
    points=2,
    exercise=NETWORK,
    title="network/response_header.sh URL HEADER prints a response header's value (curl)",
    hint="curl -sS -o /dev/null -D - URL prints the response headers of a GET (not -I: that "
    "sends HEAD); find the line whose name matches, case-insensitively, and print its value.",
    requires=["app-starts"],
    kind="live",
    needs=["curl"],
    timeout=60,
)
def test_response_header(graded_dir: Path, started_server):
    url = f"{started_server[0]}/openapi.json"
    truth = httpx.get(url, timeout=10).headers
    for header in ("content-type", "Content-Length"):
        run = run_script(graded_dir, "network/response_header.sh", url, header)
        if run.returncode != 0 or run.lines != [truth[header]]:
            raise CheckFailure(
                f"`{run.command}` did not print the {header} your API sends",
                expected=truth[header],
                actual=run.described(),
            )
    absent = f"x-not-sent-{secrets.token_hex(3)}"
    run = run_script(graded_dir, "network/response_header.sh", url, absent)
    if run.returncode == 0 or run.lines:
        raise CheckFailure(
            f"for a header the response does not have ({absent}) the script printed something "
            "or exited 0",
            expected="nothing on stdout and a non-zero exit code",
            actual=run.described(),
        )


@check(
    id="net-resolve-host",
    points=2,
    exercise=NETWORK,
    title="network/resolve_host.sh NAME prints the IPv4 addresses the name resolves to",
    hint="`getent ahostsv4 NAME` asks the system resolver (/etc/hosts, then DNS), as your "
    "programs do; print the first column once per address, and exit 1 when getent fails.",
    kind="unit",
    needs=["getent"],
    timeout=60,
)
def test_resolve_host(graded_dir: Path):
    for name in ("localhost", socket.gethostname()):
        truth = sorted({info[4][0] for info in socket.getaddrinfo(name, None, socket.AF_INET)})
        run = run_script(graded_dir, "network/resolve_host.sh", name)
        if run.returncode != 0 or sorted(set(run.lines)) != truth or len(run.lines) != len(truth):
            raise CheckFailure(
                f"`{run.command}` did not print the addresses {name} resolves to, each once",
                expected="\n".join(truth),
                actual=run.described(),
            )
    # .invalid never resolves (RFC 6761): the answer must be an error, not an address.
    nowhere = f"nobody-{secrets.token_hex(3)}.invalid"
    run = run_script(graded_dir, "network/resolve_host.sh", nowhere)
    if run.returncode == 0 or run.lines:
        raise CheckFailure(
            "for a name that does not resolve, the script printed something or exited 0",
            expected="nothing on stdout and a non-zero exit code",
            actual=run.described(),
        )


@check(
    id="http-answers-url",
    points=2,
    exercise=NETWORK,
    title="answers/http.toml [url]: the URL taken apart, and its scheme's default port",
    hint="scheme://host:port/path?query#fragment. The query has no '?' and no fragment; the "
    "default port of a scheme is in /etc/services (`getent services https`).",
    kind="static",
)
def test_answers_url(graded_dir: Path):
    given = load_answers(graded_dir, ANSWERS, "url")
    expect_equal(given.get("url"), QUESTION_URL, "The URL in [url] (leave it as it is)")
    parts = urlsplit(QUESTION_URL)
    truth = {
        "scheme": parts.scheme,
        "host": parts.hostname,
        "port": parts.port,
        "path": parts.path,
        "query": parts.query,
        "default_port": socket.getservbyname(parts.scheme, "tcp"),
    }
    expect_answers(ANSWERS, "url", given, truth, help="Read the lesson's URL anatomy section.")


@check(
    id="http-answers-service",
    points=3,
    exercise=NETWORK,
    title="answers/http.toml [service]: what your own API answers, checked on a live run",
    hint="Start it with `course serve --student` and ask it with `curl -v` (for HEAD: "
    "`curl -I`); `course serve --help` shows the default port.",
    requires=["app-starts"],
    kind="live",
    timeout=60,
)
def test_answers_service(graded_dir: Path, started_server):
    from course.serve import serve

    url = started_server[0]
    given = load_answers(graded_dir, ANSWERS, "service")
    get_predict = httpx.get(f"{url}/predict", timeout=10)
    truth = {
        "serve_port": inspect.signature(serve).parameters["port"].default.default,
        "get_predict": get_predict.status_code,
        "get_predict_allow": get_predict.headers.get("allow"),
        "unknown_path": httpx.get(f"{url}/no-such-path-{os.getpid()}", timeout=10).status_code,
        "health_type": httpx.get(f"{url}/health", timeout=10).headers.get("content-type"),
        "head_health": httpx.head(f"{url}/health", timeout=10).status_code,
    }
    expect_answers(
        ANSWERS,
        "service",
        given,
        truth,
        help="The grader asked your API these questions on a live run: ask it yourself with "
        "curl -v and copy what it answers.",
    )
