"""The run: read -> clean -> extract -> check -> store, as a stream.

One pure per-article function (``ArticleWorker``: clean, parse, extract, check) is mapped over
the input by an engine (``engines``: a bounded thread pool here, or Ray); this module reads the
input, hands the engine the articles, and writes each outcome as it arrives. Each finished
article is appended to ``extractions.jsonl`` at once (records are keyed by article id and
written in the order they finish), so Ctrl-C or a crash loses only the articles in flight; a
rerun takes finished articles from the cache (or, with the same ``--out``, from the folder
itself) instead of the model. A bad file is one line in ``errors.jsonl`` and the run goes on;
an endpoint that refuses us or stays unreachable stops the run, keeping everything finished.

Nothing grows with the input but the files: the run keeps running totals (``tally``) and the
compact reports the checks across articles need (``checks.ConflictIndex``).
"""

from __future__ import annotations

import os
import platform
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

import diskcache
import instructor
from pyrate_limiter import Duration, Limiter, Rate

from llmextract import kept
from llmextract.articles import Article, InputOptions, read_inputs
from llmextract.checks import ConflictIndex, Report, check_article
from llmextract.client import Client
from llmextract.engines import ENGINES, Parallelism, map_local
from llmextract.errors import ArticleError, EndpointError, RequestError, UsageError
from llmextract.extract import Strategy, attach_spans, strategy_named
from llmextract.interrupts import deferred, signal_of
from llmextract.llm import Endpoint, ModelClient, public_url
from llmextract.metadata import OTHER_LANGUAGE, merge_metadata, read_metadata, reads_as
from llmextract.models import (
    SCHEMA_VERSION,
    ArticleRecord,
    Flag,
    Severity,
    Usage,
    assign_item_ids,
)
from llmextract.prices import price_of
from llmextract.prompts import Prompt, load_prompt
from llmextract.settings import Settings
from llmextract.store import (
    CONFLICTS,
    EXTRACTIONS,
    FLAGS,
    RUNNING,
    LineWriter,
    append_error,
    load_flags,
    load_records,
    load_run_info,
    new_run_dir,
    record_at,
    record_offsets,
    write_lines,
    write_run_info,
    writing,
)
from llmextract.tally import Tally
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
    """How a run ended and its totals. The records and flags stay in the run folder; the
    ``records`` and ``flags`` properties read them back (for a small run: a large one is read
    with ``store.iter_records``)."""

    run_dir: Path
    failed: list[str]
    tally: Tally = field(default_factory=Tally)
    interrupted: bool = False
    signal: str | None = None  # the one that interrupted the run: SIGINT, SIGTERM or SIGHUP
    stopped_by: str | None = None
    concurrency: int = 1

    @property
    def skipped(self) -> int:
        return self.tally.not_attempted

    @property
    def records(self) -> list[ArticleRecord]:
        return load_records(self.run_dir)

    @property
    def flags(self) -> list[Flag]:
        return load_flags(self.run_dir)

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


@dataclass(frozen=True)
class Job:
    """One article for an engine; ``previous``: its record already in the run folder (a resumed
    run checks it again instead of extracting it)."""

    article: Article
    previous: ArticleRecord | None = None


@dataclass
class Outcome:
    """What the per-article function gives back (picklable, so a Ray worker can send it):
    the record and its flags and reports for the checks across articles, or why it failed
    (``error``: this article; ``stop``: the endpoint, which stops the run)."""

    source_path: str
    record: ArticleRecord | None = None
    flags: list[Flag] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    stop: str | None = None
    resumed: bool = False


