"""The command line: a thin layer over the library. Only this module knows click.

Expected failures (``LLMExtractError``) become one line on stderr and an exit code:
0 every article processed (flags are not errors), 1 some articles failed or the run stopped,
2 usage errors; a run ended by a signal exits 128 + its number, as a shell reports it: 130
Ctrl-C (SIGINT), 143 SIGTERM, 129 SIGHUP, at start-up, mid-run or in the final checks alike.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from llmextract.credentials import redact
from llmextract.engines import ENGINES
from llmextract.errors import LLMExtractError, UsageError
from llmextract.interrupts import exit_code, signal_of, signals_interrupt
from llmextract.version import __version__

F = TypeVar("F", bound=Callable[..., Any])

console = Console()
err_console = Console(stderr=True)

SETTINGS_HELP = """
Settings come from flags, then environment variables, then defaults:
LLMEXTRACT_MODEL (--model), LLMEXTRACT_BASE_URL (--base-url), OPENAI_API_KEY (the key; never
a flag), LLMEXTRACT_STRATEGY (--strategy), LLMEXTRACT_PROMPT (--prompt), LLMEXTRACT_CACHE_DIR
(--cache-dir), LLMEXTRACT_TIMEOUT (--timeout), LLMEXTRACT_ANSWER_FORMAT (--answer-format).
With none of model, base URL and key set, the embedded local model is used.
"""


def fail(message: str, code: int) -> None:
    err_console.print(Text.assemble(("error: ", "red"), redact(message)), soft_wrap=True)
    sys.exit(code)


def translate_errors(func: F) -> F:
    """The one place where library errors become messages and exit codes."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            fail(str(exc), 2)
        except LLMExtractError as exc:
            fail(str(exc), 1)

    return wrapper  # type: ignore[return-value]


def exit_now(code: int) -> None:
    """Exit with ``code``, without waiting for model calls still in flight on worker threads:
    one cannot be cancelled, Python would wait for it (up to --timeout, per retry) before
    exiting, and its answer would be dropped anyway; the run folder is written and synced."""
    others = [t for t in threading.enumerate()
              if t is not threading.current_thread() and not t.daemon and t.is_alive()]
    if others:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def interrupted(signal_name: str) -> None:
    err_console.print(f"interrupted ({signal_name}): finished articles are kept; run the same "
                      "command again to resume")
    exit_now(exit_code(signal_name))


