"""Does the embedded llama.cpp server gain from more than one article in flight? The seeds
with the embedded default (Gemma 3 270M, candidates), no cache, at concurrency 1 and 2,
alternating, on one server started once (its start-up not counted).

Run by hand (needs ``pip install '.[local]'``): ``python bench/bench_embedded_concurrency.py
[ROUNDS]``. Prints a table.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from scale_common import ROOT, machine

from llmextract.engines import Parallelism
from llmextract.local_model import GEMMA, embedded_endpoint
from llmextract.pipeline import make_client, run
from llmextract.settings import resolve_settings


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    print(machine())
    seconds: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = resolve_settings(use_cache=False)  # the user cache: the GGUF assembled once
        with embedded_endpoint(settings.cache_dir, GEMMA) as endpoint:
            client = make_client(endpoint, settings)
            for r in range(rounds):
                for level in (1, 2):
                    start = time.perf_counter()
                    result = run(ROOT / "seeds", settings, out_dir=work / f"c{level}-{r}",
                                 client=client, parallel=Parallelism(concurrency=level))
                    assert result.ok
                    seconds[level].append(time.perf_counter() - start)
                    print(f"  concurrency {level}, round {r + 1}: {seconds[level][-1]:.1f} s",
                          flush=True)
    print("\n| concurrency | runs | median s for the 5 seeds | s an article |")
    print("|---|---|---|---|")
    for level, values in seconds.items():
        m = statistics.median(values)
        print(f"| {level} | {len(values)} | {m:.1f} | {m / 5:.1f} |")


if __name__ == "__main__":
    main()