@dataclass
class ArticleWorker:
    """The pure per-article function every engine maps: clean, parse, extract, check. It writes
    nothing; the run folder is written by the caller, in one place. ``remember``: keep each
    outcome in the model client's cache and answer from there (``kept``); only for a built-in
    strategy, whose code the cache key's fingerprint covers."""

    client: Client
    strategy: Strategy
    prompt: Prompt
    remember: bool = False

    def __call__(self, job: Job) -> Outcome:
        article = job.article
        if job.previous is not None:
            checked = check_article(job.previous, self.prompt.domain)
            return Outcome(article.source_path, job.previous, checked.flags, checked.reports,
                           resumed=True)
        client = self.client
        if not self.remember or not isinstance(client, ModelClient) or client.cache is None:
            return self._work(article)
        started = time.monotonic()
        key = kept.outcome_key(client, article, self.strategy.name, self.prompt)
        hit = kept.recall(client.cache, key)
        if isinstance(hit, Outcome) and hit.record is not None:
            return replace(hit, record=_recalled(hit.record, time.monotonic() - started))
        outcome = self._work(article)
        if outcome.record is not None:
            kept.keep(client.cache, key, outcome)
        return outcome

    def _work(self, article: Article) -> Outcome:
        domain = self.prompt.domain
        # Read once: the strategy and the checks share this parse.
        cleaned = clean_text(article.text)
        parsed = parse_article(cleaned.text)
        notes = [f"{article.source_path}: {note}" for note in article.notes]
        if not has_numbers(parsed):
            notes.append(f"{article.source_path}: no numbers in the article; only programs can "
                         "be extracted")
        try:
            record = process_article(article, self.client, self.strategy, self.prompt,
                                     cleaned=cleaned)
        except RequestError as exc:
            return Outcome(article.source_path, notes=notes, error=str(exc))
        except EndpointError as exc:
            return Outcome(article.source_path, notes=notes, stop=str(exc))
        if record.language == OTHER_LANGUAGE:
            notes.append(f"{article.source_path}: does not read as {self.prompt.language}, the "
                         f"language of the vocabulary; its record says '{OTHER_LANGUAGE}', its "
                         f"numbers were read by {self.prompt.language} rules")
        notes += _problem_notes(record)
        checked = check_article(record, domain, parsed=parsed)
        return Outcome(article.source_path, record, checked.flags, checked.reports, notes)


def _recalled(record: ArticleRecord, seconds: float) -> ArticleRecord:
    """A kept record as this run gives it: its seconds this run's, and every model call it
    made counted as one the cache answered (no tokens, no requests), as a run answered from
    the model calls' cache counts them."""
    calls = record.usage.calls + record.usage.cached_calls
    return record.model_copy(update={"usage": Usage(cached_calls=calls),
                                     "seconds": round(seconds, 3)})


@contextmanager
def open_endpoint(settings: Settings, notify: Listener) -> Iterator[Endpoint]:
    """The configured endpoint, or the embedded server, started on the first request the cache
    does not answer and stopped when the run ends."""
    if settings.embedded:
        from llmextract.local_model import embedded_model, embedded_on_demand

        model = embedded_model(settings.embedded_name)
        notify(Event(EventKind.note, model.notice))
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        with embedded_on_demand(settings.cache_dir, model) as endpoint:
            yield endpoint
    else:
        yield Endpoint(
            model=settings.model or "",
            base_url=settings.base_url,
            api_key=settings.api_key,
            fingerprint=public_url(settings.base_url) or "openai",
        )


def minute_limiter(rpm: float) -> Limiter:
    """At most ``rpm`` acquisitions in any minute (pyrate-limiter's sliding window)."""
    return Limiter(Rate(max(1, int(rpm)), Duration.MINUTE))


def rpm_limiter(rpm: float | None) -> Callable[[], object] | None:
    """A blocking requests-per-minute limit shared by every thread of this process."""
    if not rpm:
        return None
    limiter = minute_limiter(rpm)
    return lambda: limiter.try_acquire("model")


def make_client(endpoint: Endpoint, settings: Settings, *, rpm: float | None = None
                ) -> ModelClient:
    # OpenAI itself takes tool calls; llama.cpp, vLLM and Ollama take a json_object response
    # format with a schema, which instructor's MD_JSON mode parses.
    mode = (instructor.Mode.TOOLS if endpoint.base_url is None and not endpoint.embedded
            else instructor.Mode.MD_JSON)
    cache = diskcache.Cache(str(settings.cache_dir / "calls")) if settings.use_cache else None
    return ModelClient(endpoint, cache=cache, mode=mode, answer_format=settings.answer_format,
                       limiter=rpm_limiter(rpm), timeout=settings.timeout)


def choose_strategy(settings: Settings, prompt: Prompt) -> Strategy:
    """The strategy the settings name; a prompt chosen without a strategy brings its own."""
    return strategy_named(
        prompt.strategy if settings.prompt and not settings.strategy else settings.strategy_name
    )


