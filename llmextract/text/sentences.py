"""The one sentence and clause splitter, shared by extraction and the checks.

A sentence never crosses a line break, so it is a verbatim quote; it ends at . ! ? (optionally
followed by a closing quote) before a space and a capital or an opening quote, not after a
single capital (M. Rafieq) or a known abbreviation. A clause is the part of a sentence between
two breaks; which marks and words break a clause is the vocabulary's (``clause_marks``,
``clause_words``), so the caller passes the breaks in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from llmextract.resources import DEFAULT_LANGUAGE, load_vocab
from llmextract.text.spans import Span

# An end mark and an optional closing quote before a space and a capital or an opening quote
# (starting with the mark, not a look-behind: the engine skips to candidates, 3x faster).
_SENTENCE_END = re.compile(r"[.!?][\"”’]?(?=\s+[\"“‘(]?[A-Z0-9])")


@lru_cache(maxsize=4)
def _abbreviation(language: str) -> tuple[re.Pattern[str], int]:
    """A single capital or an abbreviation of the language with its dot, at the end; and how
    many characters before the dot to search (the longest, its dot and the space before it)."""
    words = load_vocab(language).words("abbreviations")
    alternation = "|".join(["[A-Z]", *map(re.escape, sorted(words, key=len, reverse=True))])
    return re.compile(rf"(?:^|\s)(?:{alternation})\.$"), max(map(len, words), default=1) + 2


_LINE_END_PUNCT = ".!?\"”’:;"


@dataclass(frozen=True)
class Sentence:
    """A sentence of the cleaned text; never crosses a line break, so it is a verbatim quote."""

    start: int
    end: int
    text: str
    line_start: int
    line: str
    headline: bool = False

    @property
    def span(self) -> Span:
        return Span(start=self.start, end=self.end)


def _lines(text: str, language: str) -> Iterator[tuple[int, str, int, list[int]]]:
    """Each line with words as ``(line_start, line, size, cuts)``: ``size`` its length without
    trailing spaces, ``cuts`` where a sentence ends inside it (after an end mark that follows no
    abbreviation nor single capital). The one place that decides where sentences end."""
    abbreviation, before = _abbreviation(language)
    pos = 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        size = len(line.rstrip())
        if not size:
            continue
        cuts = [
            m.end()
            for m in _SENTENCE_END.finditer(line)
            if not abbreviation.search(line, max(0, m.start() + 1 - before), m.start() + 1)
        ]
        yield line_start, line, size, cuts


def _pieces(text: str, language: str) -> Iterator[tuple[int, str, int, int, bool]]:
    """Each sentence as ``(line_start, line, start, end, headline)``, ``start``/``end`` into the
    line and without surrounding spaces; lines of the leading block without closing punctuation
    (site sections, titles, repeated headlines) are ``headline``."""
    in_header = True
    for line_start, line, size, cuts in _lines(text, language):
        if line[size - 1] in _LINE_END_PUNCT:
            in_header = False
        cut = 0
        for end in [*cuts, size]:
            piece = line[cut:end]
            body = piece.strip()
            if body:
                start = cut + len(piece) - len(piece.lstrip())
                yield line_start, line, start, start + len(body), in_header
            cut = end


@lru_cache(maxsize=64)
def split_sentences(text: str, language: str = DEFAULT_LANGUAGE) -> tuple[Sentence, ...]:
    """The sentences of the text, line by line (see ``_pieces``). Cached: the extraction rules
    and the checks of one article read the same sentences."""
    return tuple(
        Sentence(line_start + start, line_start + end, line[start:end], line_start, line, headline)
        for line_start, line, start, end, headline in _pieces(text, language)
    )


def sentence_ends(text: str, language: str = DEFAULT_LANGUAGE) -> list[int]:
    """Where each sentence of ``split_sentences`` ends, without building the sentences (all
    the checks need): a cut ends on its mark, the last sentence of a line on its last word."""
    ends: list[int] = []
    for line_start, _, size, cuts in _lines(text, language):
        ends += [line_start + cut for cut in cuts]
        if size > (cuts[-1] if cuts else 0):
            ends.append(line_start + size)
    return ends


def clause_within(
    breaks: Iterable[tuple[int, int]], start: int, end: int, lo: int, hi: int
) -> tuple[int, int]:
    """The clause of ``[start, end)`` holding ``[lo, hi)``: from the end of the last break ending
    at or before ``lo`` to the start of the first break starting at or after ``hi``. ``breaks``
    are ``(start, end)`` offsets in text order; a break inside ``[lo, hi)`` is ignored."""
    for brk_start, brk_end in breaks:
        if brk_end <= lo:
            start = brk_end
        elif brk_start >= hi:
            end = brk_start
            break
    return start, end
