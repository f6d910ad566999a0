"""The built site in a real browser: it renders, navigates, searches, draws its diagrams, and
never asks the internet for anything.

Drives the system's Chromium (Debian package ``chromium``) through Playwright; it never
downloads a browser. Screenshots land in ``.artifacts/screenshots/`` for a human to look at.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from course.paths import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO_ROOT / ".artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Material draws each diagram into a closed shadow root; opening it lets the test look inside.
OPEN_SHADOW_ROOTS = """
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attachShadow.call(this, { ...init, mode: "open" });
};
"""
DIAGRAMS_DRAWN = """() => {
  const drawn = [...document.querySelectorAll("div.mermaid")];
  return document.querySelectorAll("pre.mermaid").length === 0 && drawn.length > 0
    && drawn.every((d) => d.shadowRoot && d.shadowRoot.querySelector("svg"));
}"""
DIAGRAM_TEXT = """() => [...document.querySelectorAll("div.mermaid")]
  .map((d) => d.shadowRoot.querySelector("svg").textContent).join("\\n")"""
# One lesson per weekend, each with a diagram, and a notebook page with a plot.
LESSONS = {
    "weekend1": ("module1/request-path/", "How a request is processed"),
    "weekend2": ("module2/networking/", "Container networking"),
    "weekend3": ("module3/service-to-pod/", "From Service to Pod"),
    "weekend4": ("module4/pipelines/", "The pipelines"),
}

if not CHROMIUM.is_file():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's package with "
        "`sudo apt-get install chromium` to run the browser test",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def heading(page: Any) -> str:
    return page.locator("h1").first.inner_text().removesuffix("¶").strip()  # minus the permalink


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the test reports failures itself


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Visit:
    """A browser page that records every request that leaves localhost and every error."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.outside: list[str] = []
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(400)  # let Material's header and scroll transitions finish
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Generous: a busy 2-core CI machine parses the 3 MB mermaid script slowly.
    context.set_default_timeout(60_000)
    context.add_init_script(OPEN_SHADOW_ROOTS)
    page = context.new_page()
    seen = Visit(page)

    def only_localhost(route: Any) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            seen.outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_localhost)
    yield seen
    context.close()
    assert not seen.outside, f"the site asked the internet for: {seen.outside}"
    assert not seen.errors, f"errors in the browser console: {seen.errors}"


def test_home_renders_with_navigation_tabs(visit, base_url):
    page = visit.page
    page.goto(base_url)
    assert page.title() == "From model to production"
    assert heading(page) == "From model to production"
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    assert "Weekend 1: API" in " ".join(tabs)
    page.wait_for_function(DIAGRAMS_DRAWN)
    visit.screenshot("home")

    page.locator(".md-tabs__link", has_text="Setup").click()
    page.wait_for_url(f"{base_url}setup/")
    assert heading(page) == "Setup"
    page.locator(".tabbed-labels label", has_text="macOS").first.click()
    page.locator(".tabbed-block", has_text="brew install").first.wait_for(state="visible")
    visit.screenshot("setup")


@pytest.mark.parametrize("weekend", sorted(LESSONS))
def test_a_lesson_of_each_weekend_draws_its_diagram(visit, base_url, weekend):
    path, title = LESSONS[weekend]
    page = visit.page
    page.goto(base_url + path)
    assert page.title() == f"{title} - From model to production"
    assert heading(page) == title
    assert page.locator("nav.md-nav--primary").count() == 1
    page.wait_for_function(DIAGRAMS_DRAWN)
    text = page.evaluate(DIAGRAM_TEXT)
    assert "Syntax error" not in text, f"mermaid could not parse a diagram on {path}"
    visit.screenshot(weekend)


def test_search_finds_a_term(visit, base_url):
    page = visit.page
    page.goto(base_url)
    search = page.locator("input.md-search__input")
    search.click()
    page.keyboard.type("readiness")  # key by key: Material searches as you type
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    assert results.count() > 0
    visit.screenshot("search")


def test_dark_mode_and_a_notebook_plot(visit, base_url):
    page = visit.page
    page.goto(base_url + "notebooks/load-test-analysis/")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    plots = page.locator("article img[src$='.png']")
    if plots.count():  # outputs are on the page once the notebooks have run
        plots.first.scroll_into_view_if_needed()
        assert page.evaluate("(img) => img.naturalWidth", plots.first.element_handle()) > 0
    visit.screenshot("notebook-dark")
