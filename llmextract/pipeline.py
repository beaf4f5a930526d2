"""The run: read -> clean -> extract -> check -> store, one article at a time.

Each finished article is appended to ``extractions.jsonl`` (fsynced) before the next one starts,
so Ctrl-C or a crash loses at most the article in flight; a rerun takes finished articles from
the cache (or, with the same ``--out``, from the folder itself) instead of the model. A bad file
is one line in ``errors.jsonl`` and the run goes on; an endpoint that refuses us or stays
unreachable stops the run, keeping everything finished.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

import diskcache
import instructor

from llmextract.articles import Article, InputOptions, read_inputs
from llmextract.checks import CheckedArticle, check_article, check_run
from llmextract.client import Client
from llmextract.errors import ArticleError, EndpointError, RequestError
from llmextract.extract import Strategy, attach_spans, strategy_named
from llmextract.llm import Endpoint, ModelClient, public_url
from llmextract.metadata import OTHER_LANGUAGE, merge_metadata, read_metadata, reads_as
from llmextract.models import SCHEMA_VERSION, ArticleRecord, Flag, Severity, Usage, assign_item_ids
from llmextract.prompts import Prompt, load_prompt
from llmextract.settings import Settings
from llmextract.store import (
    append_error,
    append_record,
    load_records,
    new_run_dir,
    write_flags,
    write_run_info,
)
from llmextract.text.clean import Cleaned, clean_text
from llmextract.text.parsed import ParsedArticle, parse_article
from llmextract.version import __version__

QUANTITY_KINDS = {"quantity", "percent", "money", "range", "zero_target"}


class EventKind(str, Enum):
    start = "start"  # articles are about to be read (``total``: how many, when known)
    article = "article"  # one article finished: its ``record`` and ``flags``
    failed = "failed"  # a file or the endpoint failed: ``message`` says why
    note = "note"  # something the user should know: ``message``


@dataclass
class Event:
    """Something the CLI may want to show, of one of the ``EventKind``s."""

    kind: EventKind
    message: str = ""
    total: int | None = None
    record: ArticleRecord | None = None
    flags: list[Flag] = field(default_factory=list)


Listener = Callable[[Event], None]


@dataclass
class RunResult:
    run_dir: Path
    records: list[ArticleRecord]
    flags: list[Flag]
    failed: list[str]
    skipped: int = 0
    interrupted: bool = False
    stopped_by: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped and not self.interrupted


def process_article(
    article: Article,
    client: Client,
    strategy: Strategy,
    prompt: Prompt,
    *,
    cleaned: Cleaned | None = None,
) -> ArticleRecord:
    """One article through clean -> extract; spans located and item ids assigned. ``cleaned``:
    the article's text as the caller cleaned it already."""
    started = time.monotonic()
    cleaned = clean_text(article.text) if cleaned is None else cleaned
    meta, guessed = merge_metadata(article.source, read_metadata(cleaned))
    result = strategy.extract(cleaned.text, client, prompt)
    extraction = assign_item_ids(article.id, attach_spans(cleaned.text, result.extraction))
    return ArticleRecord(
        id=article.id,
        source_path=article.source_path,
        source=article.source,
        title=meta.title,
        region=meta.region,
        date=meta.date,
        guessed=guessed,
        language=prompt.language if reads_as(cleaned.text, prompt.language) else OTHER_LANGUAGE,
        text=cleaned.text,
        segments=cleaned.segments,
        indicators=extraction.indicators,
        targets=extraction.targets,
        programs=extraction.programs,
        strategy=strategy.name,
        model=client.endpoint.model,
        prompt=prompt.id,
        problems=result.problems,
        usage=result.usage,
        seconds=round(time.monotonic() - started, 3),
    )


def has_numbers(parsed: ParsedArticle) -> bool:
    return any(m.kind in QUANTITY_KINDS for m in parsed.mentions)


