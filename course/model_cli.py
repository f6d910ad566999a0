"""``course model ...``: train the shared model and write its artifact."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from course.console import console, err_console, fail

if TYPE_CHECKING:
    from shared_model import LoadedModel

from shared_model.version import DEFAULT_SEED

# scikit-learn and skops take seconds to import; the model commands import them when they run,
# so `course --help` and the other commands stay instant.

model_app = typer.Typer(help="Train and inspect the shared penguin model.", no_args_is_help=True)


def train_and_save(out_dir: Path, seed: int = DEFAULT_SEED) -> LoadedModel:
    """Train with a progress display, save, and load back (which verifies what was written)."""
    from shared_model import load_artifact, save_artifact, train

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console
    ) as progress:
        step = progress.add_task("Training the penguin classifier (fixed seed)…", total=2)
        model = train(seed=seed)
        progress.update(step, advance=1, description=f"Saving the artifact to {out_dir}…")
        save_artifact(model, out_dir)
        progress.update(step, advance=1, description="Model trained and saved")
    return load_artifact(out_dir)


def ensure_model(model_dir: Path) -> None:
    """Load the artifact; when it is missing or unusable, say why and train a fresh one."""
    from shared_model import ArtifactError, load_artifact

    try:
        load_artifact(model_dir)
    except ArtifactError as exc:
        # stderr: `course grade --format json` keeps a clean stdout.
        err_console.print(f"[yellow]{exc}[/]\nTraining it now (a few seconds)…")
        train_and_save(model_dir)


def print_summary(model: LoadedModel, model_dir: Path) -> None:
    table = Table(title=f"{model.metadata['name']} {model.version}", show_header=False)
    table.add_row("artifact", str(model_dir))
    for name, value in model.metadata["metrics"].items():
        table.add_row(name, str(value))
    for name, value in model.metadata["versions"].items():
        table.add_row(name, value)
    table.add_row("model sha256", model.metadata["model_sha256"][:16] + "…")
    console.print(table)


@model_app.command("train")
def train_command(
    out: Path = typer.Option(  # noqa: B008
        None, "--out", help="Artifact directory [default: MODEL_DIR or models/<name>/<version>]"
    ),
    seed: int = typer.Option(DEFAULT_SEED, help="Seed for the split and the solver."),
) -> None:
    """Train on the penguins data and write a versioned, checksummed artifact."""
    out_dir = out or model_dir_from_env()
    print_summary(train_and_save(out_dir, seed), out_dir)


@model_app.command("info")
def info_command() -> None:
    """Verify and describe the artifact in MODEL_DIR."""
    from shared_model import ArtifactError, load_artifact

    model_dir = model_dir_from_env()
    try:
        model = load_artifact(model_dir)
    except ArtifactError as exc:
        fail(str(exc))
        raise typer.Exit(1) from None
    print_summary(model, model_dir)


def model_dir_from_env() -> Path:
    from shared_model import default_model_dir

    return Path(os.environ["MODEL_DIR"]) if os.environ.get("MODEL_DIR") else default_model_dir()
