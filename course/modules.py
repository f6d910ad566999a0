"""The course's modules: one folder per weekend, named by number or folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course.paths import REPO_ROOT


@dataclass(frozen=True)
class Module:
    number: int
    folder: str
    title: str
    # How long one `course grade` of the module may take in all: module 2 builds images, and a
    # cold build on a laptop downloads every wheel.
    wall_clock_s: float = 600.0

    def checks_dir(self, root: Path = REPO_ROOT) -> Path:
        return root / self.folder / "checks"

    def hidden_checks_dir(self, root: Path = REPO_ROOT) -> Path:
        return root / "solutions" / self.folder / "checks"

    def student_dir(self, root: Path = REPO_ROOT) -> Path:
        return root / self.folder

    def solution_dir(self, root: Path = REPO_ROOT) -> Path:
        return root / "solutions" / self.folder

    def has_checks(self, root: Path = REPO_ROOT) -> bool:
        return any(self.checks_dir(root).glob("test_*.py"))


MODULES: tuple[Module, ...] = (
    Module(1, "module1_api", "A web service for the model (FastAPI)"),
    Module(2, "module2_docker", "Containers (Docker)", wall_clock_s=1800.0),
    Module(3, "module3_k8s", "Clusters managed by Kubernetes"),
    Module(4, "module4_cicd", "CI/CD and the ML pipeline"),
)


class UnknownModuleError(ValueError):
    pass


def resolve(name: str) -> Module:
    """``1``, ``module1`` and ``module1_api`` all name the first module."""
    key = name.strip().rstrip("/").lower()
    for module in MODULES:
        if key in (str(module.number), f"module{module.number}", module.folder):
            return module
    known = ", ".join(f"{m.number} ({m.folder})" for m in MODULES)
    raise UnknownModuleError(f"There is no module {name!r}; use one of {known}.")
