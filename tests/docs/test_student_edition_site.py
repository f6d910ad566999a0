"""The site builds the way the student edition has it: `course release` writes the edition
(no solutions/, no docs/instructors/, no Instructors navigation) and its site builds strictly."""

import re
import subprocess
import sys
from pathlib import Path

from course.modules import MODULES
from course.paths import REPO_ROOT
from course.release import student_mkdocs, write

MKDOCS = Path(sys.executable).with_name("mkdocs")
STUDENT_PAGES = [p for p in (REPO_ROOT / "docs").rglob("*.md") if "instructors" not in p.parts]


def test_instructor_pages_are_in_one_removable_nav_section():
    remaining = student_mkdocs((REPO_ROOT / "mkdocs.yml").read_text())
    assert "instructors/" not in remaining, (
        "mkdocs.yml names instructors/ outside its BEGIN/END INSTRUCTORS block; keep every "
        "instructor-only page in that one block"
    )


def test_no_student_page_links_to_instructor_pages():
    offenders = [
        str(p.relative_to(REPO_ROOT))
        for p in STUDENT_PAGES
        if re.search(r"\]\([^)]*instructors/", p.read_text())
    ]
    assert not offenders, f"these pages link into docs/instructors/: {offenders}"


def test_the_student_edition_site_builds_strictly(tmp_path):
    edition = tmp_path / "student"
    write(edition, [MODULES[0]])  # the first weekend released, the usual first hand-out
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=edition,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"the student edition's site does not build:\n{result.stderr}"
    assert not (tmp_path / "site" / "instructors").exists()
