"""What the scale benchmarks share: the made-up corpus and the latency double of the tests
(``tests/corpus.py``, ``tests/latency_double.py``), one timed run, and the machine's state,
printed above each table because the machine is shared."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmextract.engines import Parallelism  # noqa: E402
from llmextract.extract.read import ReadStrategy  # noqa: E402
from llmextract.pipeline import RunResult, run  # noqa: E402
from llmextract.settings import resolve_settings  # noqa: E402
from tests.corpus import write_corpus  # noqa: E402,F401
from tests.latency_double import MODEL  # noqa: E402


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.machine()}, {os.cpu_count()} CPU cores, Python "
            f"{platform.python_version()}, load average {load} (1, 5, 15 min)")


def timed_run(articles: Path, out: Path, cache: Path, url: str, *, concurrency: int | None,
              engine: str = "local", work_again: bool = False) -> tuple[float, RunResult]:
    """One run with the read strategy; ``work_again``: passed in as the caller's own, so no
    outcome is kept or recalled (``kept``) and every article is worked, its model calls still
    answered from the cache."""
    settings = resolve_settings(base_url=url, model=MODEL, strategy="read", cache_dir=cache)
    start = time.perf_counter()
    result = run(articles, settings, out_dir=out, strategy=ReadStrategy() if work_again else None,
                 parallel=Parallelism(engine=engine, concurrency=concurrency))
    return time.perf_counter() - start, result


def median(values: list[float]) -> float:
    return statistics.median(values)
