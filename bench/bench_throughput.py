"""Benchmark 1: throughput against the latency double (a loopback OpenAI-compatible server
answering every call after a fixed 300 ms; not a model), 500 articles at concurrency 1, 4, 16, 32
and 64, the read strategy (two calls an article), a fresh cache each run. Goal: speed-up at
least 0.8 x N up to N = 32, no errors.

Run by hand: ``python bench/bench_throughput.py [ARTICLES] [ROUNDS]``. Concurrency 1 runs
once (it takes minutes); the others ``ROUNDS`` times, the median quoted. Prints a table.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from scale_common import machine, median, timed_run, write_corpus

from tests.latency_double import serve_apart

LEVELS = (1, 4, 16, 32, 64)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(machine())
    with tempfile.TemporaryDirectory() as tmp, serve_apart(delay=0.3) as double:
        work = Path(tmp)
        articles = write_corpus(work / "in.jsonl", n)
        seconds: dict[int, list[float]] = {}
        errors: dict[int, int] = {}
        for r in range(rounds):
            for level in LEVELS:
                if level == 1 and r > 0:
                    continue
                tag = f"c{level}-r{r}"
                wall, result = timed_run(articles, work / tag, work / f"cache-{tag}", double.url,
                                         concurrency=level)
                seconds.setdefault(level, []).append(wall)
                errors[level] = errors.get(level, 0) + result.tally.failed + result.skipped
                print(f"  concurrency {level:>2}, round {r + 1}: {wall:7.1f} s", flush=True)
        base = median(seconds[1])
        print(f"\n{n} articles, {double.count} requests in all, 300 ms each\n")
        print("| concurrency | runs | median s | articles/s | speed-up | goal 0.8 x N | errors |")
        print("|---|---|---|---|---|---|---|")
        for level in LEVELS:
            s = median(seconds[level])
            goal = f"{0.8 * min(level, 32):.1f}"
            print(f"| {level} | {len(seconds[level])} | {s:.1f} | {n / s:.1f} | "
                  f"{base / s:.1f} | {goal} | {errors[level]} |")


if __name__ == "__main__":
    main()
