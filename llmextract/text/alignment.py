"""Finding an extracted quote or value text in the article, with evidence of how well it matched.

A model copies text imperfectly: curly quotes become straight ones, line breaks become spaces,
a word gets dropped. The reviewer must know which of these happened, so ``locate`` returns a
status, never a bare bool, and tries the strictest reading first:

1. ``exact``: the needle occurs verbatim;
2. ``normalized``: it occurs once whitespace runs, letter case, quote characters and dashes are
   normalized (offsets mapped back to the original text);
3. ``fuzzy``: a close but different passage (rapidfuzz partial ratio at or above the threshold);
   a fuzzy match is evidence of a copying error and is never reported as exact;
4. ``not_found``.

Value texts ("242", "10,6%") are located with ``whole_words=True`` so that "24" is not found
inside "242" nor "2" inside "2.756". Fuzzy matching is only tried for needles long enough for a
partial match to mean something: a number that is close to another number is a different number.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz

from llmextract.text.casing import lower_same_length
from llmextract.text.spans import Span, span

FUZZY_THRESHOLD = 90.0
FUZZY_MIN_LENGTH = 12

_QUOTE_CHARS = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
    "\u00bb": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "`": "'", "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-",
}
# str.translate walks every character through a dict; a regex finds the few that change.
_QUOTE_CHAR = re.compile("[" + re.escape("".join(_QUOTE_CHARS)) + "]")
_WHITESPACE = re.compile(r"\s+")


class MatchStatus(str, Enum):
    exact = "exact"
    normalized = "normalized"
    fuzzy = "fuzzy"
    not_found = "not_found"


class Match(NamedTuple):
    """Where a needle was found and how: ``span`` is None only when ``status`` is not_found;
    ``score`` is 100 for exact and normalized matches, the rapidfuzz score otherwise. A named
    tuple: every extracted item makes two or three, and a tuple is built three times faster
    than a frozen dataclass."""

    status: MatchStatus
    span: Span | None
    score: float

    @property
    def found(self) -> bool:
        return self.status is not MatchStatus.not_found


NOT_FOUND = Match(MatchStatus.not_found, None, 0.0)


@dataclass(frozen=True)
class _Normalized:
    """A normalized copy of a text with the bookkeeping to map offsets back: after each
    collapsed whitespace run at normalized position ``marks[k] - 1``, original offsets run
    ``shifts[k]`` characters ahead."""

    text: str
    marks: list[int]
    shifts: list[int]

    def original(self, index: int) -> int:
        k = bisect.bisect_right(self.marks, index) - 1
        return index + (self.shifts[k] if k >= 0 else 0)


def _fold(text: str) -> str:
    """Lower case and canonical quote characters, keeping the length (so offsets survive)."""
    return _QUOTE_CHAR.sub(lambda m: _QUOTE_CHARS[m.group()], lower_same_length(text))


@lru_cache(maxsize=256)
def _normalize_text(text: str) -> _Normalized:
    folded = _fold(text)
    parts: list[str] = []
    marks: list[int] = []
    shifts: list[int] = []
    shift = 0
    last = 0
    for run in _WHITESPACE.finditer(folded):
        start, end = run.span()
        if end - start == 1 and folded[start] == " ":
            continue
        parts.append(folded[last:start])
        parts.append(" ")
        after_space = start - shift + 1
        shift += end - start - 1
        marks.append(after_space)
        shifts.append(shift)
        last = end
    parts.append(folded[last:])
    return _Normalized("".join(parts), marks, shifts)


def normalize(text: str) -> str:
    """The normalized form used for ``normalized`` matches (also handy for comparing quotes).
    ``str.split`` cuts at the same spaces as ``\\s+`` (both ask ``str.isspace``) in one pass,
    where the pattern's search restarts at every character."""
    return " ".join(_fold(text).split())


