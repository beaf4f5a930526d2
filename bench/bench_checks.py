"""How fast the cross-check runs: articles checked per second on one core, over the seed
articles with their gold extraction (goal: at least 2,000 a second). The parser and the
cleaners on adversarial input: ``bench/bench_parser.py``.

Run by hand: ``python bench/bench_checks.py``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from llmextract.checks import check
from llmextract.checks.context import build_context
from llmextract.text.clean import clean_text
from llmextract.models import Extraction
from llmextract.text.numbers import parse_numbers

ROOT = Path(__file__).resolve().parent.parent


def _seed_cases() -> list[tuple[str, Extraction]]:
    gold = json.loads((ROOT / "tests" / "gold" / "seeds.json").read_text("utf-8"))["articles"]
    return [(clean_text((ROOT / "seeds" / name).read_text("utf-8")).text,
             Extraction.model_validate(article)) for name, article in gold.items()]


def _rate(work: list[tuple[str, Extraction]], function, rounds: int = 5) -> str:  # type: ignore[no-untyped-def]
    """Articles a second, by wall clock and by CPU time of this process (the second is the
    fairer figure when other processes share the machine); best of a few rounds."""
    wall, cpu = 0.0, 0.0
    for _ in range(rounds):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        for text, extraction in work:
            function(text, extraction)
        wall = max(wall, len(work) / (time.perf_counter() - start_wall))
        cpu = max(cpu, len(work) / max(time.process_time() - start_cpu, 1e-9))
    return f"{wall:8.0f} articles/s (wall), {cpu:8.0f} per CPU second"


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    cases = _seed_cases()
    chars = sum(len(t) for t, _ in cases) / len(cases)
    items = sum(len(e.indicators) + len(e.targets) + len(e.programs) for _, e in cases) / len(cases)
    check(*cases[0])  # load vocabularies and compile patterns once
    print(f"seed articles: {len(cases)}, {chars:.0f} characters and {items:.1f} items on average")
    # Each copy differs by one character, so no cache can help.
    fresh = [(f"{text}\n{i}", extraction) for i in range(400) for text, extraction in cases]
    print(f"check():         {_rate(fresh, check)}")
    print(f"build_context(): {_rate(fresh, build_context)}")
    print(f"parse_numbers(): {_rate(fresh, lambda text, _: parse_numbers(text))}")


if __name__ == "__main__":
    main()
