"""The broken APIs that grade the students' tests still apply to the reference, and still break it.

Each variant replaces text of the reference: when the reference changes under a variant, this
says which one to update (``course selftest`` then proves each one is caught by the reference
tests, since the solution must score 100%).
"""

from pathlib import Path

import pytest

from solutions.module1_api.broken import REFERENCE, VARIANTS, BrokenVariant, build


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_the_variant_applies_and_changes_the_code(variant: BrokenVariant, tmp_path: Path):
    package = build(variant, tmp_path) / "penguin_api"
    changed = [
        path.name
        for path in sorted(package.glob("*.py"))
        if path.read_text() != (REFERENCE / path.name).read_text()
    ]
    assert changed == sorted({patch.file for patch in variant.patches})
    for path in package.glob("*.py"):
        compile(path.read_text(), str(path), "exec")  # still valid Python: it must import


def test_the_variants_have_distinct_ids():
    ids = [v.id for v in VARIANTS]
    assert len(ids) == len(set(ids))
