"""The pipeline reads each article once and checks it once (the strategy, the per-article
checks and the checks across articles share one parse and one check)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

import llmextract.checks
import llmextract.pipeline
import llmextract.text.numbers
import llmextract.text.parsed
from llmextract.pipeline import run
from llmextract.settings import resolve_settings

from .conftest import SEEDS
from .test_api import FixtureClient


def test_each_article_is_parsed_once_and_checked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    real_parse = llmextract.text.numbers.parse_numbers
    real_check = llmextract.checks.check_article

    def counting_parse(text: str, **kw: object) -> list[llmextract.text.numbers.NumberMention]:
        if len(text) > 500:  # an article, not a value text
            parsed[text] += 1
        return real_parse(text, **kw)  # type: ignore[arg-type]

    def counting_check(record, *args, **kw):  # type: ignore[no-untyped-def]
        checked[record.id] += 1
        return real_check(record, *args, **kw)

    llmextract.text.parsed.parse_article.cache_clear()
    for module in list(sys.modules.values()):
        if getattr(module, "parse_numbers", None) is real_parse and module.__name__.startswith(
            "llmextract"
        ):
            monkeypatch.setattr(module, "parse_numbers", counting_parse)
    monkeypatch.setattr(llmextract.pipeline, "check_article", counting_check)
    result = run(SEEDS, resolve_settings(strategy="candidates"), out_dir=tmp_path / "run",
                 client=FixtureClient())  # type: ignore[arg-type]
    assert len(result.records) == 5
    assert sorted(parsed.values()) == [1] * 5
    assert sorted(checked.values()) == [1] * 5
