"""``course openapi``: compare module 1's OpenAPI schema with its snapshot, or rewrite it."""

from __future__ import annotations

import typer
from rich.table import Table

from course.console import console, fail
from course.openapi_snapshot import (
    current_schema,
    differences,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)
from course.paths import REPO_ROOT, module1_app_dir
from course.serve import build_app

SHOWN = 20


def openapi_command(
    write: bool = typer.Option(
        False, "--write", help="Rewrite the snapshot from the app's current schema."
    ),
    solution: bool = typer.Option(
        False, "--solution", help="The reference solution's snapshot instead of your module 1's."
    ),
) -> None:
    """Check module 1's OpenAPI schema against openapi.snapshot.json (or --write it)."""
    app_dir = module1_app_dir(solution=solution)
    where = app_dir.relative_to(REPO_ROOT) if app_dir.is_relative_to(REPO_ROOT) else app_dir
    schema = current_schema(lambda: build_app(app_dir))
    path = snapshot_path(app_dir)
    shown_path = where / path.name
    again = "course openapi --write" + (" --solution" if solution else "")
    if write:
        write_snapshot(app_dir, schema)
        operations = sum(len(methods) for methods in schema.get("paths", {}).values())
        console.print(
            f"Wrote {shown_path}: {len(schema.get('paths', {}))} paths, {operations} operations, "
            f"API version {schema.get('info', {}).get('version')}. Commit it with your code."
        )
        return
    snapshot = read_snapshot(app_dir)
    if snapshot is None:
        fail(f"There is no snapshot at {shown_path} yet; run `{again}` and commit the file.")
        raise typer.Exit(1)
    found = differences(snapshot, schema)
    if not found:
        console.print(f"[green]The schema matches {shown_path}.[/]")
        return
    table = Table(title=f"The schema differs from {shown_path} in {len(found)} place(s)")
    table.add_column("difference")
    for line in found[:SHOWN]:
        table.add_row(line)
    if len(found) > SHOWN:
        table.add_row(f"... and {len(found) - SHOWN} more")
    console.print(table)
    fail(
        "The API's contract changed. If you meant it (and it is not a breaking change for "
        f"clients, or you bumped API_VERSION), run `{again}` and commit the snapshot."
    )
    raise typer.Exit(1)
