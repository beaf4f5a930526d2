"""What ``check()`` costs in instructions, which the machine's load does not move (seconds do:
``bench/bench_checks.py``): 500 ``check()`` calls over fresh copies of the seed articles with
their gold, run under ``valgrind --tool=callgrind`` with nothing counted until the loop starts
and the count dumped when it ends (``callgrind_control``), so the imports and the set-up are
neither counted nor subtracted.

Run by hand: ``python bench/bench_checks_instructions.py [--keep DIR]`` (needs valgrind; about
half a minute, as nothing is instrumented before the loop). ``--keep`` leaves the callgrind file
in DIR for ``callgrind_annotate --inclusive=yes``. Prints the figure; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

COPIES = 100  # of the 5 seed cases: 500 check() calls
_TOTAL = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


def _wait_for(path: Path, process: subprocess.Popen[bytes]) -> None:
    while not path.exists():
        if process.poll() is not None:
            raise SystemExit(f"the measured loop ended early (exit {process.returncode})")
        time.sleep(0.1)


def _loop(copies: int, signals: Path) -> None:
    """The measured program: set-up and one warm-up check, then (once the count is on)
    ``copies`` rounds of fresh articles, each copy differing by its last line so that no memo
    keyed on the text helps; then it waits to be dumped."""
    from bench_checks import _seed_cases

    from llmextract.checks import check

    cases = _seed_cases()
    check(*cases[0])  # load the vocabularies and compile the patterns
    fresh = [(f"{text}\n{i}", extraction) for i in range(copies) for text, extraction in cases]
    (signals / "ready").write_text(str(os.getpid()))
    while not (signals / "go").exists():
        time.sleep(0.05)
    for text, extraction in fresh:
        check(text, extraction)
    (signals / "done").touch()
    while not (signals / "end").exists():
        time.sleep(0.05)


def _instructions(copies: int, out: Path) -> int:
    """The loop's instructions alone: instrumentation off until it starts, then on and zeroed,
    then dumped at its end (the dump's file has the process id and a part number appended)."""
    with tempfile.TemporaryDirectory() as scratch:
        signals = Path(scratch)
        # A fixed hash seed: set and dict orders (some word lists are joined into patterns in
        # that order) would otherwise move the count by a few percent from run to run.
        process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={out}", sys.executable, __file__, "--loop", str(copies),
             "--signals", str(signals)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONHASHSEED": "0"})
        try:
            _wait_for(signals / "ready", process)
            pid = (signals / "ready").read_text()
            for request in ("--instr=on", "--zero"):
                subprocess.run(["callgrind_control", request, pid], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            (signals / "go").touch()
            _wait_for(signals / "done", process)
            subprocess.run(["callgrind_control", "--dump", pid], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            (signals / "end").touch()
            process.wait(60)
        finally:
            if process.poll() is None:
                process.kill()
    dumps = sorted(out.parent.glob(f"{out.name}*"), key=lambda p: p.stat().st_mtime)
    for dump in dumps:
        found = _TOTAL.search(dump.read_text("utf-8"))
        if found is not None and dump.name != out.name:
            return int(found.group(1))
    raise SystemExit(f"{out}: no dump of the loop in the callgrind output")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loop", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--signals", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="folder for the callgrind output files")
    args = parser.parse_args()
    if args.loop is not None:
        _loop(args.loop, args.signals)
        return
    with tempfile.TemporaryDirectory() as scratch:
        where = args.keep or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        loop = _instructions(COPIES, where / "callgrind.out")
    print(f"{loop / 1e6:,.0f} M instructions per {COPIES * 5} check() calls")


if __name__ == "__main__":
    main()
