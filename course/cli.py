"""The ``course`` command."""

import typer

from course.model_cli import model_app
from course.serve import serve

app = typer.Typer(
    help="From model to production: serve, train, and (soon) grade the course's labs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve)
app.add_typer(model_app, name="model")
