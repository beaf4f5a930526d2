"""Cleaning before the model: drop site chrome, keep every kept character traceable.

Only whole lines are dropped (related links, share and comment widgets, repeated titles) and
runs of blank lines are squeezed, so a kept line is verbatim and ``segments`` maps any offset in
the cleaned text back to the original file. A line ends at ``\\n``, ``\\r\\n`` or ``\\r``; the
cleaned text joins its lines with ``\\n``, and the segments point into the text as given (a
file with Windows line ends included). The patterns are data:
``prompts/vocab/boilerplate.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat

from llmextract.resources import load_vocab
from llmextract.text.spans import Segment

_LINE_END = re.compile(r"(\r\n|\r|\n)")


@dataclass(frozen=True)
class Cleaned:
    text: str
    segments: list[Segment] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def to_original(self, offset: int) -> int:
        """Map an offset in the cleaned text to the same character in the original text (a
        line break between kept lines maps to the end of the line before it)."""
        index = bisect_right(self.segments, offset, key=lambda seg: seg.clean_start) - 1
        if index < 0:
            return offset
        seg = self.segments[index]
        return seg.original_start + min(offset - seg.clean_start, seg.length)


@cache
def _drop_pattern() -> re.Pattern[str]:
    patterns = load_vocab("boilerplate").words("drop_line_patterns")
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)


def is_boilerplate_line(line: str) -> bool:
    return bool(_drop_pattern().fullmatch(line.strip()))


def clean_text(raw: str) -> Cleaned:
    drop_repeats = load_vocab("boilerplate").flag("drop_repeated_lines")
    seen: set[str] = set()
    parts: list[str] = []
    segments: list[Segment] = []
    dropped: list[str] = []
    clean_len = 0
    last_blank = True
    pos = 0
    ends: Iterable[int]  # how long each line's end is (after the last line: none)
    if "\r" in raw:
        pieces = _LINE_END.split(raw)  # line, its end, line, its end, ..., the last line
        lines, ends = pieces[::2], [*map(len, pieces[1::2]), 0]
    else:  # the usual case, twice as fast on a text of short lines
        lines, ends = raw.split("\n"), repeat(1)
    for line, end in zip(lines, ends, strict=False):
        start = pos
        pos += len(line) + end
        stripped = line.strip()
        if not stripped:
            if not last_blank:
                parts.append("")
                clean_len += 1
                last_blank = True
            continue
        if is_boilerplate_line(stripped) or (drop_repeats and stripped in seen):
            dropped.append(stripped)
            continue
        seen.add(stripped)
        lead = len(line) - len(line.lstrip())
        segments.append(
            Segment(clean_start=clean_len, original_start=start + lead, length=len(stripped))
        )
        parts.append(stripped + "\n")
        clean_len += len(stripped) + 1
        last_blank = False
    text = "".join(p if p else "\n" for p in parts).rstrip("\n")
    return Cleaned(text=text, segments=segments, dropped=dropped)
