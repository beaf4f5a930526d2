"""How the number parser and the cleaners scale on adversarial input: each shape repeated to
10 kB and to 1 MB, timed, so a superlinear step shows as a per-character cost that grows with
the size (a ratio well above 1) and a slow one as many nanoseconds a character.

Three functions: ``parse_numbers`` (``llmextract/text/numbers.py``), ``clean_text``
(``llmextract/text/clean.py``, the line cleaner every article goes through) and
``html_to_text`` (``llmextract/articles/base.py``, what an HTML file or an HTML text field is
read with before cleaning).

Run by hand: ``python bench/bench_parser.py [--only parser|clean|html] [--big N]``. Prints a table;
asserts nothing. One core; best of a few runs (one when a run takes more than half a second);
wall clock and CPU time of this process (the fairer figure when the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from llmextract.articles.base import html_to_text
from llmextract.text.clean import clean_text
from llmextract.text.numbers import parse_numbers

SMALL = 10_000

# Number-ish shapes: each unit is repeated to the size. The first is the baseline the others are
# measured against (one long run of digits: a single candidate).
PARSER_SHAPES = {
    "digits": "1",
    "digits and dots": "1.",
    "dot groups": "123.",
    "dot and comma": "1.2,",
    "slashes 1/1/": "1/",
    "dashes 1-1-": "1-",
    "colons 1:2:": "1:2:",
    "colons 12:": "12:",
    "times 14:05 ": "14:05 ",
    "spaced digits": "1 ",
    "ranges 1 sampai": "1 sampai ",
    "ranges 1-2 ": "1-2 ",
    "percents 1,5% ": "1,5% ",
    "hedges": "sekitar ",
    "number words": "dua puluh ",
    "codes P3": "P3",
    "unicode digits": "\u0661\u0662 ",
}

# Text shapes for the line cleaner (HTML-ish text that was not read as HTML included).
CLEAN_SHAPES = {
    "prose lines": "Tercatat 242 kasus stunting di desa ini.\n",
    "one line, no spaces": "x",
    "deep nesting": "<div>",
    "unclosed tags": "<p>x",
    "long attribute": None,  # '<a href="xxxx...">y</a>'
    "link lines": "Baca juga: Berita lain hari ini\n",
    "repeated lines": "Judul yang sama\n",
    "blank lines": "\n",
    "carriage returns": "a\r\n",
}

# Markup shapes for the HTML reader.
HTML_SHAPES = {
    "paragraphs": "<p>Tercatat 242 kasus.</p>",
    "deep nesting": "<div>",
    "unclosed tags": "<p>x",
    "sibling blocks": "<p>1</p>",
    "line breaks": "x<br>",
    "long attribute": None,
    "link lines": '<a href="/a">Baca juga: x</a>\n',
    "scripts": "<script>var a=1;</script>x",
    "inline tags": "<span>a</span>",
}


def _text(unit: str | None, size: int) -> str:
    if unit is None:
        return '<a href="' + "x" * (size - 15) + '">y</a>'
    return unit * (size // len(unit))


def _timed(function: Callable[[str], object], text: str) -> tuple[float, float]:
    """Best (wall, CPU) seconds of a few runs of ``function(text)``."""
    wall = cpu = float("inf")
    for _ in range(9):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        function(text)
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, time.process_time() - start_cpu)
        if wall > 0.5:
            break
    return wall, cpu


def _table(title: str, function: Callable[[str], object], shapes: dict[str, str | None],
           big_size: int) -> None:
    """Per shape: CPU nanoseconds a character at each size, their ratio (1 when linear, about
    100 when quadratic for 100 times the input) and the wall-clock time of the big input."""
    print(f"\n{title}, {SMALL:,} and {big_size:,} characters (CPU ns a character)")
    print(f"  {'shape':22} {'small':>9} {'big':>9} {'ratio':>7} {'big wall s':>11}")
    for label, unit in shapes.items():
        small_text, big_text = _text(unit, SMALL), _text(unit, big_size)
        _, small = _timed(function, small_text)
        big_wall, big = _timed(function, big_text)
        small_ns, big_ns = small / len(small_text) * 1e9, big / len(big_text) * 1e9
        print(f"  {label:22} {small_ns:9.1f} {big_ns:9.1f} {big_ns / max(small_ns, 0.1):7.1f} "
              f"{big_wall:11.3f}")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--only", choices=["parser", "clean", "html"])
    options.add_argument("--big", type=int, default=1_000_000,
                         help="the larger size in characters (1 MB; less for a slow tree)")
    arguments = options.parse_args()
    only, big = arguments.only, arguments.big
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    parse_numbers("1")  # load the vocabulary and compile the patterns once
    clean_text("x")
    print(f"load average {os.getloadavg()[0]:.1f} at start")
    if only in (None, "parser"):
        _table("parse_numbers()", parse_numbers, PARSER_SHAPES, big)
    if only in (None, "clean"):
        _table("clean_text()", clean_text, CLEAN_SHAPES, big)
    if only in (None, "html"):
        _table("html_to_text()", lambda html: html_to_text(html, "bench"), HTML_SHAPES, big)
    print(f"\nload average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
