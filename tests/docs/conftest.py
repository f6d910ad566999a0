"""Fixtures for the docs tests: the notebooks executed once, and the site built once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course.paths import REPO_ROOT, is_full_edition
from tests.docs.notebook_runs import NEED_THE_REFERENCE_API, NOTEBOOKS, NotebookRun, run_notebook

MKDOCS = Path(sys.executable).with_name("mkdocs")


@pytest.fixture(scope="session")
def notebook_runs(model_dir: Path) -> dict[str, NotebookRun]:
    """Every notebook, executed in order, against the session's trained model."""
    return {
        path.name: run_notebook(path, model_dir)
        for path in sorted(NOTEBOOKS.glob("*.ipynb"))
        if is_full_edition() or path.name not in NEED_THE_REFERENCE_API
    }


@pytest.fixture(scope="session")
def site_dir(
    tmp_path_factory: pytest.TempPathFactory, notebook_runs: dict[str, NotebookRun]
) -> Path:
    """The site, built with --strict after the notebooks ran, so their outputs are on it."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return out
