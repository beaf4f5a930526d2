"""Article metadata read by rules: title, region, date and language.

These are facts about the article, not claims in it, and a model gets them wrong cheaply, so
rules read them: the title is the line a site repeats (or the first long line), the region the
administrative area named most often, the date the first full date written in the text (the
publication or event date, which the plausibility checks compare deadlines with).

What the input says (a JSONL field, a CSV or Parquet column: ``Source``) wins over what the
rules read: the person who collected the article knows where and when it was published. Where
the two differ, the rules' reading is kept beside it (``ArticleRecord.guessed``) so a reviewer
can see a region column that disagrees with the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache

from llmextract.models import Source
from llmextract.resources import DEFAULT_LANGUAGE, load_vocab
from llmextract.text.clean import Cleaned
from llmextract.text.words import phrases_alternation, words_pattern

OTHER_LANGUAGE = "other"
_WORD = re.compile(r"\w+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Metadata:
    title: str | None
    region: str | None
    date: str | None


@cache
def _region_pattern() -> re.Pattern[str]:
    vocab = load_vocab("metadata")
    words = [*vocab["region_prefixes"], *vocab.table("region_aliases")]
    alt = phrases_alternation(words, lower=False)
    return re.compile(rf"\b({alt})\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?)")


@cache
def _date_pattern(language: str = DEFAULT_LANGUAGE) -> tuple[re.Pattern[str], dict[str, int]]:
    months: dict[str, int] = load_vocab(language).table("months")
    names = phrases_alternation(months, lower=False)
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


def reads_as(text: str, language: str = DEFAULT_LANGUAGE) -> bool:
    """Whether the text is written in ``language``: enough of its words are the language's
    commonest words. Every rule of the checks reads that language's words, so an article in
    another one is processed but marked (its record says ``other``), never silently read with
    the wrong words; a text too short to judge reads as the language."""
    vocab = load_vocab("metadata")
    words = len(_WORD.findall(text))
    if words < vocab.number("language_min_words"):
        return True
    common = words_pattern(load_vocab(language).words("common_words"))
    return 100 * len(common.findall(text.lower())) >= vocab.number("language_min_percent") * words


def as_iso_date(value: str) -> str | None:
    """A date the input wrote (``2025-07-29``, ``2025-07-29T08:00:00+07:00``, ``29/07/2025``,
    ``5 Desember 2024``) as ISO ``YYYY-MM-DD``; None when it names no full date."""
    m = _ISO_DATE.match(value.strip())
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    return find_date(value)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def merge_metadata(given: Source, read: Metadata) -> tuple[Metadata, dict[str, str]]:
    """The record's title, region and date: the input's where it gives them (a date only when it
    reads as one), else the rules'. Also the rules' readings that differ from the input's."""
    given_date = as_iso_date(given.date) if given.date else None
    chosen = Metadata(
        title=given.title or read.title,
        region=given.region or read.region,
        date=given_date or read.date,
    )
    guessed = {
        name: mine
        for name, theirs, mine in (
            ("title", given.title, read.title),
            ("region", given.region, read.region),
            ("date", given_date, read.date),
        )
        if theirs and mine and not _same(theirs, mine)
    }
    return chosen, guessed
