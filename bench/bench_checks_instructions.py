"""What ``check()`` costs in instructions, which the machine's load does not move (seconds do:
``bench/bench_checks.py``): ``check()`` over N fresh copies of the seed articles with their gold,
run under ``valgrind --tool=callgrind`` for N = 100 and N = 0; the difference is the cost of 500
``check()`` calls without the imports and the set-up.

Run by hand: ``python bench/bench_checks_instructions.py [--keep DIR]`` (needs valgrind; about a
minute). ``--keep`` leaves both callgrind files in DIR for ``callgrind_annotate --inclusive=yes``.
Prints the figure; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

COPIES = 100  # of the 5 seed cases: 500 check() calls
_TOTAL = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


def _loop(copies: int) -> None:
    """The measured program: set-up and one warm-up check, then ``copies`` rounds of fresh
    articles (each copy differs by its last line, so no memo keyed on the text helps)."""
    from bench_checks import _seed_cases

    from llmextract.checks import check

    cases = _seed_cases()
    check(*cases[0])  # load the vocabularies and compile the patterns
    for i in range(copies):
        for text, extraction in cases:
            check(f"{text}\n{i}", extraction)


def _instructions(copies: int, out: Path) -> int:
    # A fixed hash seed: set and dict orders (some word lists are joined into patterns in
    # that order) would otherwise move the count by a few percent from run to run.
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                    sys.executable, __file__, "--loop", str(copies)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONHASHSEED": "0"})
    found = _TOTAL.search(out.read_text("utf-8"))
    if found is None:
        raise SystemExit(f"{out}: no instruction total in the callgrind output")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loop", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="folder for the callgrind output files")
    args = parser.parse_args()
    if args.loop is not None:
        _loop(args.loop)
        return
    with tempfile.TemporaryDirectory() as scratch:
        where = args.keep or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        full = _instructions(COPIES, where / f"callgrind.{COPIES}")
        setup = _instructions(0, where / "callgrind.0")
    print(f"{(full - setup) / 1e6:,.0f} M instructions per {COPIES * 5} check() calls "
          f"({full / 1e6:,.0f} M with N = {COPIES}, {setup / 1e6:,.0f} M with N = 0)")


if __name__ == "__main__":
    main()
