"""The reviewed dataset as a table: one row per item, the latest review decision applied.

Each row carries its article's metadata: title, region and date (the input's, else what the
rules read), the input's url and outlet, and every other input column as JSON in ``metadata``.
Rejected items are left out. Flagged items nobody has decided yet are kept with status
``needs_review`` (left out with ``only_reviewed``), so a half-reviewed run can be exported
without passing doubtful numbers off as checked. csv and jsonl need nothing extra; xlsx
(openpyxl) and parquet (pyarrow) come with the ``export`` extra.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from llmextract.dataset.reviewed import NEEDS_REVIEW, REJECTED, Review, ReviewedItem, RunView
from llmextract.errors import UsageError
from llmextract.models import Indicator, Program, Target
from llmextract.store import require_run_dir, write_atomic

FORMATS = ("csv", "xlsx", "jsonl", "parquet")
EXTRA_HINT = "pip install 'llmextract-stunting[export]'"

# (column, parquet type): the same columns, in this order, in every format.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("article_id", "string"), ("source", "string"), ("title", "string"), ("region", "string"),
    ("date", "string"), ("url", "string"), ("outlet", "string"), ("metadata", "string"),
    ("item_type", "string"), ("item_id", "string"), ("name", "string"),
    ("value", "float64"), ("value_max", "float64"), ("value_text", "string"), ("unit", "string"),
    ("population", "string"), ("period", "string"), ("approximate", "bool_"),
    ("target_kind", "string"), ("deadline_year", "int64"), ("description", "string"),
    ("run_by", "string"), ("beneficiaries", "string"), ("quote", "string"),
    ("span_start", "int64"), ("span_end", "int64"), ("status", "string"),
    ("flag_kinds", "string"), ("reviewer", "string"), ("decided_at", "string"), ("note", "string"),
)
COLUMN_NAMES = [name for name, _ in COLUMNS]


def _row(ri: ReviewedItem) -> dict[str, Any]:
    item, record, decision = ri.item, ri.record, ri.decision
    row: dict[str, Any] = dict.fromkeys(COLUMN_NAMES)
    row.update(
        article_id=record.id, source=record.source_path, title=record.title,
        region=record.region, date=record.date, url=record.source.url,
        outlet=record.source.outlet,
        metadata=json.dumps(record.source.extra, ensure_ascii=False, sort_keys=True)
        if record.source.extra else None,
        item_type=ri.item_type, item_id=item.id,
        quote=item.quote, span_start=item.span.start if item.span else None,
        span_end=item.span.end if item.span else None, status=ri.status,
        flag_kinds=";".join(sorted({f.kind for f in ri.flags})),
        reviewer=decision.reviewer if decision else None,
        decided_at=decision.decided_at if decision else None,
        note=decision.note if decision else None,
    )
    if isinstance(item, Indicator):
        row.update(name=item.name, value=item.value, value_text=item.value_text, unit=item.unit,
                   population=item.population, period=item.period, approximate=item.approximate)
    elif isinstance(item, Target):
        row.update(name=item.indicator, value=item.value, value_max=item.value_max,
                   value_text=item.value_text, unit=item.unit, target_kind=item.kind.value,
                   deadline_year=item.deadline_year)
    elif isinstance(item, Program):
        row.update(name=item.name, description=item.description, run_by=item.run_by,
                   beneficiaries=item.beneficiaries)
    return row


def export_rows(review: Review, *, only_reviewed: bool = False) -> list[dict[str, Any]]:
    """One row per item kept: rejected items never, undecided flagged items unless
    ``only_reviewed``."""
    left_out = {REJECTED, NEEDS_REVIEW} if only_reviewed else {REJECTED}
    return [_row(ri) for ri in review.items if ri.status not in left_out]


def _csv(rows: list[dict[str, Any]], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(path, buffer.getvalue())


def _jsonl(rows: list[dict[str, Any]], path: Path) -> None:
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def _replace_with(path: Path, write: Callable[[Path], None]) -> None:
    """Write a binary format to a temporary file beside ``path``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _xlsx(rows: list[dict[str, Any]], path: Path) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
    except ImportError:
        raise UsageError(f"xlsx export needs openpyxl: {EXTRA_HINT}") from None
    book = Workbook(write_only=True)
    sheet = book.create_sheet("items")
    sheet.append(COLUMN_NAMES)
    for row in rows:
        cells = []
        for name in COLUMN_NAMES:
            cell = WriteOnlyCell(sheet, value=row[name])
            if isinstance(row[name], str):
                cell.data_type = "s"  # article text starting with '=' stays text, not a formula
            cells.append(cell)
        sheet.append(cells)
    _replace_with(path, lambda tmp: book.save(tmp))


def _parquet(rows: list[dict[str, Any]], path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(f"parquet export needs pyarrow: {EXTRA_HINT}") from None
    schema = pa.schema([(name, getattr(pa, kind)()) for name, kind in COLUMNS])
    table = pa.Table.from_pylist(rows, schema=schema)
    _replace_with(path, lambda tmp: pq.write_table(table, tmp))


WRITERS: dict[str, Callable[[list[dict[str, Any]], Path], None]] = {
    "csv": _csv, "jsonl": _jsonl, "xlsx": _xlsx, "parquet": _parquet}


def export_run(run_dir: Path, fmt: str, out: Path | None = None, *,
               only_reviewed: bool = False) -> tuple[Path, int]:
    """Write the reviewed dataset of ``run_dir``; returns the file written and its row count.
    Default file: ``<run_dir>/export.<fmt>``."""
    if fmt not in WRITERS:
        raise UsageError(f"{fmt}: the export format is one of {', '.join(FORMATS)}")
    require_run_dir(run_dir)
    rows = export_rows(RunView(run_dir).review(), only_reviewed=only_reviewed)
    path = out or run_dir / f"export.{fmt}"
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such folder")
    WRITERS[fmt](rows, path)
    return path, len(rows)
