"""Reading an API's error answers: RFC 9457 problem details, or FastAPI's default format.

Exercise 3 (validation) grades *what* is rejected and accepts either format, so that it does
not depend on exercise 6 (errors), which grades the problem+json format itself.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from course.grading.spec import CheckFailure

PROBLEM_JSON = "application/problem+json"
PROBLEM_MEMBERS = ("type", "title", "status", "detail")


def location(loc: list[Any] | tuple[Any, ...]) -> str:
    """``["body", "rows", 1, "island"]`` -> ``"rows[1].island"``: a field as the client wrote it."""
    text = ""
    for part in loc:
        if part == "body" and not text:
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def error_fields(response: httpx.Response) -> list[str]:
    """The fields a validation error names, in either format (problem ``errors`` or ``detail``)."""
    body = _body(response)
    if not isinstance(body, dict):
        return []
    entries = body.get("errors") if isinstance(body.get("errors"), list) else body.get("detail")
    fields = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("field"), str):
            fields.append(entry["field"])
        elif isinstance(entry, dict) and isinstance(entry.get("loc"), list):
            fields.append(location(entry["loc"]))
    return fields


def shown(response: httpx.Response, limit: int = 200) -> str:
    """The start of an answer, for a failure message."""
    text = response.text.strip().replace("\n", " ")
    return f"{response.status_code} {text[:limit]}{'...' if len(text) > limit else ''}"


def expect_problem(response: httpx.Response, status: int, what: str) -> dict[str, Any]:
    """Fail unless ``response`` is an RFC 9457 problem with this status; return its body."""
    # No help= on these: the check's own hint says which handler to write.
    if response.status_code != status:
        raise CheckFailure(
            f"{what} answered {response.status_code}, not {status}",
            expected=status,
            actual=shown(response),
        )
    content_type = response.headers.get("content-type", "(none)")
    if content_type.split(";")[0].strip() != PROBLEM_JSON:
        raise CheckFailure(
            f"{what} is not a problem details document (its Content-Type is {content_type})",
            expected=PROBLEM_JSON,
            actual=shown(response),
        )
    body = _body(response)
    missing = [m for m in PROBLEM_MEMBERS if not isinstance(body, dict) or m not in body]
    if missing:
        raise CheckFailure(
            f"{what} lacks the problem member(s) {', '.join(missing)}",
            expected=", ".join(PROBLEM_MEMBERS),
            actual=shown(response),
        )
    if body["status"] != status:
        raise CheckFailure(
            f"the status member of {what} differs from the HTTP status",
            expected=status,
            actual=body["status"],
            help="The status member repeats the HTTP status code, as an integer.",
        )
    return dict(body)
