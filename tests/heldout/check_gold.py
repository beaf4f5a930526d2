"""Independent checks of tests/heldout/gold.json.

Run with ``python tests/heldout/check_gold.py`` (exit status 1 on any problem). It checks that the
file loads with ``llmextract.gold.load_gold``, every article has an entry with the right id, every
entry validates as ``Extraction``, every quote is verbatim, on one line and (for items) survives
cleaning, every ``value_text`` is inside its quote and every period is written in the article.
Last, every number-like token of each article must lie inside the quote of an item or not-fact that
names it. The tokens come from the regular expression below, written for this set, and not from
``llmextract.numbers``, so the gold is not shaped by the parser under test.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from llmextract.articles import read_file
from llmextract.clean import clean_text
from llmextract.gold import load_gold
from llmextract.models import Extraction

WORDS = (
    "nol|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|seribu|"
    "sejuta|puluh|belas|ratus|ribu|juta|miliar|triliun|setahun|sebulan|sepekan|seminggu|sehari|"
    "separuh|setengah|pertama|kedua|ketiga|keempat|kelima|zero"
)
ROMAN = "I|II|III|IV|V|VI|VII|VIII|IX|X"
TOKEN = re.compile(rf"\d+(?:[.,]\d+)*|\b(?:{WORDS})\b|\b(?:{ROMAN})\b", re.IGNORECASE)
ROMAN_UPPER = re.compile(rf"^(?:{ROMAN})$")


def occurrences(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def said(entry: dict[str, Any]) -> list[str]:
    parts = (entry.get("value_text"), entry.get("period"), entry.get("deadline_year"))
    return [str(p).lower() for p in parts if p is not None]


def check_article(name: str, gold: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    [record], errors = read_file(HERE / "articles" / name)
    assert not errors, errors
    raw = record.text
    if gold["article_id"] != record.id:
        problems.append(f"article_id {gold['article_id']} != {record.id}")
    Extraction.model_validate(gold)
    cleaned = clean_text(raw).text
    items = [*gold["indicators"], *gold["targets"], *gold["programs"]]
    entries = [*items, *gold["not_facts"]]
    for entry in entries:
        if entry["quote"] not in raw or "\n" in entry["quote"]:
            problems.append(f"quote not verbatim on one line: {entry['quote']!r}")
        if "value_text" in entry and entry["value_text"] not in entry["quote"]:
            problems.append(f"value_text not in its quote: {entry['value_text']!r}")
    for item in items:
        if item["quote"] not in cleaned:
            problems.append(f"item quote lost in cleaning: {item['quote']!r}")
    for ind in gold["indicators"]:
        if ind["period"] is not None and ind["period"] not in raw:
            problems.append(f"period not in the article: {ind['period']!r}")
    for match in TOKEN.finditer(raw):
        token = match.group(0)
        if ROMAN_UPPER.match(token.upper()) and not ROMAN_UPPER.match(token):
            continue  # a lower-case 'i' or 'v' is a letter, not a roman numeral
        covering = [
            entry
            for entry in entries
            for start in occurrences(raw, entry["quote"])
            if start <= match.start() and match.end() <= start + len(entry["quote"])
        ]
        low = token.lower()
        if not any(low in s or s in low for entry in covering for s in said(entry)):
            context = raw[max(0, match.start() - 40) : match.end() + 40].replace("\n", " ")
            problems.append(f"number {token!r} not accounted for: ...{context}...")
    return problems


def main() -> int:
    load_gold(HERE / "gold.json")
    data = json.loads((HERE / "gold.json").read_text(encoding="utf-8"))
    names = sorted(p.name for p in (HERE / "articles").iterdir())
    bad = 0
    if sorted(data["articles"]) != names:
        print("gold articles differ from the files in articles/")
        bad += 1
    for name, gold in sorted(data["articles"].items()):
        problems = check_article(name, gold)
        for problem in problems:
            print(f"{name}: {problem}")
        bad += len(problems)
        print(
            f"{name}: {len(gold['indicators'])} indicators, {len(gold['targets'])} targets, "
            f"{len(gold['programs'])} programs, {len(gold['not_facts'])} not_facts"
        )
    print(f"problems: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
