"""Render the course notebooks (``notebooks/*.ipynb``) as pages of the site, offline.

Each notebook becomes ``notebooks/<name>.md`` (markdown cells as they are, code cells as Python
blocks) plus a download of the ``.ipynb`` itself. Notebooks are committed without outputs; the
outputs shown on the site come from the copy that ``make notebooks`` (or the notebook tests in
``make test``) executed, and only when that copy was run from exactly the current source. The
build never runs code itself: the site must build in seconds, and in the student edition, where
a notebook may need an API the student has not finished yet.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO_ROOT / "notebooks"
EXECUTED = REPO_ROOT / ".artifacts" / "notebooks"
SITE_FOLDER = "notebooks"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
log = logging.getLogger("mkdocs.hooks.notebooks")


def source_digest(notebook: Path) -> str:
    return hashlib.sha256(notebook.read_bytes()).hexdigest()[:16]


def executed_copy(notebook: Path) -> Path:
    """Where the executed copy of this exact version of ``notebook`` is kept."""
    return EXECUTED / f"{notebook.stem}-{source_digest(notebook)}.ipynb"


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def _fence(language: str, body: str) -> str:
    return f"``` {language}\n{body.rstrip()}\n```\n"


def _outputs(cell: dict[str, Any], name: str, index: int, images: dict[str, bytes]) -> list[str]:
    parts: list[str] = []
    for number, output in enumerate(cell.get("outputs", [])):
        kind = output["output_type"]
        if kind == "stream":
            parts.append(_fence("text", ANSI.sub("", _text(output["text"]))))
        elif kind == "error":
            parts.append(_fence("text", ANSI.sub("", "\n".join(output["traceback"]))))
        elif kind in ("execute_result", "display_data"):
            data = output["data"]
            if "image/png" in data:
                image = f"{name}/cell{index}-{number}.png"
                images[f"{SITE_FOLDER}/{image}"] = base64.b64decode(_text(data["image/png"]))
                parts.append(f"![Output of cell {index}]({image})\n")
            elif "text/plain" in data:
                parts.append(_fence("text", _text(data["text/plain"])))
    return parts


def render(notebook: Path, images: dict[str, bytes]) -> str:
    """The notebook as a markdown page; PNG outputs are added to ``images`` by site path."""
    executed = executed_copy(notebook)
    ran = executed.is_file()
    cells = json.loads((executed if ran else notebook).read_text())["cells"]
    name = notebook.stem
    parts: list[str] = []
    for index, cell in enumerate(cells):
        source = _text(cell["source"])
        if cell["cell_type"] == "markdown":
            parts.append(source + "\n")
        elif cell["cell_type"] == "code" and source.strip():
            parts.append(_fence("python", source))
            if ran:
                parts.extend(_outputs(cell, name, index, images))
        if index == 0:
            # Right under the title: where the notebook is and how to run it.
            parts.append(_about(notebook, ran))
    return "\n".join(parts)


def _about(notebook: Path, ran: bool) -> str:
    where = notebook.relative_to(REPO_ROOT).as_posix()
    outputs = (
        "The outputs below are from the last run of this exact notebook."
        if ran
        else "This page shows the code only: run `make notebooks` to see its outputs here."
    )
    return (
        f'!!! info "A notebook: `{where}`"\n'
        f"    Open it with `make lab`, or [download it]({notebook.name}). {outputs}\n"
    )


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        images: dict[str, bytes] = {}
        page = render(notebook, images)
        files.append(File.generated(config, f"{SITE_FOLDER}/{notebook.stem}.md", content=page))
        files.append(
            File.generated(config, f"{SITE_FOLDER}/{notebook.name}", content=notebook.read_bytes())
        )
        for path, content in images.items():
            files.append(File.generated(config, path, content=content))
        if not executed_copy(notebook).is_file():
            log.info("%s has not been executed yet; its page shows code only.", notebook.name)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # A notebook's page is generated (mkdocs gives it no buttons), so its "edit" and "view
    # source" buttons are set here, to lead to the notebook rather than to a build-time page.
    folder = f"{SITE_FOLDER}/"
    if config.repo_url and page.file.src_uri.startswith(folder):
        repo = config.repo_url.rstrip("/")
        notebook = page.file.src_uri.removeprefix(folder).removesuffix(".md") + ".ipynb"
        page.edit_url = f"{repo}/edit/main/{NOTEBOOKS.name}/{notebook}"
    return markdown


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
    # `make docs` rebuilds when a notebook or its executed copy changes.
    server.watch(str(NOTEBOOKS))
    if EXECUTED.is_dir():
        server.watch(str(EXECUTED))
    return server
