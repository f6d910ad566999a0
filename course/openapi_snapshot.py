"""The OpenAPI snapshot: module 1's schema committed as JSON, and how the live schema differs.

The schema is the API's contract with its clients. Committing it makes every change to that
contract show up in a diff and fail a test until someone rewrites the snapshot on purpose, the
way FastAPI tests its own OpenAPI output.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SNAPSHOT_NAME = "openapi.snapshot.json"
# Settings that change the schema: keys add a security scheme, production removes the schema,
# MAX_BATCH_ROWS is the batch's maxItems. The snapshot is of the defaults, whatever is set.
SCHEMA_SETTINGS = (
    "APP_ENV",
    "API_KEYS",
    "API_KEYS_FILE",
    "DEBUG",
    "MAX_BATCH_ROWS",
    "MAX_BODY_BYTES",
    "CORS_ORIGINS",
    "CORS_ALLOW_CREDENTIALS",
)


@contextmanager
def default_settings() -> Iterator[None]:
    """Unset the settings that shape the schema for the duration of the block."""
    saved = {
        name: os.environ.pop(name) for name in list(os.environ) if name.upper() in SCHEMA_SETTINGS
    }
    try:
        yield
    finally:
        os.environ.update(saved)


def current_schema(create_app: Callable[[], Any]) -> dict[str, Any]:
    """The schema an app built by ``create_app`` with default settings serves, as plain JSON."""
    with default_settings():
        app = create_app()
    # A JSON round trip, so tuples and the like compare equal to what the file holds.
    return json.loads(json.dumps(app.openapi()))


def snapshot_path(app_dir: Path) -> Path:
    return app_dir / SNAPSHOT_NAME


def read_snapshot(app_dir: Path) -> dict[str, Any] | None:
    path = snapshot_path(app_dir)
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def write_snapshot(app_dir: Path, schema: dict[str, Any]) -> Path:
    path = snapshot_path(app_dir)
    # Indented and newline-terminated, so a change to the contract is a readable git diff.
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return path


def differences(snapshot: Any, live: Any, where: tuple[str, ...] = ()) -> list[str]:
    """One sentence per place the live schema differs from the snapshot, sorted."""
    if isinstance(snapshot, dict) and isinstance(live, dict):
        found = []
        for key in snapshot.keys() | live.keys():
            path = (*where, str(key))
            if key not in live:
                found.append(f"{_place(path)} is in the snapshot but no longer in the schema")
            elif key not in snapshot:
                found.append(f"{_place(path)} is new in the schema")
            else:
                found += differences(snapshot[key], live[key], path)
        return sorted(found)
    if isinstance(snapshot, list) and isinstance(live, list) and len(snapshot) == len(live):
        pairs = enumerate(zip(snapshot, live, strict=True))
        return [d for i, (old, new) in pairs for d in differences(old, new, (*where, str(i)))]
    if snapshot != live:
        return [f"{_place(where)} was {_short(snapshot)} in the snapshot and is {_short(live)} now"]
    return []


def _place(path: tuple[str, ...]) -> str:
    # Schema keys are themselves paths ("/predict"), so a JSON pointer would be unreadable.
    return " > ".join(path) if path else "the whole schema"


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
