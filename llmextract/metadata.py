"""Article metadata read by rules: title, region and date.

These are facts about the article, not claims in it, and a model gets them wrong cheaply, so
rules read them: the title is the line a site repeats (or the first long line), the region the
administrative area named most often, the date the first full date written in the text (the
publication or event date, which the plausibility checks compare deadlines with).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache

from llmextract.resources import DEFAULT_LANGUAGE, load_vocab
from llmextract.text.clean import Cleaned


@dataclass(frozen=True)
class Metadata:
    title: str | None
    region: str | None
    date: str | None


@cache
def _region_pattern() -> re.Pattern[str]:
    vocab = load_vocab("metadata")
    words = [*vocab["region_prefixes"], *vocab.table("region_aliases")]
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b({alt})\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?)")


@cache
def _date_pattern(language: str = DEFAULT_LANGUAGE) -> tuple[re.Pattern[str], dict[str, int]]:
    months: dict[str, int] = load_vocab(language).table("months")
    names = "|".join(sorted(months, key=len, reverse=True))
    pattern = re.compile(
        rf"\b(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})\b|\b(\d{{1,2}})\s+({names})\.?\s+(\d{{4}})\b",
        re.IGNORECASE,
    )
    return pattern, months


def find_date(text: str) -> str | None:
    """The first full date in the text as ISO ``YYYY-MM-DD`` (``29/07/2025``, ``5 Desember
    2024``)."""
    pattern, months = _date_pattern()
    for m in pattern.finditer(text):
        try:
            if m.group(1):
                d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            else:
                d = date(int(m.group(6)), months[m.group(5).lower()], int(m.group(4)))
        except ValueError:
            continue
        return d.isoformat()
    return None


def find_region(text: str) -> str | None:
    aliases: dict[str, str] = load_vocab("metadata").table("region_aliases")
    found = Counter(
        f"{aliases.get(m.group(1), m.group(1))} {m.group(2)}"
        for m in _region_pattern().finditer(text)
    )
    return found.most_common(1)[0][0] if found else None


def find_title(cleaned: Cleaned) -> str | None:
    kept = {line.strip() for line in cleaned.text.split("\n")}
    repeated = [line for line in cleaned.dropped if line in kept]
    if repeated:
        return repeated[0]
    min_words = load_vocab("metadata").number("title_min_words")
    for line in cleaned.text.split("\n"):
        if len(line.split()) >= min_words and not find_date(line):
            return line.strip()
    return None


def read_metadata(cleaned: Cleaned) -> Metadata:
    return Metadata(find_title(cleaned), find_region(cleaned.text), find_date(cleaned.text))
