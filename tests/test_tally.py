"""``run.json`` holds summaries (counts, percentiles, totals), never one entry per article."""

from __future__ import annotations

import json
from array import array
from pathlib import Path
from typing import Any

from llmextract.pipeline import run
from llmextract.settings import resolve_settings
from llmextract.tally import percentiles

from .corpus import write_corpus
from .test_api import FixtureClient


def run_info(tmp_path: Path, n: int) -> tuple[dict[str, Any], int]:
    """``run.json`` of a run over ``n`` articles, and how many calls the client had."""
    out, client = tmp_path / f"run{n}", FixtureClient()
    run(write_corpus(tmp_path / f"in{n}.jsonl", n), resolve_settings(strategy="read"),
        out_dir=out, client=client)  # type: ignore[arg-type]
    return json.loads((out / "run.json").read_text()), len(client.asked)


def leaves(obj: Any) -> list[Any]:
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in leaves(v)]
    if isinstance(obj, list):
        return [obj]  # a list is a leaf here: none may grow with the run
    return [obj]


def test_run_json_is_a_summary_whose_size_does_not_grow_with_the_run(tmp_path: Path) -> None:
    (small, _), (large, calls) = run_info(tmp_path, 5), run_info(tmp_path, 40)
    assert large["counts"]["processed"] == 40 and large["counts"]["articles"] == 40
    assert set(large["timings"]["seconds_per_article"]) == {
        "mean", "p50", "p90", "p99", "max", "total"}
    assert large["usage"]["calls"] == calls > 0
    assert not [leaf for leaf in leaves(large) if isinstance(leaf, list)]
    assert set(small) == set(large) and set(small["counts"]) == set(large["counts"])
    size = len(json.dumps(small))
    assert abs(len(json.dumps(large)) - size) < 0.1 * size


def test_percentiles_of_a_few_values() -> None:
    got = percentiles(array("d", [1.0, 2.0, 3.0, 4.0, 10.0]))
    assert got["p50"] == 3.0 and got["max"] == 10.0 and got["total"] == 20.0
    assert got["mean"] == 4.0 and 4.0 < got["p90"] < 10.0
    assert percentiles(array("d"))["p99"] == 0.0
    assert percentiles(array("d", [2.5]))["p50"] == 2.5
