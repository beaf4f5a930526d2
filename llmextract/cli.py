"""The command line: a thin layer over the library. Only this module knows click.

Expected failures (``LLMExtractError``) become one line on stderr and an exit code:
0 every article processed (flags are not errors), 1 some articles failed or the run stopped,
2 usage errors, 130 interrupted.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from llmextract.errors import LLMExtractError, UsageError
from llmextract.version import __version__

F = TypeVar("F", bound=Callable[..., Any])

console = Console()
err_console = Console(stderr=True)

SETTINGS_HELP = """
Settings come from flags, then environment variables, then defaults:
LLMEXTRACT_MODEL (--model), LLMEXTRACT_BASE_URL (--base-url), OPENAI_API_KEY (the key; never
a flag), LLMEXTRACT_STRATEGY (--strategy), LLMEXTRACT_PROMPT (--prompt), LLMEXTRACT_CACHE_DIR
(--cache-dir), LLMEXTRACT_TIMEOUT (--timeout). With none of model, base URL and key set,
the embedded local model is used.
"""


def fail(message: str, code: int) -> None:
    err_console.print(Text.assemble(("error: ", "red"), message), soft_wrap=True)
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


@main.command(epilog=SETTINGS_HELP)
@click.argument("input_path", metavar="PATH", type=click.Path(path_type=Path))
@click.option(
    "--model",
    help="Model name (e.g. gpt-4o-mini, qwen2.5:7b), or embedded:gemma-3-270m (the default) / "
    "embedded:qwen2.5-coder-1.5b.",
)
@click.option(
    "--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (Ollama)."
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
) -> None:
    """Extract, check and store every article in PATH (.txt, .md, .html, .jsonl).

    Writes extractions.jsonl (one record per article, as each finishes), flags.jsonl (every
    discrepancy the checks found) and run.json (what ran). Ctrl-C keeps finished articles;
    running the same command again takes them from the cache.
    """
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
                Text.assemble(("failed: ", "red"), event.message), soft_wrap=True
            )
        elif event.kind is EventKind.note:
            progress.console.print(
                Text.assemble(("note: ", "yellow"), event.message), soft_wrap=True
            )

    with progress:
        result = run_pipeline(input_path, settings, out_dir=out, listener=listen)
    console.print(_summary_table(result.records, result.flags))
    n_ind = sum(len(r.indicators) for r in result.records)
    n_tgt = sum(len(r.targets) for r in result.records)
    n_prg = sum(len(r.programs) for r in result.records)
    console.print(
        f"{len(result.records)} articles processed, {len(result.failed)} failed"
        + (f", {result.skipped} not attempted" if result.skipped else "")
        + f": {n_ind} indicators, {n_tgt} targets, {n_prg} programs, {len(result.flags)} flags"
        + f" -> {result.run_dir}",
        highlight=False,
    )
    if result.interrupted:
        err_console.print("interrupted: finished articles are kept; run again to resume")
        sys.exit(130)
    if result.stopped_by:
        sys.exit(1)
    if result.failed:
        sys.exit(1)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("schemas"), show_default=True)
def schema(out: Path) -> None:
    """Write the JSON Schemas of the output records (extractions.jsonl, flags.jsonl)."""
    from llmextract.schema import write_schemas

    for path in write_schemas(out):
        console.print(str(path), highlight=False)


# --- evaluation commands ---


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
@translate_errors
def eval_command(run_dir: Path, gold_path: Path, as_json: bool) -> None:
    """Score a run against hand-made gold: precision, recall and F1 of numbers and programs, per
    article and overall, for all items and for those that passed the checks; every miss, false
    item and partial match (right number, other year or unit) listed."""
    from llmextract.dataset.eval_report import format_report
    from llmextract.dataset.evaluate import evaluate_run

    report = evaluate_run(run_dir, gold_path)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        click.echo(f"{run_dir} scored against {gold_path}\n")
        click.echo(format_report(report), nl=False)


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
@translate_errors
def diff_command(run_a: Path, run_b: Path, gold_path: Path | None, as_json: bool) -> None:
    """What changed from RUN_A to RUN_B over the same articles (another model, prompt or
    strategy): items gained (+), lost (-) and changed (~), per article."""
    from llmextract.dataset.diff import diff_run_dirs, format_diff

    result = diff_run_dirs(run_a, run_b, gold_path)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(f"A = {run_a}, B = {run_b}\n")
        click.echo(format_diff(result), nl=False)


# --- review commands ---


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
    note: str,
    reviewer: str | None,
    port: int,
    no_browser: bool,
) -> None:
    """Settle flagged items. Without options: serve a review page on 127.0.0.1 (the URL carries
    a token; keep it private) and open it in the browser when one is available; Ctrl-C stops
    it. Decisions are kept in RUN_DIR/review.sqlite with who, when, before, after and note."""
    from llmextract.dataset.decisions import Action, default_reviewer
    from llmextract.dataset.reviewed import OPEN, RunView

    who = reviewer or default_reviewer()
    if note and not (accept_ids or reject_ids):
        raise UsageError("--note goes with --accept or --reject")
    if accept_ids or reject_ids:
        from llmextract.review.actions import decide_many

        view = RunView(run_dir)
        choices = [(i, Action.accept) for i in accept_ids] + [
            (i, Action.reject) for i in reject_ids
        ]
        for d in decide_many(view.store, view.review(), choices, who, note):
            click.echo(f"{d.action.value}ed {d.key} ({who}, {d.decided_at})")
        return
    if list_open:
        for entry in RunView(run_dir).review().entries:
            if entry.status != OPEN:
                continue
            for f in entry.flags:
                message = " ".join(f.message.split())
                click.echo(
                    "\t".join(
                        [
                            f.id,
                            f.severity.value,
                            f.kind,
                            entry.record.source_path,
                            f.item_id or "-",
                            message,
                        ]
                    )
                )
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
    default="csv",
    show_default=True,
)
@out_file_option("export.<format>")
@click.option(
    "--only-reviewed", is_flag=True, help="Leave out flagged items nobody has decided yet."
)
@translate_errors
def export_command(run_dir: Path, fmt: str, out: Path | None, only_reviewed: bool) -> None:
    """Write the reviewed dataset: one row per item with its article, fields, quote, span,
    status, flag kinds and latest decision. Rejected items are left out; flagged items not yet
    decided are kept with status needs_review unless --only-reviewed. xlsx and parquet need the
    'export' extra."""
    from llmextract.dataset.export import export_run

    path, rows = export_run(run_dir, fmt, out, only_reviewed=only_reviewed)
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
@translate_errors
def gold_command(run_dir: Path, out: Path | None) -> None:
    """Turn a reviewed run into gold for `llmextract eval`: accepted, corrected, added and
    unflagged items are kept, rejected numbers become not_facts, undecided flagged items are
    left out."""
    from llmextract.dataset.goldify import write_run_gold

    path = out or run_dir / "gold.json"
    result = write_run_gold(run_dir, path)
    click.echo(f"{result.kept} items, {result.not_facts} not-facts -> {path}")
    if result.unreviewed:
        click.echo(
            f"note: {result.unreviewed} flagged items are not decided yet and were left "
            "out; review them first for complete gold",
            err=True,
        )


# --- check commands ---


@main.command(name="check")
@click.argument("run_dir", type=click.Path(path_type=Path))
@translate_errors
def check_command(run_dir: Path) -> None:
    """Run the checks again over a finished run (after the rules or vocabularies changed) and
    rewrite RUN_DIR/flags.jsonl. Reads extractions.jsonl; never calls a model."""
    from llmextract.models import Severity
    from llmextract.runs import recheck_run

    result = recheck_run(run_dir)
    click.echo(
        f"{result.articles} articles checked: {result.count(Severity.error)} errors, "
        f"{result.count(Severity.warning)} warnings, {result.count(Severity.info)} info "
        f"({result.added} new, {result.removed} gone) -> {result.path}"
    )