@contextmanager
def open_endpoint(settings: Settings, notify: Listener) -> Iterator[Endpoint]:
    """The configured endpoint, or the embedded server for as long as the run lasts."""
    if settings.embedded:
        from llmextract.local_model import embedded_endpoint, embedded_model

        model = embedded_model(settings.embedded_name)
        notify(Event(EventKind.note, model.notice))
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        with embedded_endpoint(settings.cache_dir, model) as endpoint:
            yield endpoint
    else:
        yield Endpoint(
            model=settings.model or "",
            base_url=settings.base_url,
            api_key=settings.api_key,
            fingerprint=public_url(settings.base_url) or "openai",
        )


def make_client(endpoint: Endpoint, settings: Settings) -> ModelClient:
    # OpenAI itself takes tool calls; llama.cpp, vLLM and Ollama take a json_object response
    # format with a schema, which instructor's MD_JSON mode parses.
    mode = instructor.Mode.TOOLS if endpoint.base_url is None else instructor.Mode.MD_JSON
    cache = diskcache.Cache(str(settings.cache_dir / "calls")) if settings.use_cache else None
    return ModelClient(endpoint, cache=cache, mode=mode, timeout=settings.timeout)


def choose_strategy(settings: Settings, prompt: Prompt) -> Strategy:
    """The strategy the settings name; a prompt chosen without a strategy brings its own."""
    return strategy_named(
        prompt.strategy if settings.prompt and not settings.strategy else settings.strategy_name
    )


def _run_info(
    settings: Settings,
    client: Client,
    prompt: Prompt,
    strategy: Strategy,
    input_path: Path,
    result: RunResult,
    started: datetime,
    seconds: float,
    total: int,
) -> dict[str, Any]:
    usage = Usage()
    for record in result.records:
        usage = usage.add(record.usage)
    by_severity = {s.value: sum(f.severity == s for f in result.flags) for s in Severity}
    status = (
        "interrupted" if result.interrupted else ("stopped" if result.stopped_by else "finished")
    )
    return {
        "tool": "llmextract",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "python": platform.python_version(),
        "status": status,
        "stopped_by": result.stopped_by,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "input": str(input_path),
        "model": client.endpoint.model,
        "base_url": client.endpoint.label,
        "embedded": client.endpoint.embedded,
        "model_fingerprint": client.endpoint.fingerprint,
        "mode": _mode(client),
        "strategy": strategy.name,
        "prompt": {"name": prompt.name, "version": prompt.version, "hash": prompt.hash},
        "domain": prompt.domain,
        "cache": str(settings.cache_dir) if settings.use_cache else None,
        "counts": {
            "articles": total,
            "processed": len(result.records),
            "failed": len(result.failed),
            "with_problems": sum(bool(r.problems) for r in result.records),
            "not_attempted": result.skipped,
            "indicators": sum(len(r.indicators) for r in result.records),
            "targets": sum(len(r.targets) for r in result.records),
            "programs": sum(len(r.programs) for r in result.records),
            "flags": by_severity,
        },
        "timings": {"seconds_per_article": [r.seconds for r in result.records]},
        "usage": usage.model_dump(),
    }


