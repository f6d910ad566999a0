"""Every message quoted on the troubleshooting page is what the code really prints.

Each quoted block on ``docs/troubleshooting.md`` is marked
``<!-- checked-by: tests/docs/test_troubleshooting.py#<case> -->``. Here each case provokes the
failure for real — the CLI in a subprocess, the API through its app — and the page's text must
appear in what came out. When the code's wording changes, this fails until the page follows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from course.paths import MODULE1, REPO_ROOT, SOLUTIONS, is_full_edition

PAGE = REPO_ROOT / "docs" / "troubleshooting.md"
THIS = "tests/docs/test_troubleshooting.py"
COURSE = Path(sys.executable).with_name("course")
# The page shows paths as they look on a student's machine.
SHOWN_ROOT = "/home/you/model-to-production"
SHOWN_MODEL_DIR = f"{SHOWN_ROOT}/models/penguin-classifier/1.0.0"
MARKER = rf"<!-- checked-by: {re.escape(THIS)}#(?P<case>[\w-]+) -->"
BLOCK = re.compile(rf"{MARKER}\s*```(?P<lang>\w+)\n(?P<body>.*?)```", re.S)


def quoted() -> dict[str, tuple[str, str]]:
    return {m["case"]: (m["lang"], m["body"].strip()) for m in BLOCK.finditer(PAGE.read_text())}


def squash(text: str) -> str:
    return " ".join(text.split())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def course(*args: str, **env: str) -> str:
    """The course CLI in this process (scikit-learn is imported once); stdout and stderr."""
    from course.cli import app
    from course.console import console, err_console

    unset: dict[str, str | None] = {name: None for name in ("API_KEYS", "API_KEYS_FILE", "APP_ENV")}
    widths = console.width, err_console.width
    console.width = err_console.width = 400  # one line per message, as on a wide terminal
    try:
        result = CliRunner().invoke(app, list(args), env={**unset, **env})
    finally:
        console.width, err_console.width = widths
    assert not isinstance(result.exception, Exception), result.exception
    assert "Traceback" not in result.output, result.output
    return result.output


def course_process(*args: str, **env: str) -> str:
    """The course CLI as a separate process, for what would disturb this one (a server)."""
    environment = {**os.environ, "COLUMNS": "400", **env}  # one line per message, no wrapping
    for name in ("API_KEYS", "API_KEYS_FILE", "APP_ENV"):
        if name not in env:
            environment.pop(name, None)
    result = subprocess.run(
        [str(COURSE), *args], env=environment, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.stdout + result.stderr


def copy_model(model_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "models" / "penguin-classifier" / "1.0.0"
    shutil.copytree(model_dir, target)
    return target


def shown(text: str, tmp_path: Path) -> str:
    return text.replace(str(tmp_path), SHOWN_ROOT)


# --- the CLI -------------------------------------------------------------------------------


def artifact_missing(model_dir: Path, tmp_path: Path) -> str:
    return course("model", "info", MODEL_DIR=SHOWN_MODEL_DIR)


def version_mismatch(model_dir: Path, tmp_path: Path) -> str:
    target = copy_model(model_dir, tmp_path)
    metadata = json.loads((target / "metadata.json").read_text())
    metadata["versions"]["scikit-learn"] = "1.5.0"
    (target / "metadata.json").write_text(json.dumps(metadata))
    return shown(course("model", "info", MODEL_DIR=str(target)), tmp_path)


def checksum_mismatch(model_dir: Path, tmp_path: Path) -> str:
    target = copy_model(model_dir, tmp_path)
    with (target / "model.skops").open("ab") as model_file:
        model_file.write(b"changed by hand")
    return shown(course("model", "info", MODEL_DIR=str(target)), tmp_path)


def port_in_use(model_dir: Path, tmp_path: Path) -> str:
    port = free_port()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        output = course_process("serve", "--port", str(port), MODEL_DIR=str(model_dir))
    return output.replace(f"('127.0.0.1', {port})", "('127.0.0.1', 8000)")


def production_without_keys(model_dir: Path, tmp_path: Path) -> str:
    return course(
        "serve", "--port", str(free_port()), MODEL_DIR=str(model_dir), APP_ENV="production"
    )


def keys_file_unreadable(model_dir: Path, tmp_path: Path) -> str:
    return course(
        "serve",
        "--port",
        str(free_port()),
        MODEL_DIR=str(model_dir),
        API_KEYS_FILE="/run/secrets/penguin-keys",
    )


def cors_wildcard_with_credentials(model_dir: Path, tmp_path: Path) -> str:
    return course(
        "serve",
        "--port",
        str(free_port()),
        MODEL_DIR=str(model_dir),
        CORS_ORIGINS="*",
        CORS_ALLOW_CREDENTIALS="true",
    )


# --- the API -------------------------------------------------------------------------------


def call_api(model_dir: Path, headers: dict[str, str], content: bytes, **settings: object) -> str:
    sys.path.insert(0, str(SOLUTIONS / MODULE1))
    from fastapi.testclient import TestClient
    from penguin_api.main import create_app
    from penguin_api.settings import Settings

    with TestClient(create_app(Settings(model_dir=model_dir, **settings))) as client:
        response = client.post("/predict", content=content, headers=headers)
    assert response.headers["content-type"] == "application/problem+json"
    return response.text


PENGUIN = {
    "bill_length_mm": 39.1,
    "bill_depth_mm": 18.7,
    "flipper_length_mm": 181.0,
    "body_mass_g": 3750.0,
    "island": "Torgersen",
    "sex": "male",
}
JSON = {"content-type": "application/json"}


def invalid_json(model_dir: Path, tmp_path: Path) -> str:
    return call_api(model_dir, JSON, b"species=Adelie")


def unsupported_media_type(model_dir: Path, tmp_path: Path) -> str:
    form = {"content-type": "application/x-www-form-urlencoded"}
    return call_api(model_dir, form, json.dumps(PENGUIN).encode())


def validation_error(model_dir: Path, tmp_path: Path) -> str:
    return call_api(model_dir, JSON, json.dumps({**PENGUIN, "island": "Atlantis"}).encode())


def missing_key(model_dir: Path, tmp_path: Path) -> str:
    return call_api(model_dir, JSON, json.dumps(PENGUIN).encode(), api_keys=("a-real-key",))


def wrong_key(model_dir: Path, tmp_path: Path) -> str:
    headers = {**JSON, "x-api-key": "a-guess"}
    return call_api(model_dir, headers, json.dumps(PENGUIN).encode(), api_keys=("a-real-key",))


def body_too_large(model_dir: Path, tmp_path: Path) -> str:
    return call_api(model_dir, JSON, b" " * (1_048_576 + 1))


Case = Callable[[Path, Path], str]
CLI: dict[str, Case] = {
    "artifact-missing": artifact_missing,
    "version-mismatch": version_mismatch,
    "checksum-mismatch": checksum_mismatch,
    "port-in-use": port_in_use,
    "production-without-keys": production_without_keys,
    "keys-file-unreadable": keys_file_unreadable,
    "cors-wildcard-with-credentials": cors_wildcard_with_credentials,
}
API: dict[str, Case] = {
    "invalid-json": invalid_json,
    "unsupported-media-type": unsupported_media_type,
    "validation-error": validation_error,
    "missing-key": missing_key,
    "wrong-key": wrong_key,
    "body-too-large": body_too_large,
}
IN_A_PROCESS = {"port-in-use"}
# The student edition has no reference API: only the model's messages can be provoked there.
EVERY_EDITION = {"artifact-missing", "version-mismatch", "checksum-mismatch"}


def unavailable(case: str) -> str | None:
    if case not in EVERY_EDITION and not is_full_edition():
        return "needs the reference API in solutions/ (full edition only)"
    if case == "port-in-use" and sys.platform != "linux":
        return "the page quotes Linux's errno (98)"
    return None


@pytest.fixture(scope="module")
def printed(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What each case really prints. The one case that starts a server runs in the background
    while the others run here: each new process would spend seconds importing scikit-learn."""
    runnable = [case for case in [*CLI, *API] if unavailable(case) is None]
    folders = {case: tmp_path_factory.mktemp(case) for case in runnable}
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = {
            case: pool.submit(CLI[case], model_dir, folders[case])
            for case in runnable
            if case in IN_A_PROCESS
        }
        outputs = {
            case: {**CLI, **API}[case](model_dir, folders[case])
            for case in runnable
            if case not in IN_A_PROCESS
        }
        outputs |= {case: future.result() for case, future in started.items()}
    return outputs


def test_every_quoted_message_has_a_case_and_every_case_is_quoted():
    assert set(quoted()) == {*CLI, *API}


def as_pattern(text: str) -> re.Pattern[str]:
    # A checksum prefix changes with every training run: any 12 hex digits match.
    return re.compile(re.sub(r"[0-9a-f]{12}…", r"[0-9a-f]{12}…", re.escape(squash(text))))


@pytest.mark.parametrize("case", sorted({*CLI, *API}))
def test_the_page_quotes_what_the_code_prints(case, printed):
    if reason := unavailable(case):
        pytest.skip(reason)
    lang, on_page = quoted()[case]
    real = printed[case]
    if lang == "json":
        assert json.loads(on_page) == json.loads(real), f"the API now answers:\n{real}"
    else:
        assert as_pattern(on_page).search(squash(real)), (
            f"docs/troubleshooting.md quotes, for {case}:\n{on_page}\nbut the code printed:\n{real}"
        )
