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


@lru_cache(maxsize=4)
def _sentence_ends(language: str) -> tuple[re.Pattern[str], ...]:
    """One pattern per end mark: a mark and an optional closing quote before a space and a
    capital or an opening quote on the same line, unless the mark is a dot after a single
    capital (M. Rafieq) or an abbreviation of the language (dr. Budi), each a whole word.
    Each pattern starts with its mark as a literal, so the engine finds candidates with a
    plain character search (a class of three marks was tested at every character); the
    look-ahead comes next, so the look-behinds (one per word, each of fixed width) run only
    where a sentence can end: the split stays a few scans in C. The words of one length share
    their two look-behinds (an alternation of one width may stand in one), so a dot that ends a
    sentence is tested by a few look-behinds rather than two for every word."""
    by_width: dict[int, list[str]] = {1: ["[A-Z]"]}
    for word in load_vocab(language).words("abbreviations"):
        by_width.setdefault(len(word), []).append(re.escape(word))
    not_after = "".join(rf"(?<!\s(?:{alts})\.)(?<!\A(?:{alts})\.)" for alts in
                        ("|".join(words) for _, words in sorted(by_width.items())))
    ahead = r"(?=[\"”’]?[^\S\n]+[\"“‘(]?[A-Z0-9])"
    return tuple(re.compile(rf"{re.escape(mark)}{ahead}{not_after if mark == '.' else ''}"
                            r"[\"”’]?") for mark in ".!?")


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
    trailing spaces, ``cuts`` where a sentence ends inside it (``_sentence_ends``, the
    patterns that decide where sentences end)."""
    patterns = _sentence_ends(language)
    pos = 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        size = len(line.rstrip())
        if size:
            cuts = sorted(m.end() for pattern in patterns for m in pattern.finditer(line))
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
    the checks need, for every article): the cuts in one scan of the whole text (a cut never
    ends a line, since a capital follows it on its line), then each line's last word."""
    ends = [m.end() for pattern in _sentence_ends(language) for m in pattern.finditer(text)]
    pos = 0
    for line in text.split("\n"):
        size = len(line.rstrip())
        if size:
            ends.append(pos + size)
        pos += len(line) + 1
    ends.sort()
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
