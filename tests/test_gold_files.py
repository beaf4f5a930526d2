"""The gold files themselves are checked: a wrong gold makes every quality figure wrong.

Both gold files (the seeds' and the held-out set's) must load, match their articles' ids and
validate as ``Extraction``; every quote must be verbatim on one line and survive cleaning;
every ``value_text`` must sit in its quote and every period in the article. Last, every
number-like token of an article must lie in the quote of an item or not-fact that names it, so
no number was overlooked. The tokens come from the regular expression below, written for these
tests, not from ``llmextract.text.numbers``, so the gold is not shaped by the parser under test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from llmextract.articles import Article, read_file
from llmextract.dataset.gold import load_gold
from llmextract.models import Extraction
from llmextract.text.clean import clean_text

ROOT = Path(__file__).resolve().parent.parent
GOLD_SETS = {
    "seeds": (ROOT / "tests" / "gold" / "seeds.json", ROOT / "seeds"),
    "heldout": (ROOT / "tests" / "heldout" / "gold.json", ROOT / "tests" / "heldout" / "articles"),
    "blind": (ROOT / "tests" / "blind" / "gold.json", ROOT / "tests" / "blind" / "articles"),
    "blind2": (ROOT / "tests" / "blind2" / "gold.json", ROOT / "tests" / "blind2" / "articles"),
    "blind3": (ROOT / "tests" / "blind3" / "gold.json", ROOT / "tests" / "blind3" / "articles"),
    "blind4": (ROOT / "tests" / "blind4" / "gold.json", ROOT / "tests" / "blind4" / "articles"),
    "blind5": (ROOT / "tests" / "blind5" / "gold.json", ROOT / "tests" / "blind5" / "articles"),
    "blind6": (ROOT / "tests" / "blind6" / "gold.json", ROOT / "tests" / "blind6" / "articles"),
    "blind7": (ROOT / "tests" / "blind7" / "gold.json", ROOT / "tests" / "blind7" / "articles"),
    "blind8": (ROOT / "tests" / "blind8" / "gold.json", ROOT / "tests" / "blind8" / "articles"),
    "blind9": (ROOT / "tests" / "blind9" / "gold.json", ROOT / "tests" / "blind9" / "articles"),
    "blind10": (ROOT / "tests" / "blind10" / "gold.json", ROOT / "tests" / "blind10" / "articles"),
    "blind11": (ROOT / "tests" / "blind11" / "gold.json", ROOT / "tests" / "blind11" / "articles"),
    "blind12": (ROOT / "tests" / "blind12" / "gold.json", ROOT / "tests" / "blind12" / "articles"),
    "blind13": (ROOT / "tests" / "blind13" / "gold.json", ROOT / "tests" / "blind13" / "articles"),
    "blind14": (ROOT / "tests" / "blind14" / "gold.json", ROOT / "tests" / "blind14" / "articles"),
}

WORDS = (
    "nol|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|seribu|"
    "sejuta|puluh|belas|ratus|ribu|juta|miliar|triliun|setahun|sebulan|sepekan|seminggu|sehari|"
    "separuh|setengah|pertama|kedua|ketiga|keempat|kelima|zero"
)
ROMAN = "I|II|III|IV|V|VI|VII|VIII|IX|X"
# Digits glued to letters are part of a name (P3AKB, DP3AP2KB), and "salah satu" means "one of".
TOKEN = re.compile(
    rf"(?<![A-Za-z])\d+(?:[.,]\d+)*(?![A-Za-z])|(?<!salah )\b(?:{WORDS})\b|\b(?:{ROMAN})\b",
    re.IGNORECASE,
)
ROMAN_UPPER = re.compile(rf"^(?:{ROMAN})$")


def _gold_articles() -> list[tuple[str, str]]:
    return [
        (name, article)
        for name, (gold, _) in GOLD_SETS.items()
        for article in json.loads(gold.read_text("utf-8"))["articles"]
    ]


def _said(entry: dict[str, Any]) -> list[str]:
    parts = (entry.get("value_text"), entry.get("period"), entry.get("deadline_year"))
    return [str(p).lower() for p in parts if p is not None]


def _problems(raw: str, gold: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    cleaned = clean_text(raw).text
    items = [*gold["indicators"], *gold["targets"], *gold["programs"]]
    entries = [*items, *gold["not_facts"]]
    for entry in entries:
        if entry["quote"] not in raw or "\n" in entry["quote"]:
            problems.append(f"quote not verbatim on one line: {entry['quote']!r}")
        if "value_text" in entry and entry["value_text"] not in entry["quote"]:
            problems.append(f"value_text not in its quote: {entry['value_text']!r}")
    problems += [
        f"item quote lost in cleaning: {item['quote']!r}"
        for item in items
        if item["quote"] not in cleaned
    ]
    problems += [
        f"period not in the article: {ind['period']!r}"
        for ind in gold["indicators"]
        if ind["period"] is not None and ind["period"] not in raw
    ]
    for match in TOKEN.finditer(raw):
        token = match.group(0)
        if ROMAN_UPPER.match(token.upper()) and not ROMAN_UPPER.match(token):
            continue  # a lower-case 'i' or 'v' is a letter, not a roman numeral
        covering = [
            entry
            for entry in entries
            if any(
                q.start() <= match.start() and match.end() <= q.end()
                for q in re.finditer(re.escape(entry["quote"]), raw)
            )
        ]
        low = token.lower()
        if not any(low in said or said in low for entry in covering for said in _said(entry)):
            context = raw[max(0, match.start() - 40) : match.end() + 40].replace("\n", " ")
            problems.append(f"number {token!r} not accounted for: ...{context}...")
    return problems


@pytest.mark.parametrize("gold_set", sorted(GOLD_SETS))
def test_gold_covers_exactly_the_articles_of_its_folder(gold_set: str) -> None:
    gold_path, folder = GOLD_SETS[gold_set]
    gold = load_gold(gold_path)
    assert sorted(gold.articles) == sorted(p.name for p in folder.iterdir() if p.suffix == ".txt")


@pytest.mark.parametrize(("gold_set", "article"), _gold_articles())
def test_gold_article_is_verbatim_and_accounts_for_every_number(
    gold_set: str, article: str
) -> None:
    gold_path, folder = GOLD_SETS[gold_set]
    gold = json.loads(gold_path.read_text("utf-8"))["articles"][article]
    [record] = list(read_file(folder / article))
    assert isinstance(record, Article), record
    assert gold["article_id"] == record.id
    Extraction.model_validate(gold)
    assert _problems(record.text, gold) == []
