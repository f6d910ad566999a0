"""Execute the course notebooks the way a student runs them, and keep the executed copies.

The executed copy is written where the site's notebook hook looks for it (``executed_copy``), so
after a test run the site shows each notebook's real outputs.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course.paths import REPO_ROOT

NOTEBOOKS = REPO_ROOT / "notebooks"
CELL_TIMEOUT_S = 180
# Notebooks that start `course serve`: in the student edition that serves the student's own
# module 1, which may not be finished, so there they are not run by the tests.
NEED_THE_REFERENCE_API = {"call-the-api.ipynb"}


def notebook_hook() -> ModuleType:
    """The site's notebook hook, imported from its file (docs/ is not a package)."""
    path = REPO_ROOT / "docs" / "hooks" / "notebooks.py"
    spec = importlib.util.spec_from_file_location("course_docs_notebook_hook", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class NotebookRun:
    path: Path
    notebook: nbformat.NotebookNode
    error: str | None


@contextmanager
def environment(**values: str) -> Iterator[None]:
    # The kernel inherits this process's environment when it starts.
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_notebook(path: Path, model_dir: Path) -> NotebookRun:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        with environment(MODEL_DIR=str(model_dir)):
            client.execute()
    except CellExecutionError as exc:
        return NotebookRun(path, notebook, str(exc))
    target = notebook_hook().executed_copy(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f"{path.stem}-*.ipynb"):
        stale.unlink()
    nbformat.write(notebook, target)
    return NotebookRun(path, notebook, None)
