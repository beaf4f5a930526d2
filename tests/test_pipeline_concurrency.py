"""The run loop at scale, against the loopback latency double (``latency_double.py``, not a
model): concurrent runs give the records of a one-at-a-time run, a slow article holds no other,
Ctrl-C keeps what finished, a re-run from the cache makes no request, and tokens are counted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from llmextract import local_model
from llmextract.engines import Parallelism
from llmextract.llm import Endpoint
from llmextract.local_model import EmbeddedModel
from llmextract.models import ArticleRecord
from llmextract.pipeline import Event, EventKind, run
from llmextract.settings import Settings, resolve_settings
from llmextract.store import CONFLICTS, EXTRACTIONS, load_flags, load_records

from .corpus import write_corpus
from .latency_double import MODEL, SLOW_MARKER, Double, serve

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])  # the double only


@pytest.fixture
def double() -> Iterator[Double]:
    with serve(delay=0.02, slow_seconds=1.5) as d:
        yield d


def settings(double: Double, cache: Path) -> Settings:
    return resolve_settings(base_url=double.url, model=MODEL, strategy="read", cache_dir=cache)


def comparable(run_dir: Path) -> dict[str, dict[str, Any]]:
    """Records by id, without what differs from one run to the next (seconds)."""
    return {r.id: r.model_dump(exclude={"seconds"}) for r in load_records(run_dir)}


def flag_set(run_dir: Path) -> set[str]:
    return {f.model_dump_json() for f in load_flags(run_dir)}


def test_concurrent_run_gives_the_records_and_flags_of_a_serial_one(
    tmp_path: Path, double: Double
) -> None:
    articles = write_corpus(tmp_path / "in.jsonl", 16)
    serial = run(articles, settings(double, tmp_path / "c1"), out_dir=tmp_path / "one",
                 parallel=Parallelism(concurrency=1))
    many = run(articles, settings(double, tmp_path / "c8"), out_dir=tmp_path / "eight",
               parallel=Parallelism(concurrency=8))
    assert serial.ok and many.ok and many.concurrency == 8
    one, eight = comparable(tmp_path / "one"), comparable(tmp_path / "eight")
    assert len(one) == 16 and one == eight
    assert flag_set(tmp_path / "one") == flag_set(tmp_path / "eight")
    assert any(f.kind == "across.conflict" for f in load_flags(tmp_path / "eight"))
    conflicts = [(tmp_path / d / CONFLICTS).read_text() for d in ("one", "eight")]
    assert conflicts[0] == conflicts[1] and conflicts[0].strip()


def test_a_slow_article_does_not_hold_up_the_others(tmp_path: Path, double: Double) -> None:
    articles = write_corpus(tmp_path / "in.jsonl", 12, extra={0: f"\n{SLOW_MARKER}\n"})
    result = run(articles, settings(double, tmp_path / "cache"), out_dir=tmp_path / "run",
                 parallel=Parallelism(concurrency=4))
    assert result.ok
    lines = (tmp_path / "run" / EXTRACTIONS).read_text().splitlines()
    order = [ArticleRecord.model_validate_json(line).source_path for line in lines]
    assert order[-1].endswith("#a0")  # first in, last out: the others went past it


def test_ctrl_c_keeps_every_finished_article_and_the_rerun_completes(
    tmp_path: Path, double: Double
) -> None:
    articles = write_corpus(tmp_path / "in.jsonl", 12)
    seen: list[str] = []

    def interrupt_after_five(event: Event) -> None:
        if event.kind is EventKind.article and event.record:
            seen.append(event.record.id)
            if len(seen) == 5:
                raise KeyboardInterrupt

    out = tmp_path / "run"
    first = run(articles, settings(double, tmp_path / "cache"), out_dir=out,
                listener=interrupt_after_five, parallel=Parallelism(concurrency=4))
    assert first.interrupted
    kept = {r.id for r in load_records(out)}
    assert set(seen) <= kept and len(kept) >= 5
    assert json.loads((out / "run.json").read_text())["status"] == "interrupted"
    again = run(articles, settings(double, tmp_path / "cache"), out_dir=out,
                parallel=Parallelism(concurrency=4))
    assert again.ok and len(load_records(out)) == 12
    assert again.tally.resumed == len(kept)


def test_a_rerun_from_the_cache_makes_no_request(tmp_path: Path, double: Double) -> None:
    articles = write_corpus(tmp_path / "in.jsonl", 10)
    cache = tmp_path / "cache"
    run(articles, settings(double, cache), out_dir=tmp_path / "first",
        parallel=Parallelism(concurrency=4))
    asked = double.count
    assert asked > 0
    again = run(articles, settings(double, cache), out_dir=tmp_path / "again",
                parallel=Parallelism(concurrency=4))
    assert again.ok and double.count == asked
    assert comparable(tmp_path / "again").keys() == comparable(tmp_path / "first").keys()
    usage = json.loads((tmp_path / "again" / "run.json").read_text())["usage"]
    assert usage["calls"] == 0 and usage["cached_calls"] == asked and usage["prompt_tokens"] == 0


def test_the_embedded_server_starts_on_the_first_cache_miss_and_not_on_a_cached_rerun(
    tmp_path: Path, double: Double, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded server (here the double stands in for llama.cpp) is started by the first
    request the cache does not answer, once for all threads, and stopped at the end; a re-run
    answered from the cache starts none and says so in run.json."""
    starts: list[str] = []
    stops: list[str] = []

    @contextmanager
    def fake_server(cache_dir: Path, model: EmbeddedModel) -> Iterator[Endpoint]:
        starts.append(model.name)
        yield Endpoint(model=model.alias, base_url=double.url, embedded=True,
                       fingerprint=f"gguf:{model.sha256}")
        stops.append(model.name)

    monkeypatch.setattr(local_model, "embedded_endpoint", fake_server)
    articles = write_corpus(tmp_path / "in.jsonl", 6)
    embedded = resolve_settings(strategy="read", cache_dir=tmp_path / "cache")
    assert embedded.embedded
    first = run(articles, embedded, out_dir=tmp_path / "first",
                parallel=Parallelism(concurrency=3))
    assert first.ok and first.tally.usage.calls > 0
    assert starts == stops == ["gemma-3-270m"]
    info = json.loads((tmp_path / "first" / "run.json").read_text())
    assert info["base_url"] == double.url and info["embedded"]
    asked = double.count
    again = run(articles, embedded, out_dir=tmp_path / "again")
    assert again.ok and again.tally.usage.calls == 0 and double.count == asked
    assert starts == ["gemma-3-270m"]
    info = json.loads((tmp_path / "again" / "run.json").read_text())
    assert "not started" in info["base_url"] and info["mode"] == "markdown_json_mode"
    def items(run_dir: Path) -> dict[str, list[Any]]:
        return {r.id: r.items() for r in load_records(run_dir)}

    assert items(tmp_path / "again") == items(tmp_path / "first")


