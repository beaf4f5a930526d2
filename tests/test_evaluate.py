"""Evaluation against hand-made gold; first, the gold for the seed articles itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmextract.articles import read_file
from llmextract.clean import clean_text
from llmextract.models import Extraction
from llmextract.numbers import parse_mention, parse_numbers

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_GOLD = ROOT / "tests" / "gold" / "seeds.json"

_GOLD: dict[str, Any] = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
_ARTICLES = sorted(_GOLD["articles"].items())


def _raw(name: str) -> tuple[str, str]:
    [article], errors = read_file(SEEDS / name)
    assert not errors
    return article.id, article.text


def _entries(gold: dict[str, Any]) -> list[dict[str, Any]]:
    return [*gold["indicators"], *gold["targets"], *gold["programs"], *gold["not_facts"]]


def test_seed_gold_covers_every_seed() -> None:
    assert _GOLD["format"] == "llmextract-gold/1"
    assert sorted(_GOLD["articles"]) == sorted(p.name for p in SEEDS.iterdir())


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_article_id_is_the_content_hash(name: str, gold: dict[str, Any]) -> None:
    assert gold["article_id"] == _raw(name)[0]


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_validates_as_extraction(name: str, gold: dict[str, Any]) -> None:
    extraction = Extraction.model_validate(gold)
    assert len(extraction.indicators) == len(gold["indicators"])


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_quotes_are_verbatim_single_lines(name: str, gold: dict[str, Any]) -> None:
    raw = _raw(name)[1]
    for entry in _entries(gold):
        assert entry["quote"] in raw, entry["quote"]
        assert "\n" not in entry["quote"]
        if "value_text" in entry:
            assert entry["value_text"] in entry["quote"], entry


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_item_quotes_survive_cleaning(name: str, gold: dict[str, Any]) -> None:
    cleaned = clean_text(_raw(name)[1]).text
    for item in [*gold["indicators"], *gold["targets"], *gold["programs"]]:
        assert item["quote"] in cleaned, item["quote"]


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_values_read_from_their_value_text(name: str, gold: dict[str, Any]) -> None:
    for item in [*gold["indicators"], *gold["targets"]]:
        mention = parse_mention(item["value_text"])
        assert mention is not None, item["value_text"]
        assert mention.value == pytest.approx(item["value"]), item["value_text"]
        assert mention.value_max == (None if item.get("value_max") is None else pytest.approx(item["value_max"]))


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_periods_and_deadlines_are_in_the_article(name: str, gold: dict[str, Any]) -> None:
    raw = _raw(name)[1]
    for item in gold["indicators"]:
        assert item["period"] is None or item["period"] in raw
    for item in gold["targets"]:
        assert item["deadline_year"] is None or str(item["deadline_year"]) in raw


def _accounts_for(entry: dict[str, Any], written: str) -> bool:
    said = [entry.get("value_text"), entry.get("period"), entry.get("deadline_year")]
    said_lower = [str(s).lower() for s in said if s is not None]
    written = written.lower()
    return any(written in s or s in written for s in said_lower)


@pytest.mark.parametrize(("name", "gold"), _ARTICLES)
def test_seed_gold_accounts_for_every_number_in_the_article(name: str, gold: dict[str, Any]) -> None:
    """Each number the parser finds sits inside the quote of a gold item or not-fact that names it,
    so no number of a seed was overlooked while annotating."""
    raw = _raw(name)[1]
    for mention in parse_numbers(raw):
        covering = [
            entry for entry in _entries(gold)
            if any(start <= mention.start and mention.end <= start + len(entry["quote"])
                   for start in _occurrences(raw, entry["quote"]))
        ]
        assert any(_accounts_for(e, mention.text) for e in covering), (mention.text, mention.start)


def _occurrences(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found
