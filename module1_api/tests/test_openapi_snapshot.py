"""Your API's contract, held to the snapshot you committed: run ``pytest module1_api/tests``.

It fails as soon as the schema the app serves differs from ``module1_api/openapi.snapshot.json``
and lists where. Then either the change was a mistake (undo it), or you meant it: make sure it
does not break clients (or bump ``API_VERSION``), then ``course openapi --write``.
"""

import sys
from pathlib import Path

from course.openapi_snapshot import current_schema, differences, read_snapshot

MODULE = Path(__file__).resolve().parents[1]


def test_the_schema_matches_the_committed_snapshot():
    sys.path.insert(0, str(MODULE))
    from penguin_api.main import create_app

    snapshot = read_snapshot(MODULE)
    assert snapshot is not None, "There is no snapshot yet: run `course openapi --write`."
    found = differences(snapshot, current_schema(create_app))
    assert not found, "The schema differs from the snapshot:\n" + "\n".join(found[:20])