@lru_cache(maxsize=4096)
def _bounded(needle: str) -> re.Pattern[str]:
    """A pattern for the needle that refuses to start or end inside a word or a number. The
    needle comes first and the test before it looks behind the needle (it has a fixed width),
    so the engine skips to candidates with a plain search instead of trying the look-behinds
    at every character."""
    literal = re.escape(needle)
    before = rf"(?<!\w{literal})(?<!\d[.,]{literal})" if needle[:1].isalnum() else ""
    after = r"(?!\w)(?![.,]\d)" if needle[-1:].isalnum() else ""
    return re.compile(literal + before + after)


def _occurrences(haystack: str, needle: str, whole_words: bool, near: int | None) -> list[int]:
    """Where ``needle`` starts in ``haystack``; without ``near`` only the first place is
    wanted, so the search stops there (most needles are quotes, found once)."""
    if whole_words:
        if near is None:
            first = _bounded(needle).search(haystack)
            return [] if first is None else [first.start()]
        return [m.start() for m in _bounded(needle).finditer(haystack)]
    found: list[int] = []
    i = haystack.find(needle)
    while i >= 0:
        found.append(i)
        if near is None:
            break
        i = haystack.find(needle, i + 1)
    return found


def _closest(starts: list[int], near: int | None) -> int:
    if near is None:
        return starts[0]
    return min(starts, key=lambda s: (abs(s - near), s))


def _snapped(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a fuzzy window that starts or ends mid-word to whole words (the window has the
    needle's length, so a dropped letter leaves it one letter short)."""
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def _trimmed(text: str, start: int, end: int, base: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return span(base + start, base + end)


def locate(
    text: str,
    needle: str,
    *,
    near: int | None = None,
    whole_words: bool = False,
    fuzzy: bool = True,
    within: Span | None = None,
) -> Match:
    """Find ``needle`` in ``text``: exact, then normalized, then fuzzy. When it occurs several
    times, the occurrence starting closest to ``near`` wins (the first one without ``near``).
    ``within`` searches only that part of ``text``, as if it were the whole text (a value may
    start where its quote starts), with spans still into ``text``: no span to shift after."""
    if not needle or not needle.strip():
        return NOT_FOUND
    base = 0
    if within is not None:
        text, base = text[within.start:within.end], within.start
    starts = _occurrences(text, needle, whole_words, near)
    if starts:
        start = base + _closest(starts, None if near is None else near - base)
        return Match(MatchStatus.exact, span(start, start + len(needle)), 100.0)

    norm = _normalize_text(text)
    norm_needle = normalize(needle)
    if not norm_needle:
        return NOT_FOUND
    starts = _occurrences(norm.text, norm_needle, whole_words, near)
    if starts:
        spans = [
            _trimmed(text, norm.original(s), norm.original(s + len(norm_needle) - 1) + 1, base)
            for s in starts
        ]
        closest = spans[0] if near is None else min(
            spans, key=lambda sp: (abs(sp.start - near), sp.start))
        return Match(MatchStatus.normalized, closest, 100.0)

    if not fuzzy or len(norm_needle) < FUZZY_MIN_LENGTH or not norm.text:
        return NOT_FOUND
    alignment = fuzz.partial_ratio_alignment(norm_needle, norm.text)
    if alignment is None:
        return NOT_FOUND
    if alignment.score < FUZZY_THRESHOLD or alignment.dest_end <= alignment.dest_start:
        return Match(MatchStatus.not_found, None, float(alignment.score))
    start, end = _snapped(
        text, norm.original(alignment.dest_start), norm.original(alignment.dest_end - 1) + 1
    )
    return Match(MatchStatus.fuzzy, _trimmed(text, start, end, base), float(alignment.score))


def contains(haystack: str, needle: str, *, whole_words: bool = False) -> bool:
    """Whether ``needle`` occurs in ``haystack`` exactly or after normalization."""
    return locate(haystack, needle, whole_words=whole_words, fuzzy=False).found
