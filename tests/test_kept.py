"""A finished article's outcome kept in the model calls' cache (``kept.py``): a re-run that
takes it from there writes the records, flags and usage of one that asked the strategy and the
checks again, and any change to what the outcome comes from (the article, the prompt, a
vocabulary file, the code, the model) works the article again. Against the loopback latency
double (not a model)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import diskcache
import pytest

from llmextract.articles import Article
from llmextract.extract.read import ReadStrategy
from llmextract.kept import _fingerprint, keep, outcome_key
from llmextract.llm import Endpoint, ModelClient
from llmextract.models import Usage
from llmextract.pipeline import ArticleWorker, Job, run
from llmextract.prompts import load_prompt
from llmextract.resources import prompts_dir
from llmextract.settings import resolve_settings

from .corpus import corpus_texts, write_corpus
from .latency_double import MODEL, Double, serve
from .test_api import FixtureClient
from .test_pipeline_concurrency import comparable, flag_set, settings

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])  # the double only


@pytest.fixture
def double() -> Iterator[Double]:
    with serve(delay=0.0) as d:
        yield d


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the read strategy itself was asked to extract (a hit asks it nothing)."""
    texts: list[str] = []
    real = ReadStrategy.extract

    def counting(self: ReadStrategy, text: str, client, prompt):  # type: ignore[no-untyped-def]
        texts.append(text)
        return real(self, text, client, prompt)

    monkeypatch.setattr(ReadStrategy, "extract", counting)
    return texts


def usage_of(run_dir: Path) -> dict[str, object]:
    return dict(json.loads((run_dir / "run.json").read_text())["usage"])


def test_a_rerun_from_the_kept_outcomes_writes_what_working_each_article_again_wrote(
    tmp_path: Path, double: Double, asked: list[str]
) -> None:
    articles = write_corpus(tmp_path / "in.jsonl", 12)
    cache = tmp_path / "cache"
    run(articles, settings(double, cache), out_dir=tmp_path / "fill", strategy=ReadStrategy())
    requests = double.count
    # The strategy asked again, every model call from the cache: what a re-run gave before.
    run(articles, settings(double, cache), out_dir=tmp_path / "asked", strategy=ReadStrategy())
    run(articles, settings(double, cache), out_dir=tmp_path / "keeping")  # keeps the outcomes
    before = len(asked)
    kept = run(articles, settings(double, cache), out_dir=tmp_path / "kept")
    assert kept.ok and len(asked) == before == 36  # the last run asked the strategy nothing
    assert double.count == requests  # and the model nothing
    reference = comparable(tmp_path / "asked")
    assert len(reference) == 12
    assert comparable(tmp_path / "keeping") == reference
    assert comparable(tmp_path / "kept") == reference
    assert flag_set(tmp_path / "kept") == flag_set(tmp_path / "asked")
    assert any(f.kind == "across.conflict" for f in kept.flags)
    assert usage_of(tmp_path / "kept") == usage_of(tmp_path / "asked")
    assert usage_of(tmp_path / "kept")["cached_calls"] == requests


def test_no_cache_asks_the_strategy_every_time(
    tmp_path: Path, double: Double, asked: list[str]
) -> None:
    articles = write_corpus(tmp_path / "in.jsonl", 3)
    uncached = resolve_settings(base_url=double.url, model=MODEL, strategy="read",
                                cache_dir=tmp_path / "cache", use_cache=False)
    for name in ("one", "two"):
        assert run(articles, uncached, out_dir=tmp_path / name).ok
    assert len(asked) == 6
    assert comparable(tmp_path / "one") == comparable(tmp_path / "two")


def worker_client(double: Double, cache: Path, model: str = MODEL) -> ModelClient:
    endpoint = Endpoint(model=model, base_url=double.url, fingerprint=double.url)
    return ModelClient(endpoint, cache=diskcache.Cache(str(cache)))


def corpus_article(extra: str = "", *, article_id: str = "a1") -> Article:
    return Article(id=article_id, source_path="in.jsonl:1", text=next(corpus_texts(1)) + extra)


def remembering(double: Double, cache: Path) -> tuple[ModelClient, str, ArticleWorker]:
    """A client on ``cache``, the key ``corpus_article()`` is kept under, and a worker keeping
    outcomes there."""
    client, prompt = worker_client(double, cache), load_prompt("read")
    assert client.cache is not None
    return (client, outcome_key(client, corpus_article(), "read", prompt),
            ArticleWorker(client, ReadStrategy(), prompt, remember=True))


