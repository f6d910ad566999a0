"""``course serve``: make sure a valid model exists, then run the module 1 API with uvicorn."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.panel import Panel

from course.console import console, fail
from course.model_cli import ensure_model, model_dir_from_env
from course.paths import APP_FACTORY, REPO_ROOT, module1_app_dir


def build_app(app_dir: Path) -> object:
    """Import the app and build it once, turning a broken starter or bad settings into a sentence.

    Building the app reads the settings but loads no model (lifespan does), so this runs before
    any training: a typo in APP_ENV fails in a second, not after a training run.
    """
    sys.path.insert(0, str(app_dir))
    module_name, factory_name = APP_FACTORY.split(":")
    where = app_dir.relative_to(REPO_ROOT) if app_dir.is_relative_to(REPO_ROOT) else app_dir
    try:
        module = importlib.import_module(module_name)
        factory = getattr(module, factory_name, None)
        if factory is None:
            raise LookupError(f"{module_name} defines no {factory_name}()")
        return factory()
    except ValidationError as exc:
        # pydantic-settings wraps our one-sentence SettingsError: show the sentence alone.
        reasons = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        fail(f"The service's settings are not valid: {reasons}")
    except ValueError as exc:
        if type(exc).__name__ != "SettingsError":
            _broken(where, exc)
        fail(f"The service's settings are not valid: {exc}")
    except Exception as exc:
        _broken(where, exc)
    raise typer.Exit(1)


def _broken(where: object, exc: Exception) -> None:
    fail(
        f"The API in {where} cannot start: {type(exc).__name__}: {exc}. Fix it (the module 1 "
        f"lessons say what {APP_FACTORY} must provide), then run `course serve` again."
    )
    raise typer.Exit(1)


def report_unfinished(app: object, app_dir: Path) -> None:
    """Tell a student which endpoints of their starter still raise NotImplementedError."""
    where = app_dir.relative_to(REPO_ROOT) if app_dir.is_relative_to(REPO_ROOT) else app_dir
    missing = unwritten_endpoints(app)
    if missing:
        console.print(
            Panel(
                "\n".join(missing)
                + "\n\nThe server starts anyway; these endpoints answer 500 until you write "
                "them. `course grade 1` gives a hint for each.",
                title=f"Your API in {where} is not finished",
                border_style="yellow",
            )
        )


# One real request per endpoint of the first exercises, to find the ones still raising
# NotImplementedError in a student's starter.
PROBES = (
    ("GET", "/health", None),
    ("GET", "/ready", None),
    ("GET", "/model", None),
    ("POST", "/predict", "penguin"),
    ("POST", "/predict/batch", "batch"),
)


def unwritten_endpoints(app: object) -> list[str]:
    from fastapi.testclient import TestClient

    from shared_model.data import first_of_each_species

    _, penguin = first_of_each_species()[0]
    bodies = {"penguin": penguin, "batch": {"rows": [penguin]}}
    missing = []
    # The app logs each unhandled error with its traceback: expected here, so keep it quiet.
    app_logger = logging.getLogger("penguin_api")
    app_logger.disabled = True
    try:
        with TestClient(app) as client:  # type: ignore[arg-type]
            for method, path, body in PROBES:
                try:
                    client.request(method, path, json=bodies.get(body or ""))
                except NotImplementedError as exc:
                    missing.append(str(exc) or f"{method} {path} is not written yet")
    except Exception as exc:  # the lifespan itself fails: uvicorn will say so in full
        missing.append(f"the app's lifespan fails: {type(exc).__name__}: {exc}")
    finally:
        app_logger.disabled = False
    return missing


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0 = all)."),
    port: int = typer.Option(8000, help="TCP port to listen on."),
    workers: int = typer.Option(1, min=1, help="Server processes (each loads the model)."),
    reload: bool = typer.Option(False, help="Restart on code changes (development only)."),
    solution: bool = typer.Option(
        None,
        "--solution/--student",
        help="Serve the reference solution or your module1_api [default: solution when present].",
        show_default=False,
    ),
) -> None:
    """Serve the penguin API (trains the model first when no valid artifact exists)."""
    model_dir = model_dir_from_env()
    os.environ["MODEL_DIR"] = str(model_dir)  # the workers read the same setting
    app_dir = module1_app_dir(solution=solution)
    if not (app_dir / "penguin_api").is_dir():
        fail(f"There is no penguin_api package in {app_dir}; run this from a course checkout.")
        raise typer.Exit(1)
    app = build_app(app_dir)
    ensure_model(model_dir)
    # The reference solution is complete; a student's module 1 may not be yet.
    if app_dir != module1_app_dir(solution=True):
        report_unfinished(app, app_dir)
    _announce(host, port, app_dir)
    import uvicorn

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        app_dir=str(app_dir),
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        reload_dirs=[str(app_dir)] if reload else None,
        log_level=os.environ.get("LOG_LEVEL", "info").lower(),
    )


def _announce(host: str, port: int, app_dir: Path) -> None:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    keys = os.environ.get("API_KEYS") or os.environ.get("API_KEYS_FILE")
    env = os.environ.get("APP_ENV", "development")
    lines = [
        f"API        {base}",
        f"docs       {base}/docs",
        f"readiness  {base}/ready",
        f"serving    {app_dir}",
    ]
    if keys:
        console.print(Panel("\n".join(lines), title=f"Penguin API ({env})", border_style="green"))
        return
    lines.append(
        "\n[bold]DEVELOPMENT MODE: no API keys are set, so anyone who can reach this port can "
        "call /predict.[/] Set API_KEYS (or API_KEYS_FILE) to require an X-API-Key header; "
        "APP_ENV=production refuses to start without them."
    )
    console.print(Panel("\n".join(lines), title="Penguin API (open access)", border_style="red"))