def test_tokens_per_article_add_up_to_the_run_total_and_its_cost(
    tmp_path: Path, double: Double
) -> None:
    prices = tmp_path / "prices.yaml"
    prices.write_text(f"per_million_tokens:\n  {MODEL}: {{prompt: 2.0, completion: 8.0}}\n")
    articles = write_corpus(tmp_path / "in.jsonl", 6)
    run(articles, settings(double, tmp_path / "cache"), out_dir=tmp_path / "run",
        parallel=Parallelism(concurrency=3), prices=prices)
    records = load_records(tmp_path / "run")
    assert all(r.usage.prompt_tokens > 0 and r.usage.completion_tokens > 0 for r in records)
    usage = json.loads((tmp_path / "run" / "run.json").read_text())["usage"]
    prompt = sum(r.usage.prompt_tokens for r in records)
    completion = sum(r.usage.completion_tokens for r in records)
    assert (usage["prompt_tokens"], usage["completion_tokens"]) == (prompt, completion)
    assert usage["calls"] == double.count and usage["total_tokens"] == prompt + completion
    assert usage["cost"]["estimated"] == pytest.approx((2.0 * prompt + 8.0 * completion) / 1e6)
    assert usage["cost"]["priced_as"] == MODEL


def test_rpm_limit_is_asked_before_every_request_and_never_for_a_cached_one(
    tmp_path: Path, double: Double, monkeypatch: pytest.MonkeyPatch
) -> None:
    import llmextract.pipeline

    asked: list[float] = []
    monkeypatch.setattr(llmextract.pipeline, "rpm_limiter",
                        lambda rpm: (lambda: asked.append(rpm)) if rpm else None)
    articles = write_corpus(tmp_path / "in.jsonl", 4)
    for out in ("first", "cached"):
        run(articles, settings(double, tmp_path / "cache"), out_dir=tmp_path / out,
            parallel=Parallelism(concurrency=2, rpm=600))
    assert len(asked) == double.count > 0 and set(asked) == {600}


def test_the_rpm_limiter_lets_a_minute_quota_through_then_holds_the_next() -> None:
    from llmextract.pipeline import minute_limiter, rpm_limiter

    limiter = minute_limiter(3)
    assert [limiter.try_acquire("model", blocking=False) for _ in range(4)] == [
        True, True, True, False]
    assert rpm_limiter(None) is None
