"""The ``course`` command."""

import typer

from course.grade_cli import grade_command
from course.model_cli import model_app
from course.serve import serve

app = typer.Typer(
    help="From model to production: serve the model, train it, and grade the labs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("serve")(serve)
app.command("grade")(grade_command)
app.add_typer(model_app, name="model")
