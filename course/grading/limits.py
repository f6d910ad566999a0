"""Time limits, stretched or shrunk by one factor.

``COURSE_TIMEOUT_SCALE`` (``course grade --timeout-scale``) multiplies every limit: an
instructor with a slow classroom machine doubles them, the grader's own tests shrink them.
"""

import os


def timeout_scale() -> float:
    try:
        return max(0.01, float(os.environ.get("COURSE_TIMEOUT_SCALE", "1")))
    except ValueError:
        return 1.0


def scaled(seconds: float) -> float:
    return seconds * timeout_scale()
