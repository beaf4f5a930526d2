"""The CPU of one model call, which bounds benchmark 1 (``bench_throughput.py``): one process
under one GIL keeps N calls in flight only while N calls' CPU fits in one call's latency. The
latency double answers at once here (0 ms: only CPU is measured, and the double's own CPU, in
this process, is counted too, the same in every tree), a fresh cache each run, after a warm-up
run that pays the imports.

Run by hand: ``python bench/bench_call_cpu.py [ARTICLES] [CONCURRENCY ...] [--profile]``
(default 100 articles at concurrency 1 and 16). Prints process CPU seconds per article and per
call (``time.process_time``: every thread of this process), with wall seconds beside them
because the machine is shared. ``--profile``: a cProfile of the concurrency-1 run (the calling thread's CPU time, not the
wall: waiting on the socket is not counted), the 30 heaviest functions by cumulative time.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

from scale_common import machine, timed_run, write_corpus

from tests.latency_double import serve


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    profile = "--profile" in sys.argv
    n = int(args[0]) if args else 100
    levels = [int(a) for a in args[1:]] or [1, 16]
    print(machine())
    with tempfile.TemporaryDirectory() as tmp, serve(delay=0.0) as double:
        work = Path(tmp)
        timed_run(write_corpus(work / "warm.jsonl", 5), work / "warm", work / "cache-warm",
                  double.url, concurrency=1)
        articles = write_corpus(work / "in.jsonl", n)
        for level in levels:
            calls = double.count
            cpu = time.process_time()
            profiler = cProfile.Profile(time.thread_time) if profile and level == 1 else None
            if profiler:
                profiler.enable()
            wall, result = timed_run(articles, work / f"c{level}", work / f"cache-{level}",
                                     double.url, concurrency=level)
            if profiler:
                profiler.disable()
            cpu = time.process_time() - cpu
            calls = double.count - calls
            failed = result.tally.failed + result.skipped
            print(f"concurrency {level:>2}: {n} articles, {calls} calls, {failed} failed; "
                  f"CPU {cpu:.2f} s = {1000 * cpu / n:.1f} ms an article, "
                  f"{1000 * cpu / calls:.2f} ms a call; wall {wall:.2f} s", flush=True)
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
