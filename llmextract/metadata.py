"""Article metadata read by rules: title, region, date and language.

These are facts about the article, not claims in it, and a model gets them wrong cheaply, so
rules read them from the article's structure, and only what is certain; unknown is empty, never
guessed:

- the title is the headline: the line a site repeats, else the longest header line that is no
  caption nor other boilerplate (a byline, a view counter), no quote and no sentence;
- the region is the administrative area (``Kota X``, ``Kabupaten X``, ``Pemkab X``, ``Bupati X``)
  the lead (its first paragraph, a photo caption aside) names first, else the one the body names
  most often, each name cut where the place name ends: a person's name or a
  headline's verb written right after it ("Wali Kota Metro Rafieq", "Pemkab Kejar Zero") is
  dropped when the article also writes the place alone;
- the date is the publication date: the first full date of the header (the lines above the
  first paragraph, captions aside) or of the dateline opening the first paragraph ("SAGARA,
  (3/6/2025) -"). A date inside the prose or a caption dates an event, not the article, and is
  not taken (the checks find the article's year in the text themselves).

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
from llmextract.vocabulary import boilerplate_category

OTHER_LANGUAGE = "other"
_WORD = re.compile(r"\w+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MARKUP = re.compile(r"^#+\s*|^[*_]+|[*_]+$")  # a Markdown heading or emphasis around the headline


@dataclass(frozen=True)
class Metadata:
    title: str | None
    region: str | None
    date: str | None


@cache
def _region_pattern() -> re.Pattern[str]:
    """A region prefix, an optional short form in brackets ("Kabupaten (Pemkab)"), then up to
    ``region_max_words`` capitalised words; group 3 is what follows them (to tell whether the
    name ends there)."""
    vocab = load_vocab("metadata")
    words = [*vocab["region_prefixes"], *vocab.table("region_aliases")]
    alt = phrases_alternation(words, lower=False)
    most = int(vocab.number("region_max_words"))
    return re.compile(
        rf"\b({alt})(?:\s+\([A-Z][A-Za-z]*\))?[ \t\xa0]+"
        rf"([A-Z][a-z]+(?:[ \t\xa0]+[A-Z][a-z]+){{0,{most - 1}}})(?=(\W?\w?))"
    )


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


def _region_names(text: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """(prefix, name words, whether the name visibly ends there) for every region mention: a
    name ends where a lower-case word, a number, punctuation or the line's end follows; one
    followed by another capitalised word may have a person's name or a headline verb in it."""
    aliases: dict[str, str] = load_vocab("metadata").table("region_aliases")
    out = []
    for m in _region_pattern().finditer(text):
        after = m.group(3)
        ends = not (len(after) == 2 and after[0] in " \t\xa0" and after[1].isupper())
        out.append((aliases.get(m.group(1), m.group(1)), tuple(m.group(2).split()), ends))
    return out


def find_region(text: str, title: str | None = None) -> str | None:
    """The administrative area the lead names first (a provincial article that lists its
    kabupaten is the province's), else the one the body names most often (the headline only
    when the body names none: its title case runs verbs into names). Each mention is read as
    the shortest form of its name that the article also writes as a whole name ("Kota Metro"
    for "Kota Metro Rafieq" when "Kota Metro," appears too); a mention whose end is unclear and
    has no such form counts as written."""
    body = "\n".join(line for line in text.split("\n") if title is None or line.strip() != title)
    mentions = _region_names(body) or _region_names(text)
    whole = {(prefix, words) for prefix, words, ends in mentions if ends}

    def named(prefix: str, words: tuple[str, ...]) -> str:
        form = next((words[:n] for n in range(1, len(words) + 1)
                     if (prefix, words[:n]) in whole), words)
        return " ".join((prefix, *form))

    lead = next((line for line in body.split("\n") if _prose(line) and not _caption(line)), "")
    if in_lead := _region_names(lead):
        prefix, words, _ = in_lead[0]
        return named(prefix, words)
    found = Counter(named(prefix, words) for prefix, words, _ in mentions)
    return found.most_common(1)[0][0] if found else None


def _caption(line: str) -> bool:
    return "caption" in (boilerplate_category(line) or "")


def _prose(line: str) -> bool:
    """A paragraph of the article, not a header line (site name, byline, date, credit)."""
    return len(line.strip()) >= load_vocab("metadata").number("paragraph_min_chars")


def find_title(cleaned: Cleaned) -> str | None:
    """The headline: the line the site repeats, else the first line of enough words that is no
    caption, no quote, no date line and no sentence (a headline has no full stop at its end)."""
    kept = {line.strip() for line in cleaned.text.split("\n")}
    repeated = [line for line in cleaned.dropped if line in kept]
    if repeated:
        return repeated[0]
    header: list[str] = []
    for line in cleaned.text.split("\n"):
        if _prose(line) and not _caption(line):
            break
        header.append(line)
    # Above the first paragraph the headline is the longest line that reads as one (a site's
    # name or section line, "Pontianak Raya Post - Kubu Raya", is shorter).
    heads = [line for line in header if reads_as_headline(line)]
    if heads:
        return _unmarked(max(heads, key=lambda line: len(line.split())).strip())
    for line in cleaned.text.split("\n"):
        if reads_as_headline(line):
            return _unmarked(line.strip())
    return None


def _unmarked(line: str) -> str:
    """A stripped line without the Markdown marks around it (``_MARKUP``). Only a line starting
    with one of '#*_' or ending with '*' or '_' holds them, so most lines are not scanned: the
    pattern, anchored at both ends, was tried at every character of every line."""
    if line.startswith(("#", "*", "_")) or line.endswith(("*", "_")):
        return _MARKUP.sub("", line)
    return line


@cache
def _headline_rules() -> tuple[int, tuple[str, ...]]:
    """The fewest words of a headline and the quote marks no headline opens with, read once
    (as the date and region patterns are): the checks read every article's opening lines, and
    reading the two from the vocabulary cost as much as testing a line."""
    vocab = load_vocab("metadata")
    return vocab.number("title_min_words"), tuple(vocab.words("quote_marks"))


def reads_as_headline(line: str) -> bool:
    """A line of enough words that is no caption nor other boilerplate (a byline with a view
    counter, 'Penulis: ... | Dibaca: 1.207 kali', is longer than many headlines), no quote, no
    date line and no sentence (a headline has no full stop at its end). The checks read the
    opening by the same rule."""
    min_words, quotes = _headline_rules()
    line = _unmarked(line.strip())
    return (len(line.split()) >= min_words and not find_date(line)
            and boilerplate_category(line) is None
            and not line.startswith(quotes) and not line.endswith("."))


def _dateline(paragraph: str) -> str:
    """The dateline opening a paragraph ("SAGARA RAYA, (3/6/2025) -"): what comes before its
    first dash, when the dash comes early; else nothing."""
    head = paragraph[: load_vocab("metadata").number("dateline_max_chars")]
    m = re.search(r"\s[-\u2013\u2014]\s", head)
    return paragraph[: m.start()] if m else ""


def publication_date(text: str, title: str | None = None) -> str | None:
    """The first full date of the header (lines above the first paragraph, captions and the
    headline aside) or of the first paragraph's dateline; None when neither has one."""
    for line in text.split("\n"):
        line = line.strip()
        if not line or line == title or _caption(line):
            continue
        if _prose(line):
            return find_date(_dateline(line))
        if found := find_date(line):
            return found
    return None


def read_metadata(cleaned: Cleaned) -> Metadata:
    title = find_title(cleaned)
    return Metadata(title, find_region(cleaned.text, title),
                    publication_date(cleaned.text, title))


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