# Measured (bench/RESULTS.md): the embedded llama.cpp server answers one request at a time, so
# more than one in flight only queues; a remote endpoint serves many.
EMBEDDED_CONCURRENCY = 1
REMOTE_CONCURRENCY = 4


def concurrency_for(parallel: Parallelism, endpoint: Endpoint | None) -> int:
    """The articles in flight at once: as asked, else what the endpoint can really use (a
    client passed in by the caller runs one at a time unless asked)."""
    if parallel.concurrency is not None:
        if parallel.concurrency < 1:
            raise UsageError(f"--concurrency {parallel.concurrency}: give 1 or more")
        return parallel.concurrency
    if parallel.engine == "processes":
        return os.cpu_count() or 1
    if endpoint is None or endpoint.embedded:
        return EMBEDDED_CONCURRENCY
    return REMOTE_CONCURRENCY


class RunSink:
    """Writes the run folder as outcomes arrive, and keeps only the running totals and the
    reports for the checks across articles."""

    def __init__(self, run_dir: Path, notify: Listener, result: RunResult) -> None:
        self.run_dir, self.notify, self.result = run_dir, notify, result
        self.records = LineWriter(run_dir / EXTRACTIONS)
        self._flags_partial = run_dir / f".{FLAGS}.partial"
        self.flags = LineWriter(self._flags_partial, append=False)
        self.index = ConflictIndex()
        self.tally = result.tally

    def fail(self, err: ArticleError) -> None:
        with deferred():  # the error line and its count together
            self.tally.failed += 1
            self.result.failed.append(str(err))
            append_error(self.run_dir, err.path, err.reason)
        self.notify(Event(EventKind.failed, str(err)))

    def take(self, outcome: Outcome) -> None:
        for note in outcome.notes:
            self.notify(Event(EventKind.note, note))
        if outcome.error is not None:
            self.fail(ArticleError(outcome.source_path, outcome.error))
            return
        record = outcome.record
        if record is None:
            return
        with deferred():  # the record, its flags and its count together, or none of them
            if not outcome.resumed:
                self.records.write(record.model_dump_json())
            for flag in outcome.flags:
                self.flags.write(flag.model_dump_json())
            self.index.add(outcome.reports)
            self.tally.add(record, outcome.flags, resumed=outcome.resumed)
        self.notify(Event(EventKind.article, record=record, flags=outcome.flags))

    def finish(self) -> None:
        """The checks across articles, then the flags file put in place. Interrupted, it still
        puts in place the flags written so far (every finished article's own) and removes the
        conflicts file, which only a whole pass writes: nothing left describes other records."""
        self.records.close()
        done = False
        mark = self.flags.tell()
        try:
            # Written as they come (a large run has one for each of thousands of items), so an
            # interrupted pass drops those it wrote (and counts none): the file keeps no flag
            # about other records.
            severities: Counter[Severity] = Counter()
            for flag in self.index.flags():
                self.flags.write(flag.model_dump_json())
                severities[flag.severity] += 1
            conflicts = (c.model_dump_json() for c in self.index.conflicts())
            self.tally.conflicts = write_lines(self.run_dir / CONFLICTS, conflicts)
            self.tally.flags.update(severities)
            done = True
        finally:
            if not done:
                self.flags.truncate(mark)
            self.flags.close()
            os.replace(self._flags_partial, self.run_dir / FLAGS)
            if not done:
                (self.run_dir / CONFLICTS).unlink(missing_ok=True)


def _run_info(
    settings: Settings,
    prompt: Prompt,
    strategy: Strategy,
    input_path: Path,
    result: RunResult,
    started: datetime,
    parallel: Parallelism,
    client: Client | None,
    *,
    status: str,
    seconds: float = 0.0,
    prices: Path | None = None,
) -> dict[str, Any]:
    """What run.json says. ``client``: None until the endpoint is open (the settings say what it
    will be). While running it has no counts (they would lag the files; the files are the
    truth), and ``pid``, the process writing the folder."""
    tally = result.tally
    endpoint = client.endpoint if client is not None else None
    model = endpoint.model if endpoint else (settings.model or settings.embedded_name or "")
    info: dict[str, Any] = {
        "tool": "llmextract",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "python": platform.python_version(),
        "status": status,
        "signal": result.signal,
        "stopped_by": result.stopped_by,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "input": str(input_path),
        "model": model,
        "base_url": endpoint.label if endpoint else public_url(settings.base_url),
        "embedded": endpoint.embedded if endpoint else settings.embedded,
        "model_fingerprint": endpoint.fingerprint if endpoint else None,
        "mode": _mode(client),
        "answer_format": _answer_format(client, prompt),
        "strategy": strategy.name,
        "prompt": {"name": prompt.name, "version": prompt.version, "hash": prompt.hash},
        "domain": prompt.domain,
        "cache": str(settings.cache_dir) if settings.use_cache else None,
        "engine": {"name": parallel.engine, "concurrency": result.concurrency,
                   "rpm": parallel.rpm, "address": parallel.address},
    }
    if status == RUNNING:
        return {**info, "pid": os.getpid()}
    return {**info, "counts": tally.counts(), "timings": tally.timings(seconds),
            "usage": tally.usage_info(price_of(model, prices))}


