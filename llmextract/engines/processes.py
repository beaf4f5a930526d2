"""The process engine: the same per-article function in a pool of worker processes on this
machine (``concurrent.futures.ProcessPoolExecutor``), for the work threads cannot share out
under the GIL: a re-run whose model calls are all cached is CPU alone (bench/RESULTS.md).

Each worker builds the per-article function once (its own model client and cache handle,
as a Ray actor does); jobs and outcomes travel pickled. Workers come from a fork server that
has imported ``preload`` once, so a worker starts in milliseconds without copying a parent
that runs threads (where there is no fork server, as on Windows, each worker starts a new
interpreter). Ctrl-C is the parent's to handle: the workers ignore SIGINT, and closing
the iterator cancels what has not started.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from llmextract.engines import windowed

T = TypeVar("T")
U = TypeVar("U")

_fn: Callable[[Any], Any] | None = None  # the worker process's per-article function


def _start(make: Callable[[], Callable[[Any], Any]]) -> None:
    global _fn
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _fn = make()


def _apply(item: Any) -> Any:
    if _fn is None:  # the initializer always ran first: a pool worker without it is a bug
        raise RuntimeError("process engine: a worker ran before it was started")
    return _fn(item)


def map_processes(make: Callable[[], Callable[[T], U]], items: Iterable[T], workers: int, *,
                  preload: Sequence[str] = ()) -> Iterator[U]:
    """``make()`` built in each of ``workers`` processes and mapped over ``items``; each result
    as soon as it is ready, at most ``2 x workers`` items read ahead. ``preload``: modules the
    fork server imports once for every worker."""
    context: BaseContext
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        context = multiprocessing.get_context("spawn")
    else:
        server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload(list(preload))
        context = server
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start,
                               initargs=(make,))
    return windowed(pool, _apply, items, 2 * workers)
