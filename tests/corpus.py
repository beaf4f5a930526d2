"""A made-up corpus for scale tests and benchmarks: the seed articles repeated, each copy made
unique by a line of letters (no new number), and every seventh copy of the Kota Metro seed
reporting 241 cases instead of 242, so the checks across articles find conflicts that grow
with the corpus."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from pathlib import Path

from .conftest import SEEDS

METRO = "sebanyak 242 kasus"


def _word(n: int) -> str:
    letters = string.ascii_lowercase
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = letters[r] + out
        if n == 0:
            return out


def corpus_texts(n: int) -> Iterator[str]:
    """The texts one at a time: a list of 100,000 of them (about 6 KB each, held as two bytes a
    character) was most of the peak memory the memory benchmark measured, not the pipeline."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(n):
        text = seeds[i % len(seeds)] + f"\n\nKode berita {_word(i)}.\n"
        if METRO in text and (i // len(seeds)) % 7 == 3:
            text = text.replace(METRO, "sebanyak 241 kasus")
        yield text


def write_corpus(path: Path, n: int, extra: dict[int, str] | None = None) -> Path:
    """``n`` articles as JSONL; ``extra``: text appended to the article of that index."""
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(corpus_texts(n)):
            fh.write(json.dumps({"id": f"a{i}", "text": text + (extra or {}).get(i, "")},
                                ensure_ascii=False) + "\n")
    return path
