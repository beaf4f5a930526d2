"""Engines map one pure per-article function over a stream of articles and hand back the
results as they finish. The pipeline (reading, writing the run folder, the checks across
articles) is the same whatever the engine; an engine knows nothing of articles.

- ``local`` (``map_local``): a bounded thread pool in this process. Model calls are network
  waits, so threads overlap them (the openai client is thread-safe); at most ``2 x
  concurrency`` articles are read ahead, so memory stays bounded and a slow article holds one
  worker, never the others. Concurrency 1 runs in the calling thread, in input order.
- ``processes`` (``engines.processes.map_processes``): a pool of worker processes on this
  machine, one per core by default, for CPU-bound work (a re-run from the cache) that threads
  cannot spread under the GIL.
- ``ray`` (``engines.ray_data.map_ray``): the same function over a Ray cluster with Ray Data,
  for more than one machine (``pip install '.[ray]'``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

ENGINES = ("local", "processes", "ray")


@dataclass(frozen=True)
class Parallelism:
    """How a run spreads its articles: ``engine`` (``local``, ``processes`` or ``ray``);
    ``concurrency``: articles in flight at once (threads for ``local``, worker processes for
    ``processes``, Ray workers for ``ray``; None: the endpoint's default, one process a core
    for ``processes``); ``rpm``: at most this many model requests a minute (None: no limit);
    ``address``: the Ray cluster to join (None: start a local one)."""

    engine: str = "local"
    concurrency: int | None = None
    rpm: float | None = None
    address: str | None = None


def map_local(fn: Callable[[T], U], items: Iterable[T], concurrency: int) -> Iterator[U]:
    """``fn`` over ``items`` on ``concurrency`` threads, each result as soon as it is ready."""
    if concurrency <= 1:
        return map(fn, items)
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="llmextract")
    return windowed(pool, fn, items, 2 * concurrency)


def windowed(pool: Executor, fn: Callable[[T], U], items: Iterable[T], window: int
             ) -> Iterator[U]:
    """``fn`` over ``items`` on ``pool``, at most ``window`` submitted and not yet handed back;
    each result as soon as it is ready. The pool is shut down at the end (without waiting when
    the consumer stops early).

    Closing the iterator (Ctrl-C in the consumer, or a consumer that stops) cancels what has
    not started; what is running finishes in its worker and is dropped."""
    pending: set[Future[U]] = set()
    try:
        for item in items:
            pending.add(pool.submit(fn, item))
            if len(pending) >= window:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()  # nothing is left running: worker processes end and are reaped
