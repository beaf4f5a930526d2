"""Engines map one pure per-article function over a stream of articles and hand back the
results as they finish. The pipeline (reading, writing the run folder, the checks across
articles) is the same whatever the engine; an engine knows nothing of articles.

- ``local`` (``map_local``): a bounded thread pool in this process. Model calls are network
  waits, so threads overlap them (the openai client is thread-safe); at most ``2 x
  concurrency`` articles are read ahead, so memory stays bounded and a slow article holds one
  worker, never the others. Concurrency 1 runs in the calling thread, in input order.
- ``ray`` (``engines.ray_data.map_ray``): the same function over a Ray cluster with Ray Data,
  for more than one machine (``pip install '.[ray]'``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

ENGINES = ("local", "ray")


@dataclass(frozen=True)
class Parallelism:
    """How a run spreads its articles: ``engine`` (``local`` or ``ray``); ``concurrency``:
    articles in flight at once (threads for ``local``, Ray workers for ``ray``; None: the
    endpoint's default); ``rpm``: at most this many model requests a minute (None: no limit);
    ``address``: the Ray cluster to join (None: start a local one)."""

    engine: str = "local"
    concurrency: int | None = None
    rpm: float | None = None
    address: str | None = None


def map_local(fn: Callable[[T], U], items: Iterable[T], concurrency: int) -> Iterator[U]:
    """``fn`` over ``items`` on ``concurrency`` threads, each result as soon as it is ready.

    Closing the iterator (Ctrl-C in the consumer, or a consumer that stops) cancels what has
    not started; what is running finishes in its thread and is dropped."""
    if concurrency <= 1:
        for item in items:
            yield fn(item)
        return
    window = 2 * concurrency
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="llmextract")
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
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
