"""Every internal link and anchor of the built site resolves; external links are listed, never
fetched (classrooms and CI are offline, and a flaky remote site must not fail the course)."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from course.paths import REPO_ROOT

EXTERNAL_REPORT = REPO_ROOT / ".artifacts" / "external-links.txt"
# A pretend origin to resolve relative links against, exactly as a browser would.
ORIGIN = "http://site.invalid/"


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(values[name] or "")
        for name in ("href", "src"):
            if values.get(name) and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append(values[name] or "")


def parse(page: Path) -> PageParser:
    parser = PageParser()
    parser.feed(page.read_text())
    return parser


def url_of(site: Path, page: Path) -> str:
    return ORIGIN + page.relative_to(site).as_posix()


def target_file(site: Path, url: str) -> Path:
    path = unquote(urlsplit(url).path).removeprefix("/")
    target = site / path
    return target / "index.html" if url.split("#")[0].endswith("/") or target.is_dir() else target


def check_site(site: Path) -> tuple[list[str], dict[str, set[str]]]:
    """(broken internal links, external link -> pages that use it)."""
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
    parsed = {page: parse(page) for page in pages}
    broken: list[str] = []
    external: dict[str, set[str]] = defaultdict(set)
    for page, parser in parsed.items():
        where = page.relative_to(site).as_posix()
        for link in parser.links:
            if link.startswith(("mailto:", "data:", "javascript:")):
                continue
            absolute = urljoin(url_of(site, page), link)
            if not absolute.startswith(ORIGIN):
                external[absolute].add(where)
                continue
            target = target_file(site, absolute)
            if not target.is_file():
                broken.append(f"{where}: {link} -> no such file {target.relative_to(site)}")
                continue
            fragment = unquote(urlsplit(absolute).fragment)
            if fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if fragment not in ids:
                    broken.append(f"{where}: {link} -> no anchor #{fragment} on that page")
    return broken, external


def test_internal_links_and_anchors_resolve(site_dir):
    broken, _ = check_site(site_dir)
    assert not broken, "broken links on the built site:\n" + "\n".join(broken)


def test_the_checker_finds_a_broken_anchor(tmp_path):
    # Guards the checker itself: a page that links to a missing anchor and a missing page.
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<h2 id="here">x</h2><a href="a/#nowhere">a</a>')
    (tmp_path / "a" / "index.html").write_text('<a href="../#here">ok</a><a href="../b/">b</a>')
    broken, _ = check_site(tmp_path)
    assert len(broken) == 2
    assert any("no anchor #nowhere" in line for line in broken)
    assert any("no such file b/index.html" in line for line in broken)


def test_external_links_are_listed_not_fetched(site_dir):
    _, external = check_site(site_dir)
    EXTERNAL_REPORT.parent.mkdir(parents=True, exist_ok=True)
    EXTERNAL_REPORT.write_text(
        "".join(f"{url}\t{', '.join(sorted(pages))}\n" for url, pages in sorted(external.items()))
    )
    print(f"{len(external)} external links, listed in {EXTERNAL_REPORT}")
    # Assets must be served by the site itself: only <a href> may point outside.
    for page in sorted(site_dir.rglob("*.html")):
        for link in parse(page).links:
            if urljoin(url_of(site_dir, page), link).startswith(("http://", "https://")) and not (
                urljoin(url_of(site_dir, page), link).startswith(ORIGIN)
            ):
                assert not link.endswith((".js", ".css", ".woff2", ".png", ".svg")), (
                    f"{page.relative_to(site_dir)} loads {link} from the internet; vendor it"
                )


def edit_links(site: Path) -> dict[str, list[str]]:
    """Page -> its "edit" and "view source" links (Material's content action buttons)."""

    class Buttons(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            if tag == "a" and "md-content__button" in (values.get("class") or ""):
                self.found.append(values.get("href") or "")

    links = {}
    for page in sorted(site.rglob("index.html")):
        parser = Buttons()
        parser.feed(page.read_text())
        links[page.relative_to(site).as_posix()] = parser.found
    return links


def test_every_page_links_to_its_real_source(site_dir):
    # The buttons lead into the course's repository: each must name a file that exists here, so
    # a reader who clicks "edit" on a lesson (or a notebook page) lands on the file behind it.
    configured = re.search(r'COURSE_REPO_URL, "([^"]+)"', (REPO_ROOT / "mkdocs.yml").read_text())
    assert configured, "mkdocs.yml sets no repo_url default next to COURSE_REPO_URL"
    repo_url = os.environ.get("COURSE_REPO_URL", configured[1]).rstrip("/")
    missing = []
    for page, links in edit_links(site_dir).items():
        if page == "404.html":
            continue
        edit = [link for link in links if "/edit/main/" in link]
        view = [link for link in links if "/raw/main/" in link]
        if len(edit) != 1 or len(view) != 1:
            missing.append(f"{page}: expected one edit and one view-source button, got {links}")
            continue
        source = edit[0].removeprefix(f"{repo_url}/edit/main/")
        if source == edit[0] or not (REPO_ROOT / source).is_file():
            missing.append(f"{page}: its edit link {edit[0]} names no file of the repository")
        elif view[0] != f"{repo_url}/raw/main/{source}":
            missing.append(f"{page}: its view-source link {view[0]} is not the raw {source}")
        elif re.fullmatch(r'--8<-- "[^"]+"\s*', (REPO_ROOT / source).read_text()):
            missing.append(f"{page}: its edit link opens {source}, a stub that only includes")
    assert not missing, "\n".join(missing)
