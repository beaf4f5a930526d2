"""The process engine (``engines/processes.py``): worker processes write the records, flags and
conflicts of the one-thread local engine, a cached re-run on it makes no request, and the
workers start their per-article function once each. Against the latency double (not a model)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmextract.engines import Parallelism
from llmextract.engines.processes import map_processes
from llmextract.extract.read import ReadStrategy
from llmextract.pipeline import run
from llmextract.store import CONFLICTS

from .corpus import write_corpus
from .latency_double import Double, serve
from .test_pipeline_concurrency import comparable, flag_set, settings

# The double, and the fork server's UNIX socket in multiprocessing's temporary folder.
pytestmark = pytest.mark.block_network(
    allowed_hosts=[r"127\.0\.0\.1", r".*/pymp-[^/]+/listener-[^/]+"])


@pytest.fixture
def double() -> Iterator[Double]:
    with serve(delay=0.0) as d:
        yield d


def test_worker_processes_write_the_records_of_one_thread(tmp_path: Path, double: Double) -> None:
    articles = write_corpus(tmp_path / "in.jsonl", 12)
    cache = tmp_path / "cache"
    run(articles, settings(double, cache), out_dir=tmp_path / "fill")
    asked = double.count
    one = run(articles, settings(double, cache), out_dir=tmp_path / "one",
              parallel=Parallelism(concurrency=1))
    # A strategy of the caller's own is not kept (``kept``): the workers work every article,
    # their model calls answered from the cache.
    many = run(articles, settings(double, cache), out_dir=tmp_path / "many",
               parallel=Parallelism(engine="processes", concurrency=2), strategy=ReadStrategy())
    kept = run(articles, settings(double, cache), out_dir=tmp_path / "kept",
               parallel=Parallelism(engine="processes", concurrency=2))
    assert one.ok and many.ok and kept.ok and many.concurrency == 2
    assert double.count == asked  # every answer and every outcome from the cache
    assert comparable(tmp_path / "kept") == comparable(tmp_path / "one")
    assert comparable(tmp_path / "many") == comparable(tmp_path / "one")
    assert flag_set(tmp_path / "many") == flag_set(tmp_path / "one")
    conflicts = [(tmp_path / d / CONFLICTS).read_text() for d in ("one", "many")]
    assert conflicts[0] == conflicts[1] and conflicts[0].strip()
    assert '"name": "processes"' in (tmp_path / "many" / "run.json").read_text()


def _pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def _make() -> object:
    return _pid_and_square


def test_each_item_goes_through_a_worker_process_and_comes_back() -> None:
    got = list(map_processes(_make, range(40), 2))  # type: ignore[arg-type]
    assert sorted(square for _, square in got) == [n * n for n in range(40)]
    pids = {pid for pid, _ in got}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
