"""Where things are in a checkout of the course, in either edition."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO_ROOT / "solutions"
MODULE1 = "module1_api"
APP_FACTORY = "penguin_api.main:create_app"


def is_full_edition(root: Path = REPO_ROOT) -> bool:
    """The instructors' repository has ``solutions/``; the student edition does not."""
    return (root / "solutions").is_dir()


def module1_app_dir(root: Path = REPO_ROOT, *, solution: bool | None = None) -> Path:
    """The folder that holds the ``penguin_api`` package ``course serve`` runs.

    By default the full edition serves the reference solution and the student edition serves
    the student's own module 1.
    """
    use_solution = is_full_edition(root) if solution is None else solution
    return (root / "solutions" / MODULE1) if use_solution else (root / MODULE1)