def _status(result: RunResult, stop: BaseException | None) -> str:
    if result.interrupted:
        return "interrupted"
    if stop is not None:
        return "failed"  # an error the run could not go on after (the CLI says which)
    return "stopped" if result.stopped_by else "finished"


def run(
    input_path: Path,
    settings: Settings,
    *,
    out_dir: Path | None = None,
    client: Client | None = None,
    strategy: Strategy | None = None,
    listener: Listener | None = None,
    inputs: InputOptions | None = None,
    parallel: Parallelism | None = None,
    prices: Path | None = None,
) -> RunResult:
    """Run the whole pipeline over a file or folder. Pass ``client`` (or ``strategy``) to use one
    of your own (tests, other endpoints); otherwise they are built from ``settings``.
    ``inputs``: which columns hold the text and the id, and the size cap (``InputOptions``).
    ``parallel``: the engine and how many articles run at once; ``prices``: a price table of
    one's own for the estimated cost (``prices.py``).

    Articles stream through: each finished one is written at once, in the order they finish,
    and the run keeps only running totals and the reports for the checks across articles, so
    memory does not grow with the input."""
    notify = listener or (lambda event: None)
    parallel = parallel or Parallelism()
    if parallel.engine not in ENGINES:
        raise UsageError(f"--engine {parallel.engine!r}: choose {', '.join(ENGINES)}")
    stream = read_inputs(input_path, inputs or InputOptions())
    prompt = load_prompt(settings.prompt_name)
    # Only a built-in strategy's outcomes are kept: the cache key's fingerprint covers its code.
    remember = strategy is None
    strategy = strategy or choose_strategy(settings, prompt)
    run_dir = out_dir or new_run_dir()
    run_dir.mkdir(parents=True, exist_ok=True)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    result = RunResult(run_dir, [])
    with writing(run_dir):
        if load_run_info(run_dir).get("status") == RUNNING:  # no process holds it: killed
            notify(Event(EventKind.note, f"{run_dir}: the last run here was killed before it "
                         "finished; its finished articles are kept and this run resumes it"))
        previous = record_offsets(run_dir)
        info = partial(_run_info, settings, prompt, strategy, input_path, result, started,
                       parallel)
        write_run_info(run_dir, info(None, status=RUNNING), keep_review=True)
        (run_dir / EXTRACTIONS).touch()  # a run folder from now on, however the run ends
        sink: RunSink | None = None
        model_client: Client | None = None
        stop: BaseException | None = None
        try:
            with _given(client) if client else open_endpoint(settings, notify) as given:
                if client is None:
                    endpoint: Endpoint = given  # type: ignore[assignment]
                    result.concurrency = concurrency_for(parallel, endpoint)
                    model_client = make_client(endpoint, settings, rpm=parallel.rpm)
                else:
                    result.concurrency = concurrency_for(parallel, None)
                    model_client = client
                sink = RunSink(run_dir, notify, result)
                notify(Event(EventKind.start))
                jobs = _jobs(stream, sink, previous, model_client, prompt)
                worker = ArticleWorker(model_client, strategy, prompt, remember)
                for outcome in _engine(parallel, result.concurrency, settings, worker, jobs):
                    if outcome.stop is not None:
                        result.tally.not_attempted += 1
                        if not result.stopped_by:
                            result.stopped_by = outcome.stop
                            notify(Event(EventKind.failed, outcome.stop))
                        continue
                    sink.take(outcome)
                if result.stopped_by:  # counted, not attempted: nothing goes unreported
                    for rest in stream:
                        result.tally.read += 1
                        if isinstance(rest, ArticleError):
                            sink.fail(rest)
                        else:
                            result.tally.not_attempted += 1
        except BaseException as exc:  # said in run.json, then raised on unless an interrupt
            stop = exc
        try:
            if sink is not None:
                sink.finish()
        except BaseException as exc:
            stop = stop or exc
        finally:
            if isinstance(stop, KeyboardInterrupt):
                result.interrupted, result.signal = True, signal_of(stop)
                result.tally.not_attempted = (
                    result.tally.read - result.tally.processed - result.tally.failed)
            status = _status(result, stop)
            write_run_info(run_dir, info(model_client, status=status,
                                         seconds=time.monotonic() - clock, prices=prices),
                           keep_review=True)
        if stop is not None and not isinstance(stop, KeyboardInterrupt):
            raise stop
    return result


