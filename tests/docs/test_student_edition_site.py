"""The site builds the way the student edition has it: no solutions/, no docs/instructors/, and
the navigation without its Instructors section (``course release`` removes all three)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from course.paths import REPO_ROOT

MKDOCS = Path(sys.executable).with_name("mkdocs")
NAV_SECTION = re.compile(r"^(  #[^\n]*\n)*  - Instructors:\n(    [^\n]*\n)+", re.M)
STUDENT_PAGES = [p for p in (REPO_ROOT / "docs").rglob("*.md") if "instructors" not in p.parts]


def student_mkdocs_yml() -> str:
    text = (REPO_ROOT / "mkdocs.yml").read_text()
    sections = NAV_SECTION.findall(text)
    assert len(sections) == 1, "the nav should hold exactly one Instructors section"
    return NAV_SECTION.sub("", text)


def test_instructor_pages_are_in_one_removable_nav_section():
    remaining = student_mkdocs_yml()
    assert "instructors/" not in remaining, (
        "mkdocs.yml names instructors/ outside its Instructors section; keep every "
        "instructor-only page in that one section"
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
    skip = shutil.ignore_patterns(".*", "site", "models", "solutions", "__pycache__", "*.pyc")
    shutil.copytree(REPO_ROOT, edition, ignore=skip)
    shutil.rmtree(edition / "docs" / "instructors")
    (edition / "mkdocs.yml").write_text(student_mkdocs_yml())
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=edition,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"the student edition's site does not build:\n{result.stderr}"
    assert not (tmp_path / "site" / "instructors").exists()
