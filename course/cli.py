"""The ``course`` command."""

import typer

from course.doctor_cli import doctor_command
from course.grade_cli import grade_all_command, grade_command
from course.instructor_cli import release_command, selftest_command, starter_app
from course.model_cli import model_app
from course.openapi_cli import openapi_command
from course.serve import serve
from course.smoke import smoke_command

app = typer.Typer(
    help="From model to production: serve the model, train it, and grade the labs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("serve")(serve)
app.command("grade")(grade_command)
app.command("doctor")(doctor_command)
app.command("smoke")(smoke_command)
app.add_typer(model_app, name="model")
app.command("openapi")(openapi_command)
# Instructors
app.command("grade-all")(grade_all_command)
app.command("release")(release_command)
app.command("selftest")(selftest_command)
app.add_typer(starter_app, name="starter")
