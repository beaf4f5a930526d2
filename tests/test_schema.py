from __future__ import annotations

import pytest

from llmextract.schema import SCHEMAS, schema_text

from .conftest import ROOT


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_published_schema_matches_the_models(name: str) -> None:
    published = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert published == schema_text(SCHEMAS[name]), (
        "schemas/ is out of date: run `llmextract schema`"
    )
