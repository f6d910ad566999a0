"""Probes for the tools a check may need. A missing tool makes a check "not run", with the fix."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache


def _quiet(args: list[str], timeout: float = 10) -> bool:
    try:
        return subprocess.run(args, capture_output=True, timeout=timeout).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


# Tool -> (Debian/Ubuntu/WSL package, how macOS gets it). `.ci/run` installs the same packages.
TOOL_PACKAGES: dict[str, tuple[str, str]] = {
    "curl": ("curl", "preinstalled on macOS"),
    "nc": ("netcat-openbsd", "preinstalled on macOS"),
    "ss": ("iproute2", "macOS has no ss: use `lsof -iTCP -sTCP:LISTEN -P` and grade on Linux/WSL"),
    "getent": (
        "libc-bin",
        "macOS has no getent: use `dscacheutil -q host -a name` and grade on Linux/WSL",
    ),
}


@cache
def missing_need(need: str) -> str | None:
    """None when ``need`` is available, else one sentence: what is missing and how to get it."""
    if need == "docker":
        # The same probe and client the checks then build with (course.docker).
        from course.docker import engine_problem

        problem = engine_problem()
        return None if problem is None else f"needs Docker, and {problem}, then grade again"
    if need == "kubectl":
        if shutil.which("kubectl") is None:
            return "needs kubectl, and it is not installed: install kubectl, then grade again"
        return None
    if need == "cluster":
        if shutil.which("kubectl") is None:
            return "needs a Kubernetes cluster, and kubectl is not installed to reach one"
        if not _quiet(["kubectl", "cluster-info", "--request-timeout=5s"], timeout=15):
            return (
                "needs a Kubernetes cluster, and `kubectl cluster-info` cannot reach one: start a "
                "local cluster (kind or minikube) and select its context, then grade again"
            )
        return None
    if need in TOOL_PACKAGES:
        if shutil.which(need) is None:
            package, macos = TOOL_PACKAGES[need]
            return (
                f"needs the `{need}` command, which is not installed: run `sudo apt-get install "
                f"{package}` (Debian, Ubuntu, WSL; {macos}), then grade again"
            )
        return None
    return f"needs {need!r}, which this grader does not know how to look for"
