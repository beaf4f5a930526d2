"""The Ray engine on a local Ray instance (``ray.init(num_cpus=2)``): the same records, flags
and conflicts as the local engine for the same input, against the latency double."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import ray

from llmextract.engines import Parallelism
from llmextract.pipeline import run
from llmextract.store import CONFLICTS, load_records

from .corpus import write_corpus
from .latency_double import Double, serve
from .test_pipeline_concurrency import comparable, flag_set, settings

# The double and Ray's own processes, all on this machine's loopback.
pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def double() -> Iterator[Double]:
    with serve(delay=0.02) as d:
        yield d


def test_ray_engine_writes_the_records_of_the_local_engine(
    tmp_path: Path, double: Double, local_ray: None
) -> None:
    articles = write_corpus(tmp_path / "in.jsonl", 12)
    local = run(articles, settings(double, tmp_path / "local-cache"), out_dir=tmp_path / "local",
                parallel=Parallelism(concurrency=2))
    on_ray = run(articles, settings(double, tmp_path / "ray-cache"), out_dir=tmp_path / "ray",
                 parallel=Parallelism(engine="ray", concurrency=2))
    assert local.ok and on_ray.ok
    assert len(load_records(tmp_path / "ray")) == 12
    assert comparable(tmp_path / "ray") == comparable(tmp_path / "local")
    assert flag_set(tmp_path / "ray") == flag_set(tmp_path / "local")
    conflicts = [(tmp_path / d / CONFLICTS).read_text() for d in ("ray", "local")]
    assert conflicts[0] == conflicts[1] and conflicts[0].strip()
    assert '"name": "ray"' in (tmp_path / "ray" / "run.json").read_text()
