"""The notebooks run top to bottom without an error, and are committed without outputs."""

import json

import pytest

from course.paths import is_full_edition
from tests.docs.notebook_runs import NEED_THE_REFERENCE_API, NOTEBOOKS

NOTEBOOK_NAMES = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOK_NAMES) >= 3, "notebooks/ should hold the course's three notebooks"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_notebook_runs_without_errors(notebook_runs, name):
    if name in NEED_THE_REFERENCE_API and not is_full_edition():
        pytest.skip("starts the reference API from solutions/ (full edition only)")
    run = notebook_runs[name]
    assert run.error is None, f"notebooks/{name} failed when run top to bottom:\n{run.error}"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_committed_notebook_has_no_outputs(name):
    cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
    dirty = [
        index
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, (
        f"notebooks/{name} has outputs in cells {dirty}; clear them before committing "
        "(in Jupyter: Edit > Clear Outputs of All Cells, then save)."
    )


def test_the_load_test_notebook_plots(notebook_runs):
    run = notebook_runs["load-test-analysis.ipynb"]
    images = [
        output
        for cell in run.notebook.cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert images, "the load-test notebook should draw its latency and throughput plot"
