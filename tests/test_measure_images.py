"""The image lesson's layer table: `docker history` lines turned into readable instructions."""

import sys

import pytest

from course.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from measure_images import instruction_summary


@pytest.mark.parametrize(
    ("created_by", "shown"),
    [
        # BuildKit's RUN: the build arguments and the shell dropped, the command kept.
        (
            "RUN |2 BASE_IMAGE=x UV=0.9 /bin/sh -c uv pip sync requirements.txt # buildkit",
            "RUN uv pip sync requirements.txt",
        ),
        ("COPY /opt/venv /opt/venv # buildkit", "COPY /opt/venv /opt/venv"),
        # A pipe would end the markdown table's cell.
        ("/bin/sh -c a | b", "RUN a \\| b"),
        ("", "(the base image)"),
        ("RUN " + "x" * 100, "RUN " + "x" * 65 + "…"),
    ],
)
def test_history_lines_become_instructions(created_by, shown):
    assert instruction_summary(created_by) == shown