def interruptible(func: F) -> F:
    """Ctrl-C, SIGTERM or SIGHUP anywhere in the command, start-up included, ends it with
    128 + the signal's number (``interrupts``), never click's "Aborted!" and 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with signals_interrupt():
            try:
                return func(*args, **kwargs)
            except KeyboardInterrupt as exc:
                interrupted(signal_of(exc))

    return wrapper  # type: ignore[return-value]


def out_file_option(default: str) -> Callable[[F], F]:
    """The ``-o/--out`` option of the commands that write one file into the run folder."""
    return click.option(
        "-o",
        "--out",
        type=click.Path(path_type=Path),
        help=f"Output file (default RUN_DIR/{default}).",
    )


@click.group(
    help="Turn news articles into a checked dataset of indicators, targets and programs.\n"
    + SETTINGS_HELP
)
@click.version_option(__version__, prog_name="llmextract")
def main() -> None:
    # instructor logs every failed attempt, with the SDK's raw exception text, through Python's
    # last-resort handler; the CLI reports failures itself, one redacted line per article.
    logging.getLogger("instructor").addHandler(logging.NullHandler())


def _summary_table(records: list[Any], flags: list[Any]) -> Table:
    table = Table(title="Articles", show_lines=False)
    for col in ("article", "region", "indicators", "targets", "programs", "flags"):
        table.add_column(
            col,
            justify="right" if col in ("indicators", "targets", "programs", "flags") else "left",
        )
    for r in records:
        n_flags = sum(f.article_id == r.id for f in flags)
        table.add_row(
            Path(r.source_path).name,
            r.region or "",
            str(len(r.indicators)),
            str(len(r.targets)),
            str(len(r.programs)),
            str(n_flags),
        )
    return table


SUMMARY_TABLE_ROWS = 30  # a larger run prints its totals only (run.json has them all)


def _usage_line(run_dir: Path) -> str:
    """Tokens and estimated cost, as ``run.json`` has them."""
    from llmextract.store import load_run_info

    usage = load_run_info(run_dir).get("usage", {})
    cost = usage.get("cost")
    spent = (f"~{cost['estimated']:.4f} {cost['currency']} (priced as {cost['priced_as']})"
             if cost else "no price known for this model (--prices)")
    return (f"tokens: {usage.get('prompt_tokens', 0)} prompt + "
            f"{usage.get('completion_tokens', 0)} completion in {usage.get('calls', 0)} calls "
            f"({usage.get('cached_calls', 0)} answered from the cache); cost {spent}")


@main.command(epilog=SETTINGS_HELP)
@click.argument("input_path", metavar="PATH", type=click.Path(path_type=Path))
@click.option(
    "--model",
    help="Model name (e.g. gpt-4o-mini, qwen2.5:7b), or embedded:gemma-3-270m (the default) / "
    "embedded:qwen2.5-coder-1.5b.",
)
@click.option(
    "--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (Ollama). "
    "Credentials in it (https://user:TOKEN@host/v1) are taken out: OPENAI_API_KEY, else the "
    "password, goes as the Bearer key."
)
@click.option(
    "--strategy",
    type=click.Choice(["read", "direct", "candidates"]),
    help="read: the model reads the article and labels every number the parser found, and "
    "lists programs (default for instruct models and endpoints); direct: the model writes the "
    "record; candidates: rules decide, a base model labels one number at a time (default for "
    "the embedded default, embedded:gemma-3-270m).",
)
@click.option("--prompt", help="Prompt template name in prompts/ (default: the strategy's own).")
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    help="Run folder (default runs/<UTC timestamp>/). Reusing one resumes it.",
)
@click.option("--cache-dir", type=click.Path(path_type=Path), help="Cache folder for model calls.")
@click.option("--no-cache", is_flag=True, help="Call the model even when an answer is cached.")
@click.option(
    "--timeout",
    type=float,
    help="Seconds to wait for one answer (default 300); a request is tried 4 times, then "
    "its article fails.",
)
@click.option(
    "--answer-format",
    type=click.Choice(["schema", "json", "text"]),
    help="How answers are asked of the endpoint: schema (response_format json_object with the "
    "schema, a grammar on llama.cpp), json (json_object alone), text (no response_format) "
    "[default: each prompt's own; env LLMEXTRACT_ANSWER_FORMAT].",
)
@click.option(
    "--text-column",
    default="text",
    show_default=True,
    help="JSONL field, CSV or Parquet column holding the article text.",
)
@click.option(
    "--id-column",
    help="Field or column identifying each row (default: 'id' when there is one, else the row "
    "number).",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1),
    envvar="LLMEXTRACT_MAX_CHARS",
    help="Largest article accepted, in characters (default 100,000; env LLMEXTRACT_MAX_CHARS); "
    "a longer one is refused with a message naming it.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    help="Articles in flight at once [default: 4 for an endpoint, 1 for the embedded model, "
    "which answers one request at a time]; with --engine processes or ray, the number of "
    "worker processes [default: one a core] or Ray workers.",
)
@click.option(
    "--rpm",
    type=click.FloatRange(min=0, min_open=True),
    help="At most this many model requests a minute (429 Retry-After is always honoured).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="local: threads in this process; processes: worker processes on this machine, one a "
    "core by default (a re-run from the cache is CPU alone); ray: Ray workers on a cluster "
    "(pip install '.[ray]'), writing the same run folder.",
)
@click.option(
    "--address", help="With --engine ray: the cluster to join (default: RAY_ADDRESS, else a "
    "local Ray instance)."
)
@click.option(
    "--prices",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Price table of your own (YAML, as prompts/tables/prices.yaml) for the estimated "
    "cost [default: $LLMEXTRACT_PRICES].",
)
@interruptible
@translate_errors
def run(
    input_path: Path,
    model: str | None,
    base_url: str | None,
    strategy: str | None,
    prompt: str | None,
    out: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    timeout: float | None,
    answer_format: str | None,
    text_column: str,
    id_column: str | None,
    max_chars: int | None,
    concurrency: int | None,
    rpm: float | None,
    engine: str,
    address: str | None,
    prices: Path | None,
) -> None:
    """Extract, check and store every article in PATH: a file or a folder of .txt, .md, .html,
    .jsonl, .csv and .parquet files (url, title, date, region, outlet and any other column of a
    row are kept in the record).

    Writes extractions.jsonl (one record per article, as each finishes), flags.jsonl (every
    discrepancy the checks found) and run.json (what ran). Ctrl-C keeps finished articles;
    running the same command again takes them from the cache.
    """
    from llmextract.articles import DEFAULT_MAX_CHARS, InputOptions
    from llmextract.engines import Parallelism
    from llmextract.pipeline import Event, EventKind
    from llmextract.pipeline import run as run_pipeline
    from llmextract.settings import resolve_settings

    settings = resolve_settings(
        model=model,
        base_url=base_url,
        strategy=strategy,
        prompt=prompt,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        timeout=timeout,
        answer_format_name=answer_format,
    )
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    task = progress.add_task("extracting", total=None)

    def listen(event: Event) -> None:
        if event.kind is EventKind.start:
            progress.update(task, total=event.total)
        elif event.kind is EventKind.article:
            progress.advance(task)
        elif event.kind is EventKind.failed:
            progress.console.print(
                Text.assemble(("failed: ", "red"), redact(event.message)), soft_wrap=True
            )
        elif event.kind is EventKind.note:
            progress.console.print(
                Text.assemble(("note: ", "yellow"), redact(event.message)), soft_wrap=True
            )

    parallel = Parallelism(engine=engine, concurrency=concurrency, rpm=rpm, address=address)
    with progress:
        result = run_pipeline(
            input_path,
            settings,
            out_dir=out,
            listener=listen,
            inputs=InputOptions(text_column, id_column, max_chars or DEFAULT_MAX_CHARS),
            parallel=parallel,
            prices=prices,
        )
    tally = result.tally
    if tally.processed <= SUMMARY_TABLE_ROWS:
        console.print(_summary_table(result.records, result.flags))
    console.print(
        f"{tally.processed} articles processed, {tally.failed} failed"
        + (f", {result.skipped} not attempted" if result.skipped else "")
        + f": {tally.indicators} indicators, {tally.targets} targets, {tally.programs} programs,"
        + f" {tally.flag_count} flags -> {result.run_dir}",
        highlight=False,
    )
    console.print(_usage_line(result.run_dir), highlight=False)
    if result.interrupted:
        interrupted(result.signal or "SIGINT")
    if result.stopped_by:
        sys.exit(1)
    if result.failed:
        sys.exit(1)


@main.command()
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write the schemas into.",
)
def schema(out: Path) -> None:
    """Write the JSON Schemas of the output records (extractions.jsonl, flags.jsonl)."""
    from llmextract.schema import write_schemas

    for path in write_schemas(out):
        console.print(str(path), highlight=False)


# --- evaluation commands ---


def _emit(text: str, out: Path | None) -> None:
    """Print a report, or write it to ``out`` (whole or not at all) and say where."""
    if out is None:
        click.echo(text, nl=False)
        return
    from llmextract.store import require_folder_of, write_atomic

    require_folder_of(out)
    write_atomic(out, text)
    click.echo(str(out))


@main.command(name="eval")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option(
    "--gold",
    "gold_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Gold file (format: docs/gold.md).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), help="Write the report to this file."
)
@translate_errors
def eval_command(run_dir: Path, gold_path: Path, as_json: bool, out: Path | None) -> None:
    """Score a run against hand-made gold: precision, recall and F1 of numbers and programs, per
    article and overall, for all items and for those that passed the checks; every miss, false
    item and partial match (right number, other year or unit) listed."""
    from llmextract.dataset.eval_report import format_report
    from llmextract.dataset.evaluate import evaluate_run

    report = evaluate_run(run_dir, gold_path)
    if as_json:
        _emit(report.model_dump_json(indent=2) + "\n", out)
    else:
        _emit(f"{run_dir} scored against {gold_path}\n\n" + format_report(report), out)


@main.command(name="diff")
@click.argument("run_a", type=click.Path(path_type=Path))
@click.argument("run_b", type=click.Path(path_type=Path))
@click.option(
    "--gold",
    "gold_path",
    type=click.Path(path_type=Path),
    help="Gold file: also show each run's evaluation.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), help="Write the diff to this file."
)
@translate_errors
def diff_command(
    run_a: Path, run_b: Path, gold_path: Path | None, as_json: bool, out: Path | None
) -> None:
    """What changed from RUN_A to RUN_B over the same articles (another model, prompt or
    strategy): items gained (+), lost (-) and changed (~), per article."""
    from llmextract.dataset.diff import diff_run_dirs, format_diff

    result = diff_run_dirs(run_a, run_b, gold_path)
    if as_json:
        _emit(result.model_dump_json(indent=2) + "\n", out)
    else:
        _emit(f"A = {run_a}, B = {run_b}\n\n" + format_diff(result), out)


# --- review commands ---


def _refuse_together(given: dict[str, bool]) -> None:
    """One mode per call: ``--accept X --list`` is a mistake, not a request to ignore one."""
    used = [name for name, on in given.items() if on]
    if len(used) > 1:
        raise UsageError(f"{used[0]} and {used[1]} cannot be used together")


def _print_entries(entries: list[Any]) -> None:
    """Tab-separated lines: per flag (flag id, severity, kind, source, item id or -, message),
    or for an item no check flagged (item id, status, item type, source, item id, the number
    as written and what it is about)."""
    for entry in entries:
        for f in entry.flags:
            cols = [f.id, f.severity.value, f.kind, entry.record.source_path, f.item_id or "-",
                    f.message]
            click.echo("\t".join(" ".join(c.split()) for c in cols))
        if not entry.flags and entry.reviewed is not None:
            about = f"{entry.value_text} · {entry.subject}" if entry.subject else entry.value_text
            cols = [entry.key, str(entry.status), entry.reviewed.item_type,
                    entry.record.source_path, entry.key, about]
            click.echo("\t".join(" ".join(c.split()) for c in cols))


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option(
    "--list",
    "list_open",
    is_flag=True,
    help="Print the open flags, one per line, tab-separated: flag id, severity, kind, "
    "source, item id (- for the whole article), message.",
)
@click.option(
    "--accept",
    "accept_ids",
    multiple=True,
    metavar="ID",
    help="Accept the item this flag or item id points at (repeatable).",
)
@click.option(
    "--reject",
    "reject_ids",
    multiple=True,
    metavar="ID",
    help="Reject (remove) the item this flag or item id points at (repeatable).",
)
@click.option(
    "--dismiss",
    "dismiss_ids",
    multiple=True,
    metavar="FLAG",
    help="Dismiss a flag about the whole article (e.g. an unused number) (repeatable).",
)
@click.option("--correct", "correct_id", metavar="ID", help="Correct this item (or flag's item).")
@click.option("--value", help="With --correct: the value, as a number (10,6 or 10.6).")
@click.option("--value-text", help="With --correct: the number as the article writes it.")
@click.option(
    "--set",
    "set_fields",
    multiple=True,
    metavar="FIELD=VALUE",
    help="With --correct: any other field, e.g. --set period=2024 --set approximate=true.",
)
@click.option(
    "--sample",
    "sample_size",
    type=click.IntRange(min=1),
    metavar="N",
    help="Draw a random sample of N unflagged items per article to judge (kept in "
    "review.sqlite; judge them with --accept/--reject/--correct or on the page's Sample view) "
    "and print them.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="With --sample: the random seed."
)
@click.option(
    "--estimate",
    is_flag=True,
    help="Print the precision of the unflagged items estimated from the judged sample.",
)
@click.option("--note", default="", help="Note kept with the decisions given here.")
@click.option(
    "--reviewer", help="Who decides [default: $LLMEXTRACT_REVIEWER, else the OS user name]."
)
@click.option(
    "--port", type=int, default=0, show_default=True, help="Port on 127.0.0.1 (0: any free port)."
)
@click.option("--no-browser", is_flag=True, help="Print the URL without opening a browser.")
@translate_errors
def review(
    run_dir: Path,
    list_open: bool,
    accept_ids: tuple[str, ...],
    reject_ids: tuple[str, ...],
    dismiss_ids: tuple[str, ...],
    correct_id: str | None,
    value: str | None,
    value_text: str | None,
    set_fields: tuple[str, ...],
    sample_size: int | None,
    seed: int,
    estimate: bool,
    note: str,
    reviewer: str | None,
    port: int,
    no_browser: bool,
) -> None:
    """Review the items of a run. Without options: serve a review page on 127.0.0.1 (the URL
    carries a token; keep it private) and open it in the browser when one is available; Ctrl-C
    stops it. Decisions are kept in RUN_DIR/review.sqlite with who, when, before, after and
    note."""
    from llmextract.dataset.decisions import Action, default_reviewer
    from llmextract.dataset.reviewed import RunView
    from llmextract.dataset.sampling import draw_sample, record_estimate

    who = reviewer or default_reviewer()
    deciding = bool(accept_ids or reject_ids or dismiss_ids)
    _refuse_together(
        {
            "--accept/--reject/--dismiss": deciding,
            "--correct": correct_id is not None,
            "--list": list_open,
            "--sample": sample_size is not None,
            "--estimate": estimate,
            "--port/--no-browser": bool(port or no_browser),
        }
    )
    changes = {"value": value, "value_text": value_text}
    if correct_id is None and (any(v is not None for v in changes.values()) or set_fields):
        raise UsageError("--value, --value-text and --set go with --correct")
    if note and not (deciding or correct_id):
        raise UsageError("--note goes with --accept, --reject, --dismiss or --correct")
    if seed and sample_size is None:
        raise UsageError("--seed goes with --sample")
    view = RunView(run_dir)
    if deciding:
        from llmextract.review.actions import decide_many

        choices = [(i, Action.accept) for i in accept_ids] + [
            (i, Action.reject) for i in reject_ids
        ]
        for d in decide_many(view.store, view.review(), choices, who, note,
                             dismiss=dismiss_ids):
            done = "dismissed" if d.key in dismiss_ids else f"{d.action.value}ed"
            click.echo(f"{done} {d.key} ({who}, {d.decided_at})")
        record_estimate(run_dir)
        return
    if correct_id is not None:
        from llmextract.review.actions import correct_item, parse_assignments

        fields = {k: v for k, v in changes.items() if v is not None}
        fields.update(parse_assignments(set_fields))
        if not fields:
            raise UsageError("--correct needs --value, --value-text or --set FIELD=VALUE")
        d = correct_item(view.store, view.review(), correct_id, fields, who, note)
        changed = ", ".join(f"{k} {d.before.get(k)!r} -> {v!r}" for k, v in (d.after or {}).items()
                            if d.before is not None and d.before.get(k) != v and k != "span")
        click.echo(f"corrected {d.key}: {changed} ({who}, {d.decided_at})")
        item = view.review().item(d.key)
        for f in item.flags if item else ():
            click.echo(f"  now flagged: {f.severity.value} {f.message} ({f.kind} {f.id})")
        record_estimate(run_dir)
        return
    if list_open:
        _print_entries([e for e in view.review().entries if not e.settled])
        return
    if sample_size is not None:
        drawn = draw_sample(view.store, view.review(), per_article=sample_size, seed=seed,
                            reviewer=who)
        record_estimate(run_dir)
        keep = set(drawn.item_ids)
        click.echo(f"{len(drawn.item_ids)} unflagged items drawn (seed {seed}); judge each:")
        _print_entries([e for e in view.review().every_entry() if e.key in keep])
        return
    if estimate:
        found = record_estimate(run_dir)
        click.echo(found.sentence if found else "no sample drawn yet: llmextract review "
                   f"{run_dir} --sample 3")
        return
    from llmextract.review.server import serve

    try:
        serve(
            run_dir,
            reviewer=who,
            port=port,
            open_browser=not no_browser,
            announce=lambda url: click.echo(f"review page: {url}\n(Ctrl-C to stop)"),
        )
    except KeyboardInterrupt:
        pass


@main.command(name="export")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "jsonl", "parquet"]),
    help="File format [default: the one -o's file name says, else csv].",
)
@out_file_option("export.<format>")
@click.option(
    "--only-reviewed",
    is_flag=True,
    help="Keep only the items a person decided (accepted, corrected, added).",
)
@click.option(
    "--table",
    type=click.Choice(["items", "flags", "decisions", "settings", "summary"]),
    help="csv, jsonl, parquet: the table to write [default: items; xlsx has every table as a "
    "sheet].",
)
@click.option(
    "--bom/--no-bom",
    default=None,
    help="csv: start with the UTF-8 byte order mark, so that Excel reads “ ” and – as written "
    "[default: --bom].",
)
@translate_errors
def export_command(
    run_dir: Path,
    fmt: str | None,
    out: Path | None,
    only_reviewed: bool,
    table: str | None,
    bom: bool | None,
) -> None:
    """Write the reviewed dataset: one row per item with its article's metadata (title, region,
    date, url, ...), fields, quote, span, status, the value before a correction beside the one
    after, flag kinds and latest decision. Rejected items are left out; items nobody decided
    are kept as flagged or unreviewed unless --only-reviewed. xlsx also has sheets for the
    flags, the decisions, the run's settings and the summary by place, indicator and year.
    xlsx and parquet need the 'export' extra: pip install '.[export]' in the llmextract
    folder."""
    from llmextract.dataset.export import export_run

    path, rows = export_run(
        run_dir, fmt, out, only_reviewed=only_reviewed, table=table, bom=bom
    )
    click.echo(f"{rows} rows -> {path}")


@main.command(name="report")
@click.argument("run_dir", type=click.Path(path_type=Path))
@out_file_option("report.html")
@translate_errors
def report_command(run_dir: Path, out: Path | None) -> None:
    """Write one self-contained HTML file to share: every article with its items highlighted,
    the flags and the review decisions. It loads nothing from anywhere."""
    from llmextract.review.report import write_report

    click.echo(str(write_report(run_dir, out)))


@main.command(name="gold")
@click.argument("run_dir", type=click.Path(path_type=Path))
@out_file_option("gold.json")
@click.option(
    "--include-unreviewed",
    is_flag=True,
    help='Also keep the items nobody decided, each marked "unreviewed": true.',
)
@translate_errors
def gold_command(run_dir: Path, out: Path | None, include_unreviewed: bool) -> None:
    """Turn a reviewed run into gold for `llmextract eval`: the items a person accepted,
    corrected or added are kept, rejected numbers become not_facts, items nobody decided are
    left out (unless --include-unreviewed)."""
    from llmextract.dataset.goldify import write_run_gold
    from llmextract.store import require_folder_of

    path = out or run_dir / "gold.json"
    require_folder_of(path)
    result = write_run_gold(run_dir, path, include_unreviewed=include_unreviewed)
    click.echo(f"{result.kept} items, {result.not_facts} not-facts -> {path}")
    if result.unreviewed and include_unreviewed:
        click.echo(
            f"note: {result.unreviewed} of them nobody decided; they are marked "
            '"unreviewed": true',
            err=True,
        )
    elif result.unreviewed:
        click.echo(
            f"note: {result.unreviewed} items nobody decided were left out; review them (or "
            "pass --include-unreviewed) for complete gold",
            err=True,
        )


# --- check commands ---


@main.command(name="check")
@click.argument("run_dir", type=click.Path(path_type=Path))
@translate_errors
def check_command(run_dir: Path) -> None:
    """Run the checks again over a finished run (after the rules or vocabularies changed) and
    rewrite RUN_DIR/flags.jsonl (the flags of the extraction). Items a reviewer corrected or
    added are checked too, as they now stand, and their flags listed. Reads extractions.jsonl
    and review.sqlite; never calls a model."""
    from llmextract.dataset.reviewed import RunView
    from llmextract.models import Severity
    from llmextract.runs import recheck_run

    result = recheck_run(run_dir)
    click.echo(
        f"{result.articles} articles checked: {result.count(Severity.error)} errors, "
        f"{result.count(Severity.warning)} warnings, {result.count(Severity.info)} info "
        f"({result.added} new, {result.removed} gone) -> {result.path}"
    )
    written = RunView(run_dir).review().written()
    if written:
        flags = [f for ri in written for f in ri.flags]
        click.echo(
            f"{len(written)} corrected or added items checked as they stand: "
            + f"{sum(f.severity is Severity.error for f in flags)} errors, "
            f"{sum(f.severity is Severity.warning for f in flags)} warnings, "
            f"{sum(f.severity is Severity.info for f in flags)} info"
        )
        for ri in written:
            for f in ri.flags:
                click.echo(f"  {ri.item.id} ({ri.status}): {f.severity.value} {f.message} "
                           f"({f.kind} {f.id})")