def test_a_change_to_what_the_outcome_comes_from_works_the_article_again(
    tmp_path: Path, double: Double, asked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = worker_client(double, tmp_path / "cache")
    first = shutil.copytree(prompts_dir(), tmp_path / "prompts")
    monkeypatch.setenv("LLMEXTRACT_PROMPTS_DIR", str(first))
    prompt = load_prompt("read")
    worker = ArticleWorker(client, ReadStrategy(), prompt, remember=True)
    one = worker(Job(corpus_article()))
    again = worker(Job(corpus_article()))
    assert len(asked) == 1  # the second came from the cache
    assert again.flags == one.flags and again.record is not None and one.record is not None
    assert again.record.indicators == one.record.indicators
    assert again.record.usage.calls == 0 and again.record.usage.prompt_tokens == 0
    assert again.record.usage.cached_calls == one.record.usage.calls + one.record.usage.cached_calls

    other_model = worker_client(double, tmp_path / "cache", "another")
    ArticleWorker(other_model, ReadStrategy(), prompt, remember=True)(Job(corpus_article()))
    assert len(asked) == 2
    worker(Job(corpus_article("\nSatu kalimat lagi.")))
    assert len(asked) == 3
    worker(Job(corpus_article(article_id="a2")))  # another article id: another record
    assert len(asked) == 4

    edited = tmp_path / "read.yaml"
    edited.write_text((first / "read.yaml").read_text() + "\n# edited\n")
    ArticleWorker(client, ReadStrategy(), load_prompt(str(edited)), True)(Job(corpus_article()))
    assert len(asked) == 5

    second = shutil.copytree(first, tmp_path / "prompts2")
    vocab = second / "vocab" / "stunting.yaml"
    vocab.write_text(vocab.read_text() + "\n# edited\n")
    monkeypatch.setenv("LLMEXTRACT_PROMPTS_DIR", str(second))
    worker(Job(corpus_article()))
    assert len(asked) == 6
    worker(Job(corpus_article()))
    assert len(asked) == 6  # kept under the edited vocabulary's key in turn


def test_an_entry_that_cannot_be_read_back_is_a_miss(
    tmp_path: Path, double: Double, asked: list[str]
) -> None:
    client, key, worker = remembering(double, tmp_path / "cache")
    assert client.cache is not None
    client.cache.set(key, ("another layout", "of a value"))
    assert worker(Job(corpus_article())).record is not None
    keep(client.cache, key, "not an outcome")
    assert worker(Job(corpus_article())).record is not None
    client.cache.set(key, (client.cache.get(key)[0], b"not compressed"))
    assert worker(Job(corpus_article())).record is not None
    assert len(asked) == 3
    assert worker(Job(corpus_article())).record is not None
    assert len(asked) == 3  # the last one was kept in the right form


def test_an_article_that_failed_is_not_kept(tmp_path: Path, asked: list[str]) -> None:
    unreachable = Endpoint(model=MODEL, base_url="http://127.0.0.1:9/v1", fingerprint="none")
    client = ModelClient(unreachable, cache=diskcache.Cache(str(tmp_path / "cache")),
                         transport_attempts=1)
    worker = ArticleWorker(client, ReadStrategy(), load_prompt("read"), remember=True)
    for _ in range(2):
        outcome = worker(Job(corpus_article()))
        assert outcome.record is None and (outcome.stop or outcome.error)
    assert len(asked) == 2


def test_the_fingerprint_follows_every_source_file_and_prompts_file(tmp_path: Path) -> None:
    package = shutil.copytree(Path(__file__).parent.parent / "llmextract", tmp_path / "pkg")
    prompts = shutil.copytree(prompts_dir(), tmp_path / "prompts")
    before = _fingerprint(package, prompts)
    rules = package / "checks" / "totals.py"
    rules.write_text(rules.read_text() + "\n# edited\n")
    after_code = _fingerprint.__wrapped__(package, prompts)
    assert after_code != before
    table = next((prompts / "tables").iterdir())
    table.write_text(table.read_text() + "\n# edited\n")
    assert _fingerprint.__wrapped__(package, prompts) not in (before, after_code)


def test_a_client_without_a_cache_is_asked_through(asked: list[str]) -> None:
    worker = ArticleWorker(FixtureClient(), ReadStrategy(), load_prompt("read"), remember=True)
    first, second = worker(Job(corpus_article())), worker(Job(corpus_article()))
    assert len(asked) == 2 and first.record is not None and second.record is not None
    assert first.record.indicators == second.record.indicators
    assert first.record.usage.calls > 0  # its own usage, not a cache's


def test_a_kept_outcome_gives_this_runs_seconds_and_counts_its_calls_as_cached(
    tmp_path: Path, double: Double, asked: list[str]
) -> None:
    client, key, worker = remembering(double, tmp_path / "cache")
    first = worker(Job(corpus_article()))
    assert first.record is not None and client.cache is not None
    slow = first.record.model_copy(update={
        "seconds": 99.0, "usage": Usage(prompt_tokens=900, completion_tokens=40, calls=3,
                                        cached_calls=1)})
    keep(client.cache, key, replace(first, record=slow))
    hit = worker(Job(corpus_article()))
    assert len(asked) == 1 and hit.record is not None
    assert hit.record.seconds < 99.0
    assert hit.record.usage == Usage(cached_calls=4)
    assert hit.flags == first.flags and hit.notes == first.notes
