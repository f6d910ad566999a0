"""Running a student's shell script (module 1's network/ folder) as the grader would by hand."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from course.grading.limits import scaled
from course.grading.spec import CheckFailure


@dataclass(frozen=True)
class ScriptRun:
    command: str
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.stdout.splitlines() if line.strip()]

    def described(self) -> str:
        """What the run printed, for a failure message."""
        out = self.stdout.strip() or "(nothing on stdout)"
        err = f"; stderr: {self.stderr.strip()[:200]}" if self.stderr.strip() else ""
        return f"exit {self.returncode}, stdout: {out[:200]}{err}"


def run_script(graded_dir: Path, relative: str, *args: str, timeout_s: float = 10) -> ScriptRun:
    """Run ``bash graded_dir/relative args...``; a missing, unwritten or hung script fails."""
    path = graded_dir / relative
    command = " ".join([relative, *args])
    if not path.is_file():
        raise CheckFailure(
            f"{relative} does not exist",
            help=f"Write the script at {path} (the starter has one with a TODO).",
        )
    timeout_s = scaled(timeout_s)
    try:
        # bash explicitly: a script that lost its executable bit (a zip, a Windows editor)
        # still runs, and a missing #! line is not what this exercise is about.
        result = subprocess.run(
            ["bash", str(path), *args],
            cwd=graded_dir,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        raise CheckFailure(
            f"`{command}` did not finish within {timeout_s:g} s",
            help="Give every network call a time limit (nc -w, curl --max-time) and make sure "
            "the script does not wait for input.",
        ) from None
    run = ScriptRun(command, result.returncode, result.stdout, result.stderr)
    if "not written yet" in result.stderr:
        raise CheckFailure(
            f"{relative} is still the starter's TODO: write it",
            expected="what the script's usage comment says it prints",
            actual=run.described(),
        )
    return run
