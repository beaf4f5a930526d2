"""Benchmark 3: peak memory of the pipeline process over 1,000, 10,000 and 100,000 articles
(goal: under 300 MB at 100,000). Each size runs in a child process of its own, the read
strategy with an in-process fixture client (``tests/test_api.FixtureClient``: no model, no
network), so the figure is the pipeline's: reading, extraction rules, checks, the index of the
checks across articles, writing. Peak resident memory is the child's ``ru_maxrss``; "after
imports" is the same figure taken just before the run starts.

The corpus is written by this (parent) process, so the child holds nothing but the pipeline:
an earlier version wrote it in the child from a list of every text, and that list (about 6 KB
an article) was most of the peak it measured.

Run by hand: ``python bench/bench_memory.py [SIZES...]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from scale_common import ROOT, machine, write_corpus

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from llmextract.pipeline import run
from llmextract.settings import resolve_settings
from tests.test_api import FixtureClient


class Forget(list):
    def append(self, item):  # the fixture client notes every question; this run keeps none
        pass


work = Path({work!r})
articles = work / "in.jsonl"
imports_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = run(articles, resolve_settings(strategy="read"), out_dir=work / "run",
             client=FixtureClient(asked=Forget()))
print(json.dumps({{"seconds": time.perf_counter() - start, "processed": result.tally.processed,
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "imports_kb": imports_kb,
                  "input_mb": articles.stat().st_size / 1e6,
                  "flags_mb": (work / "run" / "flags.jsonl").stat().st_size / 1e6}}))
"""


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    print(machine())
    print("\n| articles | input MB | after imports MB | peak RSS MB | seconds | flags.jsonl MB |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            write_corpus(Path(tmp) / "in.jsonl", n)
            code = CHILD.format(root=str(ROOT), work=tmp)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True)
            got = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"| {got['processed']:,} | {got['input_mb']:.0f} "
                  f"| {got['imports_kb'] / 1024:.0f} | {got['rss_kb'] / 1024:.0f} "
                  f"| {got['seconds']:.0f} | {got['flags_mb']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
