"""Exercise 12: a contract test holds the API to its OpenAPI document.

Two views of the same contract: the student's own schemathesis test (pytest, in process), and
schemathesis's command line run by the grader against the student's API as a real server.
"""

import subprocess
import sys
from pathlib import Path

from course.grading import CheckFailure, check
from course.grading.limits import scaled
from course.grading.student_tests import CONTRACT_RUN, contract_test, own_test_runs

CONTRACT = "12. Testing 2: contract"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@check(
    id="contract-test-passes",
    points=3,
    exercise=CONTRACT,
    title="tests/test_contract.py runs schemathesis and passes against your own API",
    hint="Load the schema with schemathesis.openapi.from_asgi('/openapi.json', create_app()), "
    "decorate a test with @schema.parametrize() and call case.call_and_validate().",
    requires=["app-starts"],
    timeout=240,
)
def test_contract_test_passes(graded_dir: Path):
    if not contract_test(graded_dir).is_file():
        raise CheckFailure(
            "there is no tests/test_contract.py",
            help="Write the contract test in module1_api/tests/test_contract.py.",
        )
    run = own_test_runs(graded_dir)[CONTRACT_RUN]
    if not run.all_passed:
        raise CheckFailure(
            f"your contract test does not pass against your own API: {run.summary()}",
            expected="every generated case conforms to the schema",
            actual="; ".join(run.failed[:3]) or run.summary(),
            help="Run `.venv/bin/pytest module1_api/tests/test_contract.py`: schemathesis "
            "prints the failing request as a curl command you can replay.",
        )
    text = contract_test(graded_dir).read_text()
    if "schemathesis" not in text:
        raise CheckFailure(
            "tests/test_contract.py does not use schemathesis",
            help="Generate the requests from the OpenAPI document with schemathesis.",
        )


@check(
    id="schemathesis-clean",
    points=3,
    exercise=CONTRACT,
    title="schemathesis finds no failure in your API served over HTTP",
    hint="Valid requests must get a documented status code and a body that matches the "
    "response schema: declare every status an endpoint answers in `responses=`.",
    requires=["predict-over-http", "predict-batch"],
    kind="live",
    timeout=180,
)
def test_schemathesis_clean(live_url: str, tmp_path: Path):
    # The command from the lesson: valid requests, bounded and reproducible.
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{live_url}/openapi.json",
        "--mode",
        "positive",
        "--max-examples",
        "10",
        "--seed",
        "1",
        "--generation-deterministic",
        "--no-color",
    ]
    try:
        run = subprocess.run(
            command, capture_output=True, text=True, timeout=scaled(150), cwd=tmp_path
        )
    except subprocess.TimeoutExpired:
        raise CheckFailure(
            "schemathesis did not finish within its time limit",
            help="An endpoint that answers slowly makes every generated request wait.",
        ) from None
    if run.returncode != 0:
        # schemathesis heads each failing operation with a rule of underscores: "___ GET /x ___".
        failures = [line.strip("_ ") for line in run.stdout.splitlines() if line.startswith("_")]
        shown = "; ".join(failures[:3]) or (run.stdout.strip().splitlines() or ["(no output)"])[-1]
        raise CheckFailure(
            "schemathesis found requests your API answers against its own OpenAPI document",
            expected="no failures",
            actual=f"failures in: {shown}" if failures else shown,
            help="Serve your API (`course serve --student`, port 8000) and run `"
            + " ".join([".venv/bin/schemathesis", "run", "http://127.0.0.1:8000/openapi.json"])
            + " "
            + " ".join(command[3:])
            + "`: it shows each failure (a server error, a status or body the document does "
            "not declare) and the curl command that repeats it.",
        )