def run(
    input_path: Path,
    settings: Settings,
    *,
    out_dir: Path | None = None,
    client: Client | None = None,
    strategy: Strategy | None = None,
    listener: Listener | None = None,
    inputs: InputOptions | None = None,
) -> RunResult:
    """Run the whole pipeline over a file or folder. Pass ``client`` (or ``strategy``) to use one
    of your own (tests, other endpoints); otherwise they are built from ``settings``.
    ``inputs``: which columns hold the text and the id, and the size cap (``InputOptions``).

    The input is read as a stream: an interrupted run's counts cover the input read so far;
    a stopped one reads the rest (without the model) to count what was not attempted."""
    notify = listener or (lambda event: None)
    stream = read_inputs(input_path, inputs or InputOptions())
    prompt = load_prompt(settings.prompt_name)
    strategy = strategy or choose_strategy(settings, prompt)
    run_dir = out_dir or new_run_dir()
    run_dir.mkdir(parents=True, exist_ok=True)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    result = RunResult(run_dir, [], [], [])
    total = 0
    done = {(r.id, r.model, r.prompt): r for r in _previous(run_dir)}
    checked: list[CheckedArticle] = []

    with _given(client) if client else open_endpoint(settings, notify) as endpoint_or_client:
        model_client = client or make_client(endpoint_or_client, settings)  # type: ignore[arg-type]
        notify(Event(EventKind.start))
        try:
            for article in stream:
                total += 1
                if isinstance(article, ArticleError):
                    _fail(run_dir, result, article, notify)
                    continue
                for note in article.notes:
                    notify(Event(EventKind.note, f"{article.source_path}: {note}"))
                key = (article.id, model_client.endpoint.model, prompt.id)
                parsed = None
                if key in done:
                    record = done[key]
                else:
                    # Read once: the strategy and the checks share this parse.
                    cleaned = clean_text(article.text)
                    parsed = parse_article(cleaned.text)
                    if not has_numbers(parsed):
                        notify(
                            Event(
                                EventKind.note,
                                f"{article.source_path}: no numbers in the article; "
                                "only programs can be extracted",
                            )
                        )
                    try:
                        record = process_article(
                            article, model_client, strategy, prompt, cleaned=cleaned
                        )
                    except RequestError as exc:
                        _fail(run_dir, result, ArticleError(article.source_path, str(exc)), notify)
                        continue
                    except EndpointError as exc:
                        result.stopped_by = str(exc)
                        notify(Event(EventKind.failed, str(exc)))
                        result.skipped = 1
                        for rest in stream:  # counted, not attempted: nothing goes unreported
                            total += 1
                            if isinstance(rest, ArticleError):
                                _fail(run_dir, result, rest, notify)
                            else:
                                result.skipped += 1
                        break
                    if record.language == OTHER_LANGUAGE:
                        notify(
                            Event(
                                EventKind.note,
                                f"{article.source_path}: does not read as {prompt.language}, the "
                                "language of the vocabulary; its record says "
                                f"'{OTHER_LANGUAGE}', its numbers were read by {prompt.language} "
                                "rules",
                            )
                        )
                    append_record(run_dir, record)
                    _note_problems(record, notify)
                result.records.append(record)
                # Per-article checks once, as we go; the across-article checks run once, below.
                checked.append(check_article(record, prompt.domain, parsed=parsed))
                notify(Event(EventKind.article, record=record, flags=checked[-1].flags))
        except KeyboardInterrupt:
            result.interrupted = True
            result.skipped = total - len(result.records) - len(result.failed)
        finally:
            # A record whose checks an interruption cut short is checked here.
            checked += [check_article(r, prompt.domain) for r in result.records[len(checked) :]]
            result.flags = check_run(checked)
            write_flags(run_dir, result.flags)
            write_run_info(
                run_dir,
                _run_info(
                    settings,
                    model_client,
                    prompt,
                    strategy,
                    input_path,
                    result,
                    started,
                    time.monotonic() - clock,
                    total,
                ),
            )
    return result


def _mode(client: Client) -> str | None:
    mode = getattr(client, "mode", None)  # how a ModelClient talks to its endpoint
    return None if mode is None else str(mode.value)


@contextmanager
def _given(client: Client) -> Iterator[Client]:
    yield client


def _previous(run_dir: Path) -> list[ArticleRecord]:
    return load_records(run_dir) if (run_dir / "extractions.jsonl").is_file() else []


def _note_problems(record: ArticleRecord, notify: Listener) -> None:
    """An answer that did not hold up is kept (the checks flag its items), and said so: it is
    never a silent success."""
    if record.problems:
        first = record.problems[0].strip().splitlines()
        notify(Event(EventKind.note, f"{record.source_path}: the model's answer did not hold up "
                     f"(kept with its problems, the checks flag its items): "
                     f"{' '.join(first[:3])[:300]}"))


def _fail(run_dir: Path, result: RunResult, err: ArticleError, notify: Listener) -> None:
    result.failed.append(str(err))
    append_error(run_dir, err.path, err.reason)
    notify(Event(EventKind.failed, str(err)))