def _jobs(stream: Iterator[Article | ArticleError], sink: RunSink,
          previous: dict[str, tuple[str, str, int]], client: Client, prompt: Prompt
          ) -> Iterator[Job]:
    """The input as jobs: a file that could not be read is failed here; an article the folder
    holds a record of (same model and prompt) is checked again rather than extracted."""
    tally, result = sink.tally, sink.result
    for item in stream:
        tally.read += 1
        if isinstance(item, ArticleError):
            sink.fail(item)
            continue
        done = previous.get(item.id)
        if done is not None and done[:2] == (client.endpoint.model, prompt.id):
            yield Job(item, record_at(sink.run_dir, done[2]))
        else:
            yield Job(item)
        if result.stopped_by:
            return


def _engine(parallel: Parallelism, concurrency: int, settings: Settings, local: ArticleWorker,
            jobs: Iterator[Job]) -> Iterator[Outcome]:
    """The outcomes of ``jobs``: by ``local`` on this process's threads, or by its like on the
    engine's workers, each with a client of its own."""
    if parallel.engine == "local":
        return map_local(local, jobs, concurrency)
    client = local.client
    # A ModelClient's connections and cache handle stay in their process: a worker builds its
    # own from the endpoint (a server on demand is started first: the workers cannot start
    # it); any other client travels as it is.
    where = client.started() if isinstance(client, ModelClient) else client
    worker = partial(_remote_worker, settings, where, local.strategy, local.prompt,
                     local.remember, parallel.rpm, concurrency)
    if parallel.engine == "processes":
        from llmextract.engines.processes import map_processes

        return map_processes(worker, jobs, concurrency, preload=[__name__])
    from llmextract.engines.ray_data import map_ray

    return map_ray(worker, jobs, concurrency, parallel.address)


def _remote_worker(settings: Settings, where: Endpoint | Client, strategy: Strategy,
                   prompt: Prompt, remember: bool, rpm: float | None, workers: int
                   ) -> ArticleWorker:
    """The per-article function, built on a Ray worker or in a worker process; ``--rpm`` is
    shared out between the workers."""
    client = (make_client(where, settings, rpm=rpm / workers if rpm else None)
              if isinstance(where, Endpoint) else where)
    return ArticleWorker(client, strategy, prompt, remember)


def _mode(client: Client | None) -> str | None:
    mode = getattr(client, "mode", None)  # how a ModelClient talks to its endpoint
    return None if mode is None else str(mode.value)


def _answer_format(client: Client | None, prompt: Prompt) -> str | None:
    """How the answers were asked: the endpoint's setting, else the prompt's own; None for a
    client that is not a ``ModelClient`` or talks by tool calls."""
    if not isinstance(client, ModelClient) or client.mode is instructor.Mode.TOOLS:
        return None
    return client.format_for(prompt.params, prompt.id).value


@contextmanager
def _given(client: Client) -> Iterator[Client]:
    yield client


def _problem_notes(record: ArticleRecord) -> list[str]:
    """An answer that did not hold up is kept (the checks flag its items), and said so: it is
    never a silent success."""
    if not record.problems:
        return []
    first = record.problems[0].strip().splitlines()
    return [f"{record.source_path}: the model's answer did not hold up (kept with its problems, "
            f"the checks flag its items): {' '.join(first[:3])[:300]}"]


