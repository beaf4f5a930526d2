"""The Python API: what ``llmextract run`` does, one call at a time.

``extract`` turns one text into a checked-ready ``ArticleRecord`` (cleaned, extracted, spans
located, ids assigned), ``check`` gives the flags of a record, ``run`` processes a file or folder
into a run folder like the command does, and ``load_run`` reads such a folder back. Settings are
resolved as the command resolves them: arguments, then ``LLMEXTRACT_*`` and ``OPENAI_API_KEY``
in the environment, then the embedded model. Pass ``client`` (any ``llmextract.Client``) to use
a model of your own, e.g. a fake one in tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmextract.articles import DEFAULT_MAX_CHARS, Article, InputOptions, article_id
from llmextract.checks import check_record, check_records
from llmextract.client import Client
from llmextract.extract import Strategy
from llmextract.models import ArticleRecord, Flag
from llmextract.pipeline import (
    Listener,
    RunResult,
    choose_strategy,
    make_client,
    open_endpoint,
    process_article,
)
from llmextract.pipeline import run as run_pipeline
from llmextract.prompts import Prompt, load_prompt
from llmextract.resources import DEFAULT_DOMAIN
from llmextract.settings import Settings, resolve_settings
from llmextract.store import load_flags, load_records, load_run_info, require_run_dir


def _settings(model: str | None, base_url: str | None, strategy: str | None,
              prompt: str | None, cache_dir: Path | None, use_cache: bool) -> Settings:
    return resolve_settings(model=model, base_url=base_url, strategy=strategy, prompt=prompt,
                            cache_dir=cache_dir, use_cache=use_cache)


@contextmanager
def _client(settings: Settings, client: Client | None,
            listener: Listener | None) -> Iterator[Client]:
    if client is not None:
        yield client
        return
    with open_endpoint(settings, listener or (lambda event: None)) as endpoint:
        yield make_client(endpoint, settings)


def _strategy(settings: Settings, prompt: Prompt, strategy: str | Strategy | None) -> Strategy:
    if strategy is None or isinstance(strategy, str):
        return choose_strategy(settings, prompt)
    return strategy


def extract(
    text: str,
    *,
    model: str | None = None,
    base_url: str | None = None,
    strategy: str | Strategy | None = None,
    prompt: str | None = None,
    client: Client | None = None,
    source_path: str = "<text>",
    cache_dir: Path | None = None,
    use_cache: bool = True,
    listener: Listener | None = None,
) -> ArticleRecord:
    """Extract the indicators, targets and programs of one article text. The record holds the
    cleaned text, every item with its quote, span and id; ``check(record)`` gives its flags."""
    settings = _settings(model, base_url, strategy if isinstance(strategy, str) else None,
                         prompt, cache_dir, use_cache)
    chosen = load_prompt(settings.prompt_name)
    article = Article(id=article_id(text, source_path), source_path=source_path, text=text)
    with _client(settings, client, listener) as model_client:
        return process_article(article, model_client, _strategy(settings, chosen, strategy),
                               chosen)


def check(record: ArticleRecord | list[ArticleRecord], *,
          domain: str = DEFAULT_DOMAIN) -> list[Flag]:
    """The flags of one record, or of several (with the checks across articles)."""
    if isinstance(record, ArticleRecord):
        return check_record(record, domain)
    return check_records(record, domain)


def run(
    path: str | Path,
    *,
    out: str | Path | None = None,
    model: str | None = None,
    base_url: str | None = None,
    strategy: str | Strategy | None = None,
    prompt: str | None = None,
    client: Client | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    listener: Listener | None = None,
    text_column: str = "text",
    id_column: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> RunResult:
    """Process a file or folder as ``llmextract run`` does, writing a run folder (``out``, or
    ``runs/<timestamp>``). ``text_column``, ``id_column``: where a JSONL, CSV or Parquet row
    holds its text and id; ``max_chars``: the largest article accepted."""
    settings = _settings(model, base_url, strategy if isinstance(strategy, str) else None,
                         prompt, cache_dir, use_cache)
    return run_pipeline(Path(path), settings, out_dir=None if out is None else Path(out),
                        client=client, strategy=None if isinstance(strategy, str) else strategy,
                        listener=listener,
                        inputs=InputOptions(text_column, id_column, max_chars))


@dataclass(frozen=True)
class Run:
    """A finished run folder, read back: its records, its flags and its ``run.json``."""

    path: Path
    records: list[ArticleRecord]
    flags: list[Flag]
    info: dict[str, Any] = field(default_factory=dict)


def load_run(path: str | Path) -> Run:
    """Read the run folder ``path`` (as written by ``run`` or ``llmextract run``)."""
    run_dir = Path(path)
    require_run_dir(run_dir)
    info = load_run_info(run_dir) if (run_dir / "run.json").is_file() else {}
    return Run(run_dir, load_records(run_dir), load_flags(run_dir), info)


__all__ = ["Run", "check", "extract", "load_run", "run"]
