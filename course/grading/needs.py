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


@cache
def missing_need(need: str) -> str | None:
    """None when ``need`` is available, else one sentence: what is missing and how to get it."""
    if need == "docker":
        # The same probe and client the checks then build with (course.docker).
        from course.docker import engine_problem

        problem = engine_problem()
        return None if problem is None else f"needs Docker, and {problem}; then grade again"
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
    return f"needs {need!r}, which this grader does not know how to look for"
