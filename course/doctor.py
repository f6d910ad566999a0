"""``course doctor``: is this machine ready for the labs? Each problem comes with its fix."""

from __future__ import annotations

import socket
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from course.grading.needs import missing_need
from course.paths import REPO_ROOT

# The libraries whose exact versions the labs (and the model files) depend on.
PINNED = ("fastapi", "starlette", "pydantic", "scikit-learn", "numpy", "httpx", "uvicorn")


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True  # False: only some weekends need it


def python_version() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info >= (3, 11)
    return Finding(
        "Python >= 3.11", ok, version, "" if ok else "install Python 3.11+ and run `make install`"
    )


def locked_versions(lock: Path = REPO_ROOT / "uv.lock") -> dict[str, set[str]]:
    """Every version the lock allows per package (one per Python version range it covers)."""
    versions: dict[str, set[str]] = {}
    for package in tomllib.loads(lock.read_text()).get("package", []):
        if "version" in package:
            versions.setdefault(package["name"], set()).add(package["version"])
    return versions


def lock_installed() -> Finding:
    try:
        locked = locked_versions()
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return Finding("locked libraries", False, f"uv.lock unreadable ({exc})", "restore uv.lock")
    wrong = []
    for name in PINNED:
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        allowed = locked.get(name)
        if allowed and installed not in allowed:
            wrong.append(f"{name} {installed} (lock: {' or '.join(sorted(allowed))})")
    if wrong:
        return Finding("locked libraries", False, "; ".join(wrong), "run `make install`")
    return Finding(
        "locked libraries", True, ", ".join(f"{n} {metadata.version(n)}" for n in PINNED[:4])
    )


def port_free(port: int = 8000) -> Finding:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return Finding(
                f"port {port} free",
                False,
                "something already listens on it",
                f"find it with `ss -ltnp 'sport = :{port}'` and stop it, or serve with --port",
            )
    return Finding(f"port {port} free", True, "nothing listens on it")


def tool(need: str, label: str, weekend: str) -> Finding:
    message = missing_need(need)
    if message is None:
        return Finding(label, True, "available", required=False)
    return Finding(label, False, message.removeprefix("needs "), f"needed from {weekend}", False)


def kubectl_context() -> Finding:
    try:
        out = subprocess.run(
            ["kubectl", "config", "current-context"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return Finding(
            "kubectl context", False, "kubectl not installed", "needed from weekend 3", False
        )
    if out.returncode != 0:
        return Finding(
            "kubectl context",
            False,
            "no current context",
            "create a kind or minikube cluster",
            False,
        )
    return Finding("kubectl context", True, out.stdout.strip(), required=False)


def run() -> list[Finding]:
    return [
        python_version(),
        lock_installed(),
        port_free(),
        tool("docker", "Docker engine", "weekend 2"),
        tool("kubectl", "kubectl", "weekend 3"),
        kubectl_context(),
    ]
