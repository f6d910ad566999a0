"""A module's README is also its page on the site (``docs/moduleN/index.md`` includes it).

The README's links are written for someone reading the repository (``../docs/module1/http.md``),
so this hook includes the README itself and rewrites those links relative to the page that
shows it, before mkdocs checks every link of the page in ``--strict`` mode.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
README_INCLUDE = re.compile(
    r'^--8<-- "(?P<path>module\d_\w+/README\.md)(?::(?P<section>[\w-]+))?"\s*$', re.MULTILINE
)
WHOLE_FILE_INCLUDE = re.compile(r'--8<-- "(?P<path>[^":]+)"')
DOCS_LINK = re.compile(r"\]\(\.\./docs/")


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    up = "../" * page.file.src_uri.count("/")

    def include(match: re.Match[str]) -> str:
        readme = (REPO_ROOT / match["path"]).read_text()
        if match["section"]:
            start = f"--8<-- [start:{match['section']}]"
            end = f"--8<-- [end:{match['section']}]"
            readme = readme.split(start, 1)[1].split("\n", 1)[1].split(end, 1)[0]
            readme = readme.rsplit("\n", 1)[0] + "\n"  # the end marker's comment line
        return DOCS_LINK.sub(f"]({up}", readme)

    whole = WHOLE_FILE_INCLUDE.fullmatch(markdown.strip())
    if whole and page.edit_url:
        # The page is only an include (a README, the data card): "edit" opens the real file,
        # not a one-line stub.
        page.edit_url = page.edit_url.replace(f"docs/{page.file.src_uri}", whole["path"])
    return README_INCLUDE.sub(include, markdown)
