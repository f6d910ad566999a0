"""The one rich console every command prints through."""

from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def fail(message: str) -> None:
    """Print a student-facing error sentence (no traceback)."""
    err_console.print(f"[bold red]error:[/] {message}")
