"""One HTML file to share a run: a table of contents, the values by place, indicator and year
(a table and small charts), what was extracted, what the checks found, what reviewers decided,
each article with its items highlighted.

The file is self-contained: the stylesheet is inlined, the charts are inline SVG, there is no
script, no image and no link to fetch (links only jump within the file), and its
Content-Security-Policy forbids loading anything, so it opens the same way from an e-mail
attachment as from the run folder. Article text is escaped like on the review page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from llmextract.dataset.reviewed import Entry, Review, ReviewedItem, RunView
from llmextract.dataset.sampling import Estimate, current_estimate, unflagged
from llmextract.dataset.summary import SummaryRow, summarize
from llmextract.models import Severity
from llmextract.review.charts import summary_charts
from llmextract.review.evidence import article_marks, highlight
from llmextract.review.templating import stylesheet, templates
from llmextract.store import load_run_info, require_folder_of, require_run_dir, write_atomic

REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def value_table(rows: list[SummaryRow]) -> dict[str, Any]:
    """The summary pivoted for reading: a line per place, indicator and unit, a column per year
    (year unknown last), each cell the values said for it."""
    years: list[int | None] = [*sorted({r.year for r in rows if r.year is not None})]
    if any(r.year is None for r in rows):
        years.append(None)
    lines: dict[tuple[Any, ...], dict[Any, list[SummaryRow]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for r in rows:
        lines[(r.place, r.indicator, r.unit)][r.year].append(r)
    return {
        "years": years,
        "lines": [
            {"place": place, "indicator": indicator, "unit": unit, "cells": cells}
            for (place, indicator, unit), cells in lines.items()
        ],
    }


def render_report(review: Review, run_name: str, run_info: dict[str, Any],
                  estimate: Estimate | None = None) -> str:
    """The report as one HTML document."""
    items: dict[str, list[ReviewedItem]] = defaultdict(list)
    for ri in review.items:
        items[ri.record.id].append(ri)
    entries: dict[str, list[Entry]] = defaultdict(list)
    for e in review.entries:
        entries[e.record.id].append(e)
    articles = []
    for record in review.records:
        focus = [
            s for e in entries[record.id] if not e.settled for f in e.flags for s in f.spans
        ]
        articles.append(
            {
                "record": record,
                "chunks": highlight(record.text, article_marks(items[record.id], focus=focus)),
                "rows": items[record.id],
                "article_flags": [e for e in entries[record.id] if e.reviewed is None],
            }
        )
    summary = summarize(review)
    statuses = Counter(ri.status.value for ri in review.items)
    severities = Counter(f.severity.value for e in review.entries for f in e.flags)
    return (
        templates()
        .get_template("report.html")
        .render(
            run_name=run_name,
            run_info=run_info,
            css=stylesheet(),
            csp=REPORT_CSP,
            counts=review.counts(),
            statuses=sorted(statuses.items()),
            severities=[(s.value, severities.get(s.value, 0)) for s in Severity],
            types=Counter(ri.item_type for ri in review.items),
            articles=articles,
            values=value_table(summary),
            charts=summary_charts(summary),
            estimate=estimate,
            unflagged=len(unflagged(review)),
        )
    )


def write_report(run_dir: Path, out: Path | None = None) -> Path:
    """Write the report of ``run_dir`` (default ``<run_dir>/report.html``)."""
    require_run_dir(run_dir)
    path = out or run_dir / "report.html"
    require_folder_of(path)
    view = RunView(run_dir)
    html = render_report(view.review(), run_dir.name, load_run_info(run_dir),
                         current_estimate(view))
    write_atomic(path, html)
    return path
