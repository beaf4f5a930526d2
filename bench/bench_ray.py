"""Benchmark 6: the Ray engine against the local engine on the same input, against the
latency double (300 ms a call, not a model): 200 articles, local at concurrency 1, 2 and 4,
Ray at 2 and 4 workers on a local Ray instance started once (its start-up is not in the
figures), a fresh cache each run; the records must be the same as the local engine's.

Run by hand (needs ``pip install '.[ray]'``): ``python bench/bench_ray.py [ARTICLES] [ROUNDS]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import ray
from scale_common import machine, median, timed_run, write_corpus

from llmextract.store import load_records
from tests.latency_double import serve_apart

RUNS = (("local", 1), ("local", 2), ("ray", 2), ("local", 4), ("ray", 4))


def records(run_dir: Path) -> dict[str, dict[str, object]]:
    return {r.id: r.model_dump(exclude={"seconds"}) for r in load_records(run_dir)}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(machine())
    ray.init(include_dashboard=False, log_to_driver=False)
    with tempfile.TemporaryDirectory() as tmp, serve_apart(delay=0.3) as double:
        work = Path(tmp)
        articles = write_corpus(work / "in.jsonl", n)
        seconds: dict[tuple[str, int], list[float]] = {}
        same: dict[tuple[str, int], bool] = {}
        reference = None
        for r in range(rounds):
            for engine, level in RUNS:
                tag = f"{engine}{level}-r{r}"
                wall, result = timed_run(articles, work / tag, work / f"cache-{tag}", double.url,
                                         concurrency=level, engine=engine)
                got = records(work / tag)
                reference = reference or got
                same[(engine, level)] = same.get((engine, level), True) and got == reference
                seconds.setdefault((engine, level), []).append(wall)
                print(f"  {engine} {level}, round {r + 1}: {wall:.1f} s", flush=True)
    ray.shutdown()
    base = median(seconds[("local", 1)])
    print(f"\n{n} articles, 300 ms a call\n")
    print("| engine | workers | runs | median s | speed-up over local 1 | same records |")
    print("|---|---|---|---|---|---|")
    for key in RUNS:
        s = median(seconds[key])
        print(f"| {key[0]} | {key[1]} | {len(seconds[key])} | {s:.1f} | {base / s:.2f} | "
              f"{'yes' if same[key] else 'NO'} |")


if __name__ == "__main__":
    main()
