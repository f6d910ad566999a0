"""``course doctor``: print what is ready and what to fix."""

import typer
from rich.table import Table

from course.console import console


def doctor_command() -> None:
    """Check this machine for the labs: Python, the locked libraries, port 8000, Docker, kubectl."""
    from course.doctor import run

    findings = run()
    table = Table(title="course doctor")
    for column in ("", "check", "found", "to fix"):
        table.add_column(column)
    for f in findings:
        glyph = "[green]✓[/]" if f.ok else ("[red]✗[/]" if f.required else "[yellow]-[/]")
        table.add_row(glyph, f.name, f.detail, f.fix)
    console.print(table)
    blocking = [f for f in findings if f.required and not f.ok]
    if blocking:
        console.print(f"[red]{len(blocking)} problem(s) to fix before weekend 1.[/]")
        raise typer.Exit(1)
    console.print("[green]Ready for weekend 1.[/] (- marks tools needed only in later weekends.)")
