"""What the page and the report show next to a decision: the article cut into highlighted
chunks, the numbers the parser reads around a flagged span, and the arithmetic of a consistency
flag over the numbers it adds, divides or subtracts.

The article is split at every highlight boundary into flat, non-overlapping chunks, each with
its start offset and the set of classes covering it. Flat chunks keep escaping trivial (each is
plain text in its own element, escaped by the template) and let the page turn a mouse selection
back into article offsets by reading the chunk's start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from llmextract.dataset.reviewed import ItemStatus, ReviewedItem
from llmextract.models import Flag, Span
from llmextract.text.numbers import NumberMention, parse_numbers

NEARBY_CHARS = 200  # on a very long line, look this far either side of the flagged spans
ARITHMETIC_NUMBER_CHARS = 40  # a flag's longer spans are the sentences around its numbers


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    css: str
    note: str = ""  # shown over the chunk (a flag's arithmetic)


@dataclass(frozen=True)
class Chunk:
    start: int
    text: str
    css: str
    note: str = ""


def highlight(text: str, marks: list[Mark]) -> list[Chunk]:
    """``text`` cut at every mark boundary; each chunk carries the classes of the marks over it."""
    inside = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in inside), *(m.end for m in inside)})
    chunks: list[Chunk] = []
    for start, end in pairwise(cuts):
        over = [m for m in inside if m.start <= start and end <= m.end]
        notes = "; ".join(dict.fromkeys(m.note for m in over if m.note))
        chunks.append(Chunk(start=start, text=text[start:end],
                            css=" ".join(sorted({m.css for m in over})), note=notes))
    return chunks


def article_marks(items: list[ReviewedItem], *, current: str | None = None,
                  focus: list[Span] | tuple[Span, ...] = ()) -> list[Mark]:
    """The quotes of one article's ``items`` by type (rejected ones struck through), the current
    item outlined and the flagged spans in focus."""
    marks: list[Mark] = []
    for ri in items:
        span = ri.item.span
        if span is None:
            continue
        css = f"hl-{ri.item_type}" + (" hl-rejected" if ri.status is ItemStatus.rejected else "")
        marks.extend(Mark(span.start, span.end, c) for c in css.split())
        if ri.item.id == current:
            marks.append(Mark(span.start, span.end, "hl-current"))
    marks.extend(Mark(s.start, s.end, "hl-focus") for s in focus)
    return marks


def flag_numbers(text: str, flag: Flag) -> list[tuple[int, str]]:
    """The numbers a consistency flag computes with, as written, with where they start: shown
    beside its arithmetic so the reviewer redoes the sum on the highlighted numbers."""
    if not flag.arithmetic:
        return []
    return [(s.start, text[s.start:s.end]) for s in flag.spans
            if s.end - s.start <= ARITHMETIC_NUMBER_CHARS
            and any(c.isdigit() for c in text[s.start:s.end])]


def arithmetic_marks(text: str, flags: Sequence[Flag]) -> list[Mark]:
    """Each number of a consistency flag carries the flag's arithmetic over it in the article."""
    return [Mark(start, start + len(written), "hl-arith", flag.arithmetic or "")
            for flag in flags for start, written in flag_numbers(text, flag)]


@lru_cache(maxsize=32)
def _mentions(text: str) -> tuple[NumberMention, ...]:
    return tuple(parse_numbers(text))


def nearby_region(text: str, spans: list[Span]) -> Span | None:
    """The lines holding ``spans`` (clipped on very long lines): where a reviewer looks for the
    number that should have been read."""
    if not spans:
        return None
    lo, hi = min(s.start for s in spans), max(s.end for s in spans)
    start = text.rfind("\n", 0, lo) + 1
    end = text.find("\n", hi)
    end = len(text) if end < 0 else end
    return Span(start=max(start, lo - NEARBY_CHARS), end=min(end, hi + NEARBY_CHARS))


def nearby_numbers(text: str, spans: list[Span]) -> list[NumberMention]:
    """Every number mention the parser finds in the region around ``spans``."""
    region = nearby_region(text, spans)
    if region is None:
        return []
    return [m for m in _mentions(text) if region.start <= m.start and m.end <= region.end]
