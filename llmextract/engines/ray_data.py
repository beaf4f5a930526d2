"""The Ray engine: the same per-article function mapped over a Ray cluster with Ray Data
(``pip install '.[ray]'``, then ``llmextract run INPUT --engine ray [--address ...]``).

Ray Data does the scheduling: each chunk of the input becomes a dataset mapped by a pool of
``workers`` actors, each of which builds the per-article function once (its model client, its
cache handle) and processes one article at a time; results stream back to this process, which
writes the run folder exactly as the local engine does. Jobs and outcomes travel pickled, as
one bytes column, so Arrow never has to infer a schema for a record.

The input is cut into chunks of ``CHUNK`` articles so that a huge input starts at once and the
driver holds one chunk at a time; each chunk waits for its slowest article before the next one
starts, which costs little at this size. The cluster must reach the model: point
``--base-url`` at a server every node can reach (vLLM, say); the embedded llama.cpp server
listens on this machine's loopback only, so it serves a local Ray instance alone.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from types import ModuleType
from typing import Any, Generic, TypeVar

from llmextract.errors import UsageError

T = TypeVar("T")
U = TypeVar("U")

CHUNK = 4096
INSTALL_HINT = "--engine ray needs Ray: pip install '.[ray]' from the llmextract checkout"


class _Apply(Generic[T, U]):
    """One Ray actor: builds the per-article function once, then maps rows through it."""

    def __init__(self, make: Callable[[], Callable[[T], U]]) -> None:
        self.fn = make()

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"out": pickle.dumps(self.fn(pickle.loads(row["job"])))}


def _ray() -> ModuleType:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return ray


def _connect(ray: ModuleType, address: str | None) -> bool:
    """Join the cluster at ``address`` (or ``RAY_ADDRESS``), else start a local instance, unless
    this process is connected already; True when this call started Ray (and must stop it)."""
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        ray.init(log_to_driver=False, include_dashboard=False)
    return True


def map_ray(make_fn: Callable[[], Callable[[T], U]], items: Iterable[T], workers: int,
            address: str | None = None) -> Iterator[U]:
    """The function ``make_fn()`` builds, over ``items`` on ``workers`` Ray actors; each result
    as it arrives, in no particular order."""
    ray = _ray()
    started = _connect(ray, address)
    try:
        # Model calls are waits: an actor needs a share of a CPU, not a whole one, and a
        # little is left for Ray Data's own tasks.
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        share = min(1.0, 0.8 * cpus / workers)
        source = iter(items)
        while chunk := list(islice(source, CHUNK)):
            rows = [{"job": pickle.dumps(job)} for job in chunk]
            dataset = ray.data.from_items(rows, override_num_blocks=min(len(rows), 4 * workers))
            # A callable class: Ray Data runs it as a pool of ``workers`` actors.
            mapped = dataset.map(_Apply, fn_constructor_args=(make_fn,),
                                 concurrency=workers, num_cpus=share)
            for row in mapped.iter_rows():
                yield pickle.loads(row["out"])
    finally:
        if started:
            ray.shutdown()
