"""The site works offline: mermaid is served from the site with its licence, no web fonts."""

import hashlib
import re

from course.paths import REPO_ROOT

VENDOR = REPO_ROOT / "docs" / "assets" / "vendor" / "mermaid"
MKDOCS_YML = (REPO_ROOT / "mkdocs.yml").read_text()


def test_the_vendored_file_is_the_one_its_source_note_describes():
    source = (VENDOR / "SOURCE.txt").read_text()
    recorded = re.search(r"^sha256\s+([0-9a-f]{64})\s+mermaid\.min\.js$", source, re.M)
    assert recorded, "SOURCE.txt should record the sha256 of mermaid.min.js"
    actual = hashlib.sha256((VENDOR / "mermaid.min.js").read_bytes()).hexdigest()
    assert actual == recorded[1], (
        "docs/assets/vendor/mermaid/mermaid.min.js changed; if you updated it on purpose, "
        "record its version and sha256 in SOURCE.txt"
    )


def test_mermaid_ships_with_its_licence():
    assert "MIT License" in (VENDOR / "LICENSE").read_text()


def test_the_site_loads_mermaid_from_itself_and_no_web_fonts():
    assert "assets/vendor/mermaid/mermaid.min.js" in MKDOCS_YML
    assert re.search(r"^\s+font: false$", MKDOCS_YML, re.M), "theme.font must stay false"
    # The one address in it is where the sources live (edit links), which the site never loads.
    addresses = [
        line
        for line in MKDOCS_YML.splitlines()
        if "://" in line and not line.lstrip().startswith(("#", "repo_url:"))
    ]
    assert not addresses, f"mkdocs.yml should load nothing from another site: {addresses}"
