"""Code on the site is included from real files, never pasted.

Every fenced block in ``docs/**/*.md`` whose language is a programming or data language must be
a ``--8<--`` include of an existing file (or a section of one), unless it is marked as checked
by a named test with ``<!-- checked-by: tests/docs/<file>.py#<case> -->`` right above it.
Shell and console blocks (commands and their output) are allowed as they are.
"""

import re
from pathlib import Path

import pytest

from course.paths import REPO_ROOT

DOCS = REPO_ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "hooks" not in p.relative_to(DOCS).parts)
# Commands, their output, diagrams and markup examples: not program code.
SHELL = {"bash", "sh", "shell", "console", "text", "powershell", "mermaid", "markdown"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,}) ?(?P<lang>[\w+-]*)[^\n]*$", re.M)
INCLUDE = re.compile(r'^-{1,}8<-{1,} "(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"$')
MARKER = re.compile(r"<!-- checked-by: (?P<file>tests/docs/[\w/]+\.py)#(?P<case>[\w-]+) -->\s*$")


def blocks(page: Path) -> list[tuple[int, str, str, str]]:
    """(line, language, body, text just above) for every fenced block of a page."""
    text = page.read_text()
    found = []
    position = 0
    while match := FENCE.search(text, position):
        closing = re.compile(
            rf"^{match['indent']}{match['ticks'][0]}{{{len(match['ticks'])},}}\s*$", re.M
        )
        end = closing.search(text, match.end())
        assert end, f"{page.relative_to(REPO_ROOT)}: a code block is never closed"
        line = text.count("\n", 0, match.start()) + 1
        body = text[match.end() + 1 : end.start()]
        found.append((line, match["lang"].lower(), body, text[: match.start()].rstrip()))
        position = end.end()
    return found


def includes(body: str) -> list[re.Match[str]]:
    return [m for line in body.strip().splitlines() if (m := INCLUDE.match(line.strip()))]


def include_lines(page: Path) -> list[re.Match[str]]:
    return [m for line in page.read_text().splitlines() if (m := INCLUDE.match(line.strip()))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_code_blocks_are_included_or_checked(page):
    problems = []
    for line, lang, body, above in blocks(page):
        if lang in SHELL or lang == "":
            continue
        lines = [raw for raw in body.strip().splitlines() if raw.strip()]
        if lines and len(includes(body)) == len(lines):
            continue
        marker = MARKER.search(above.splitlines()[-1] if above else "")
        if marker and (REPO_ROOT / marker["file"]).is_file():
            continue
        problems.append(
            f"line {line}: a ```{lang} block is pasted code; include the real file with "
            '--8<-- "path/to/file" (or path:section), or mark it '
            "<!-- checked-by: tests/docs/<test>.py#<case> --> and check it in that test"
        )
    assert not problems, f"docs/{page.relative_to(DOCS)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_included_files_and_sections_exist(page):
    missing = []
    for match in include_lines(page):
        target = REPO_ROOT / match["path"]
        if not target.is_file():
            missing.append(f"{match['path']} does not exist")
        elif match["section"] and f"--8<-- [start:{match['section']}]" not in target.read_text():
            missing.append(f"{match['path']} has no section '{match['section']}'")
    assert not missing, f"docs/{page.relative_to(DOCS)} includes: " + "; ".join(missing)


def test_there_is_something_to_check():
    # Guards the parser: the site does include real code.
    assert sum(len(include_lines(page)) for page in PAGES) >= 3
    assert any(lang == "python" for page in PAGES for _, lang, _, _ in blocks(page))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_checked_by_markers_name_a_test_that_exists(page):
    for marker in MARKER.finditer(page.read_text()):
        test_file = REPO_ROOT / marker["file"]
        assert test_file.is_file(), f"{page.name} names {marker['file']}, which does not exist"
        assert f'"{marker["case"]}"' in test_file.read_text(), (
            f"{page.name} says case {marker['case']} is checked by {marker['file']}, "
            "but that test has no such case"
        )
