"""Cleaning before the model: drop site chrome, keep every kept character traceable.

Only whole lines are dropped (related links, share and comment widgets, repeated titles) and
runs of blank lines are squeezed, so a kept line is verbatim and ``segments`` maps any offset in
the cleaned text back to the original file. The patterns are data:
``prompts/vocab/boilerplate.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from llmextract.resources import load_vocab
from llmextract.text.spans import Segment


@dataclass(frozen=True)
class Cleaned:
    text: str
    segments: list[Segment] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def to_original(self, offset: int) -> int:
        """Map an offset in the cleaned text to the same character in the original text."""
        for seg in reversed(self.segments):
            if seg.clean_start <= offset:
                return seg.original_start + min(offset - seg.clean_start, seg.length)
        return offset


@cache
def _drop_pattern() -> re.Pattern[str]:
    patterns = load_vocab("boilerplate").words("drop_line_patterns")
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)


def is_boilerplate_line(line: str) -> bool:
    return bool(_drop_pattern().fullmatch(line.strip()))


def clean_text(raw: str) -> Cleaned:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
    drop_repeats = load_vocab("boilerplate").flag("drop_repeated_lines")
    seen: set[str] = set()
    parts: list[str] = []
    segments: list[Segment] = []
    dropped: list[str] = []
    clean_len = 0
    pos = 0
    last_blank = True
    for line in raw.split("\n"):
        start = pos
        pos += len(line) + 1
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
        body = line.strip()
        segments.append(
            Segment(clean_start=clean_len, original_start=start + lead, length=len(body))
        )
        parts.append(body + "\n")
        clean_len += len(body) + 1
        last_blank = False
    text = "".join(p if p else "\n" for p in parts).rstrip("\n")
    return Cleaned(text=text, segments=segments, dropped=dropped)
