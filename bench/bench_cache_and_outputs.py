"""Benchmarks 2 and 4: a full re-run from the cache, and the size of what a run writes.

2. 10,000 articles are run once against the latency double with no delay (to fill the cache),
   then run again into new folders ``ROUNDS`` times: every model call and every article's kept
   outcome is answered from the cache (the double counts the requests: none may arrive), so
   the time is reading, looking up, the checks across articles and writing. Goal: at least 500
   articles a second end to end. For comparison, the same re-run working every article again
   (what a re-run after an edit to the code or a word list does: the model calls cached, the
   rules, metadata and checks run), on the first 1,000 articles.
4. The files of the cached runs over the first 1,000 and over all 10,000 articles (the same
   corpus, so the 1,000 are a prefix): goal linear, a ratio within 10 x +- 10 %.

Run by hand: ``python bench/bench_cache_and_outputs.py [ARTICLES] [ROUNDS] [ENGINE]``; ENGINE
``local`` (one thread, the default) or ``processes`` (one worker process a core) runs the
re-runs. The CPU seconds of each re-run in this process are printed beside the wall time: on a
shared machine the wall time follows the load, the CPU time less so. With ``processes`` that is
the parent's share alone (reading, writing, the checks across articles): the workers are the
fork server's children, not this process's; ``/usr/bin/time -v`` around the whole bench
counts them.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from scale_common import machine, median, timed_run, write_corpus

from tests.latency_double import serve

FILES = ("extractions.jsonl", "flags.jsonl", "conflicts.jsonl", "run.json")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    engine = sys.argv[3] if len(sys.argv) > 3 else "local"
    small_n = n // 10
    print(machine())
    with tempfile.TemporaryDirectory() as tmp, serve(delay=0.0) as double:
        work = Path(tmp)
        articles = write_corpus(work / "in.jsonl", n)
        small = write_corpus(work / "small.jsonl", small_n)
        cache = work / "cache"
        fill, _ = timed_run(articles, work / "fill", cache, double.url, concurrency=8)
        asked = double.count
        print(f"  filling the cache: {fill:.1f} s, {asked} requests", flush=True)
        walls, cpus = [], []
        for r in range(rounds):
            before = time.process_time()
            wall, result = timed_run(articles, work / f"again{r}", cache, double.url,
                                     concurrency=None if engine == "processes" else 1,
                                     engine=engine)
            cpu = time.process_time() - before
            assert result.ok and result.tally.usage.calls == 0
            walls.append(wall)
            cpus.append(cpu)
            print(f"  re-run {r + 1}: {wall:.1f} s, {n / wall:.0f} articles/s, {cpu:.1f} s of "
                  f"CPU ({1000 * cpu / n:.2f} ms an article)", flush=True)
        timed_run(small, work / "small", cache, double.url, concurrency=1)
        before = time.process_time()
        again_wall, again = timed_run(small, work / "worked", cache, double.url, concurrency=1,
                                      engine=engine, work_again=True)
        again_cpu = time.process_time() - before
        assert again.ok and again.tally.usage.calls == 0
        extra = double.count - asked
        print(f"\n2. full re-run from the cache, {n} articles, engine {engine} "
              f"({result.concurrency} at once)\n")
        print("| runs | median s | articles/s | CPU ms an article | requests during the re-runs |")
        print("|---|---|---|---|---|")
        print(f"| {rounds} | {median(walls):.1f} | {n / median(walls):.0f} | "
              f"{1000 * median(cpus) / n:.2f} | {extra} |")
        print(f"\nThe same re-run working every article again (model calls cached), {small_n} "
              f"articles, once: {again_wall:.1f} s, {small_n / again_wall:.0f} articles/s, "
              f"{1000 * again_cpu / small_n:.2f} ms of CPU an article")
        print(f"\n4. output sizes, {small_n} and {n} articles\n")
        print(f"| file | {small_n} articles | {n} articles | ratio |")
        print("|---|---|---|---|")
        for name in FILES:
            a = (work / "small" / name).stat().st_size
            b = (work / "again0" / name).stat().st_size
            print(f"| {name} | {a:,} B | {b:,} B | {b / a:.2f} |")


if __name__ == "__main__":
    main()
