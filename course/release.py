"""``course release``: write the student edition of the course, then prove it works.

The student edition has no ``solutions/`` (so no reference code and no hidden checks), no
instructor pages, and only the modules released so far: an unreleased module keeps its README
(what the weekend will teach) and nothing else.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from course.modules import MODULES, Module
from course.paths import REPO_ROOT
from course.starter import MARKER

# solutions/ holds the reference code and the hidden checks; the tests below exercise them.
INSTRUCTOR_ONLY = ("solutions/", "docs/instructors/", "tests/reference_api/", "tests/grading/")
NAV_BLOCK = re.compile(r"^\s*# BEGIN INSTRUCTORS\s*$.*?^\s*# END INSTRUCTORS\s*$\n?", re.M | re.S)
# Worked solutions on lesson pages: shown in the instructors' site, cut from the student edition.
DOC_SOLUTION = re.compile(r"^<!-- BEGIN SOLUTION -->$.*?^<!-- END SOLUTION -->$\n?", re.M | re.S)


class ReleaseError(RuntimeError):
    pass


@dataclass
class Release:
    out: Path
    modules: list[Module]
    files: list[str] = field(default_factory=list)


def tracked_files(root: Path = REPO_ROOT) -> list[str]:
    """Files git would commit (tracked, or new and not ignored); a plain walk without git."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return sorted(f for f in listed.split("\0") if f and (root / f).is_file())
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", ".tools", "models", "site", "__pycache__", ".pytest_cache"}
        return sorted(
            str(p.relative_to(root))
            for p in root.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(root).parts)
        )


def keep(path: str, released: list[Module]) -> bool:
    if path.startswith(INSTRUCTOR_ONLY):
        return False
    for module in MODULES:
        if path.startswith(module.folder + "/") and module not in released:
            return path == f"{module.folder}/README.md"
    return True


def student_mkdocs(text: str) -> str:
    """mkdocs.yml without the instructors' navigation block."""
    return NAV_BLOCK.sub("", text)


def student_page(text: str) -> str:
    """A lesson page without its worked solutions (exercises and hints stay)."""
    return DOC_SOLUTION.sub("", text)


def write(out: Path, released: list[Module], root: Path = REPO_ROOT) -> Release:
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty; choose a new folder for the student edition.")
    if out.resolve().is_relative_to(root.resolve()):
        raise ReleaseError(f"{out} is inside the course repository; write the release elsewhere.")
    release = Release(out=out, modules=released)
    for rel in tracked_files(root):
        if not keep(rel, released):
            continue
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel == "mkdocs.yml":
            target.write_text(student_mkdocs((root / rel).read_text()))
        elif rel.startswith("docs/") and rel.endswith(".md"):
            target.write_text(student_page((root / rel).read_text()))
        else:
            shutil.copy2(root / rel, target)
        release.files.append(rel)
    _git_init(out)
    return release


def _git_init(out: Path) -> None:
    """Students get a repository of their own, with the edition as its first commit."""
    if shutil.which("git") is None:
        return
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        [
            "-c",
            "user.name=Course",
            "-c",
            "user.email=course@localhost",
            "commit",
            "-q",
            "-m",
            "Student edition",
        ],
    ):
        subprocess.run(["git", *args], cwd=out, check=True, capture_output=True)


def leaks(out: Path, root: Path = REPO_ROOT) -> list[str]:
    """Every instructor-only thing found in a release (an empty list means none)."""
    found = []
    hidden_ids = set()
    for checks in (root / "solutions").glob("*/checks/*.py"):
        hidden_ids |= set(re.findall(r'\bid="([^"]+)"', checks.read_text()))
    solution_texts = {
        p.read_text()
        for p in (root / "solutions").rglob("*.py")
        if "__pycache__" not in p.parts and "SOLUTION" in p.read_text()
    }
    for path in sorted(out.rglob("*")):
        if ".git" in path.parts or not path.is_file():
            continue
        rel = str(path.relative_to(out))
        if rel.startswith(INSTRUCTOR_ONLY):
            found.append(f"{rel} is instructor-only")
            continue
        try:
            text = path.read_text()
        except (UnicodeDecodeError, OSError):
            continue
        in_a_module = rel.startswith(tuple(f"{m.folder}/" for m in MODULES))
        if in_a_module and any(MARKER.match(line) for line in text.splitlines()):
            found.append(f"{rel} contains solution markers")
        if text in solution_texts:
            found.append(f"{rel} is a copy of a solution file")
        for check_id in hidden_ids:
            if f'id="{check_id}"' in text:
                found.append(f"{rel} declares hidden check {check_id!r}")
        is_page = rel.startswith("docs/") and rel.endswith(".md")
        if is_page and ("<!-- BEGIN SOLUTION -->" in text or '--8<-- "solutions/' in text):
            found.append(f"{rel} shows a worked solution")
        if rel == "mkdocs.yml" and "instructors/" in text:
            found.append("mkdocs.yml still links to instructor pages")
    return found
