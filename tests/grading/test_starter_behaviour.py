"""What the untouched starter does when it runs: students meet these before any TODO is done.

Each runs in its own process with the starter's folder first on the path, as `course serve
--student` and the grader run it: the solution's `penguin_api` (imported by other tests) must
not stand in for the starter's.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from course.paths import MODULE1, REPO_ROOT


def run_in_starter(code: str, model_dir: Path) -> object:
    env = {**os.environ, "PYTHONPATH": f"{REPO_ROOT / MODULE1}:{REPO_ROOT}"}
    env["MODEL_DIR"] = str(model_dir)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT / MODULE1,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_serve_student_lists_every_unwritten_endpoint(model_dir):
    missing = run_in_starter(
        "import json\n"
        "from penguin_api.main import create_app\n"
        "from course.serve import unwritten_endpoints\n"
        "print(json.dumps(unwritten_endpoints(create_app())))\n",
        model_dir,
    )
    assert missing == [
        "GET /health is not written yet (exercise 2)",
        "GET /ready is not written yet (exercise 2)",
        "GET /model is not written yet (exercise 9)",
        "POST /predict is not written yet (exercise 4)",
        "POST /predict/batch is not written yet (exercise 4)",
    ]


def test_the_starters_422_never_echoes_a_value_json_cannot_hold(model_dir):
    # Before exercise 6 the starter answers FastAPI's default 422; with a NaN in an error's
    # "input" that default could not be written, and exercise 3's checks saw a 500.
    answer = run_in_starter(
        "import asyncio, json\n"
        "from fastapi.exceptions import RequestValidationError\n"
        "from penguin_api.problems import _validation\n"
        "error = {'type': 'finite_number', 'loc': ('body', 'bill_length_mm'),\n"
        "         'msg': 'Input should be a finite number', 'input': float('nan')}\n"
        "response = asyncio.run(_validation(None, RequestValidationError([error])))\n"
        "print(json.dumps([response.status_code, json.loads(response.body)]))\n",
        model_dir,
    )
    assert answer == [
        422,
        {
            "detail": [
                {
                    "type": "finite_number",
                    "loc": ["body", "bill_length_mm"],
                    "msg": "Input should be a finite number",
                }
            ]
        },
    ]
