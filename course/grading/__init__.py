"""The course grader: named checks with points, hints and prerequisites, on plain pytest.

A check is a pytest test decorated with ``@check(...)`` in a module's ``checks/`` folder (or,
for instructor-only checks, in ``solutions/<module>/checks/``). ``course grade`` runs them in a
separate process per target and renders one result model as a table, JSON, Gradescope, JUnit
or CSV.
"""

from course.grading.spec import CheckFailure, check, expect_equal

__all__ = ["CheckFailure", "check", "expect_equal"]
