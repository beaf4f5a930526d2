"""The reviewed dataset as files a colleague can open: one row per item, the latest review
decision applied, and beside it the flags, the decisions, the run's settings and the summary.

Rejected items are left out. Items nobody has decided yet are kept with status ``flagged`` or
``unreviewed`` (left out with ``only_reviewed``, which keeps only what a person decided), so a
half-reviewed run can be exported without passing unchecked numbers off as checked. A corrected
item shows its value before the correction beside the one after, and every field it changed.

Every column of the article record that describes the article (title, region, date, and
whatever else the input carried: url, outlet, ...) is a column of the items table, in the order
of the record, so a dataset can be traced back to its sources.

xlsx holds every table as a sheet (items, flags, decisions, settings, summary) with typed cells
(numbers, dates, true/false), a frozen header and a filter. csv, jsonl and parquet hold one
table each (``table``, default items). csv is UTF-8 with a byte order mark, so that Excel reads
“ ” and – as written (Python: ``encoding="utf-8-sig"``; pandas and R's readr skip the mark).
csv and jsonl need nothing extra; xlsx (openpyxl) and parquet (pyarrow) come with the
``export`` extra.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from llmextract.dataset.decisions import Decision
from llmextract.dataset.reviewed import Review, ReviewedItem, RunView, item_dict
from llmextract.dataset.summary import SUMMARY_COLUMNS, summarize
from llmextract.errors import UsageError
from llmextract.models import ArticleRecord, Flag, Indicator, Program, Target
from llmextract.store import (
    load_run_info,
    replace_atomically,
    require_folder_of,
    require_run_dir,
    write_atomic,
)
from llmextract.version import __version__

FORMATS = ("csv", "xlsx", "jsonl", "parquet")
TABLES = ("items", "flags", "decisions", "settings", "summary")
# The same words as the README: the package index name belongs to an unrelated project.
EXTRA_HINT = "install the export extra from the llmextract folder: pip install '.[export]'"

# Fields of an ArticleRecord that are not about the article: its text, what was extracted and
# how (the settings sheet has the run's model and prompt).
NOT_METADATA = frozenset({
    "schema_version", "id", "source_path", "text", "segments", "indicators", "targets",
    "programs", "strategy", "model", "prompt", "problems", "usage", "seconds",
})
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# (column, kind): kind is string, float64, int64, bool_, date or datetime (UTC).
ITEM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("item_type", "string"), ("item_id", "string"), ("name", "string"),
    ("value", "float64"), ("value_before", "float64"), ("value_max", "float64"),
    ("value_text", "string"), ("value_text_before", "string"), ("unit", "string"),
    ("population", "string"), ("period", "string"), ("year", "int64"), ("scope", "string"),
    ("place", "string"), ("approximate", "bool_"),
    ("target_kind", "string"), ("deadline_year", "int64"), ("description", "string"),
    ("run_by", "string"), ("beneficiaries", "string"), ("quote", "string"),
    ("span_start", "int64"), ("span_end", "int64"), ("status", "string"),
    ("corrections", "string"), ("flag_kinds", "string"), ("reviewer", "string"),
    ("decided_at", "datetime"), ("note", "string"),
)
FLAG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("flag_id", "string"), ("article_id", "string"), ("source", "string"),
    ("item_id", "string"), ("kind", "string"), ("severity", "string"), ("message", "string"),
    ("raised_on", "string"), ("status", "string"), ("span_start", "int64"), ("span_end", "int64"),
    ("related", "string"),
)
DECISION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "int64"), ("key", "string"), ("article_id", "string"), ("item_type", "string"),
    ("action", "string"), ("reviewer", "string"), ("decided_at", "datetime"),
    ("note", "string"), ("flag_ids", "string"), ("before", "string"), ("after", "string"),
)
SETTING_COLUMNS: tuple[tuple[str, str], ...] = (("setting", "string"), ("value", "string"))


@dataclass(frozen=True)
class Table:
    """Rows of one kind with their typed columns, in the order every format writes them."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[dict[str, Any]]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]


# --- the tables ---


def _text(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def _metadata(record: ArticleRecord) -> dict[str, Any]:
    """What the record says about its article, one column per fact: its own fields first (the
    title, region and date in force), then those of a nested model (what the input said: url,
    outlet, ..., where a mapping of the input's other columns gives one column per column),
    then a mapping of the record (``guessed``: the rules' readings) as ``<field>_<key>``."""
    out: dict[str, Any] = {}
    nested: list[tuple[str, BaseModel]] = []
    mappings: list[tuple[str, dict[str, Any]]] = []
    for name in type(record).model_fields:
        value = getattr(record, name)
        if name in NOT_METADATA:
            continue
        if isinstance(value, BaseModel):
            nested.append((name, value))
        elif isinstance(value, dict):
            mappings.append((name, value))
        else:
            out[name] = _text(value)
    for field, model in nested:
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, dict):
                for key, inner in value.items():
                    out.setdefault(str(key), _text(inner))
            else:  # the record's own reading of a fact wins; an id is the input's own id
                out.setdefault(f"{field}_{name}" if name in NOT_METADATA else name, _text(value))
    for field, mapping in mappings:
        out.update({f"{field}_{key}": _text(inner) for key, inner in mapping.items()})
    return out


def _kind(values: Iterable[Any]) -> str:
    """The type of a metadata column, from every value it holds: a column is typed only when
    all its values agree."""
    present = [v for v in values if v is not None]
    if not present:
        return "string"
    if all(isinstance(v, bool) for v in present):
        return "bool_"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int64"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "float64"
    if all(isinstance(v, str) and _iso_date(v) for v in present):
        return "date"
    return "string"


def _iso_date(text: str) -> date | None:
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _corrections(ri: ReviewedItem) -> str | None:
    if ri.original is None or ri.original == ri.item:
        return None
    before, after = item_dict(ri.original), item_dict(ri.item)
    changed = [k for k in after if k != "id" and before.get(k) != after[k]]
    return "; ".join(f"{k}: {_text(before.get(k))} → {_text(after[k])}" for k in changed) or None


def _item_row(ri: ReviewedItem) -> dict[str, Any]:
    item, decision = ri.item, ri.decision
    row: dict[str, Any] = {
        "item_type": ri.item_type, "item_id": item.id, "quote": item.quote,
        "span_start": item.span.start if item.span else None,
        "span_end": item.span.end if item.span else None, "status": str(ri.status),
        "corrections": _corrections(ri),
        "flag_kinds": ";".join(sorted({f.kind for f in ri.flags})) or None,
        "reviewer": decision.reviewer if decision else None,
        "decided_at": decision.decided_at if decision else None,
        "note": (decision.note or None) if decision else None,
    }
    before = ri.original if row["corrections"] else None
    if isinstance(item, Indicator):
        row.update(name=item.name, value=item.value, value_text=item.value_text, unit=item.unit,
                   population=item.population, period=item.period, year=item.year,
                   scope=item.scope.value, place=item.place, approximate=item.approximate)
    elif isinstance(item, Target):
        row.update(name=item.indicator, value=item.value, value_max=item.value_max,
                   value_text=item.value_text, unit=item.unit, target_kind=item.kind.value,
                   deadline_year=item.deadline_year, scope=item.scope.value, place=item.place)
    elif isinstance(item, Program):
        row.update(name=item.name, description=item.description, run_by=item.run_by,
                   beneficiaries=item.beneficiaries)
    if isinstance(before, (Indicator, Target)):
        row.update(value_before=before.value, value_text_before=before.value_text)
    return row


def items_table(review: Review, *, only_reviewed: bool = False) -> Table:
    """One row per item kept: rejected items never; with ``only_reviewed``, only the items a
    person decided (accepted, corrected, added)."""
    kept = [ri for ri in review.items
            if ri.status.kept and (ri.status.decided or not only_reviewed)]
    metadata = {r.id: _metadata(r) for r in review.records}
    meta_names = list(dict.fromkeys(k for m in metadata.values() for k in m))
    clash = {name for name, _ in ITEM_COLUMNS} | {"article_id", "source"}
    renamed = {k: f"article_{k}" if k in clash else k for k in meta_names}
    columns = (
        ("article_id", "string"), ("source", "string"),
        *((renamed[k], _kind(m.get(k) for m in metadata.values())) for k in meta_names),
        *ITEM_COLUMNS,
    )
    rows = []
    for ri in kept:
        row = dict.fromkeys(name for name, _ in columns)
        row.update(article_id=ri.record.id, source=ri.record.source_path)
        row.update({renamed[k]: v for k, v in metadata[ri.record.id].items()})
        row.update(_item_row(ri))
        rows.append(row)
    return Table("items", columns, rows)


def flags_table(review: Review) -> Table:
    """Every flag: those the checks raised on the extraction (``flags.jsonl``) and, for an item
    a person corrected or added, those they raise on it as it now stands (``raised_on``), each
    with where its item (or article) stands in the review."""
    rows: list[dict[str, Any]] = []

    def add(f: Flag, record: ArticleRecord, status: object, raised_on: str) -> None:
        rows.append({
            "flag_id": f.id, "article_id": f.article_id, "source": record.source_path,
            "item_id": f.item_id, "kind": f.kind, "severity": f.severity.value,
            "message": f.message, "raised_on": raised_on, "status": str(status),
            "span_start": f.spans[0].start if f.spans else None,
            "span_end": f.spans[-1].end if f.spans else None,
            "related": ";".join(f.related) or None,
        })

    for ri in review.items:
        for f in ri.run_flags if ri.rechecked else ri.flags:
            add(f, ri.record, ri.status, "extraction")
        for f in ri.flags if ri.rechecked else ():
            add(f, ri.record, ri.status, "correction")
    for entry in review.entries:
        if entry.reviewed is None:  # a flag about the whole article
            for f in entry.flags:
                add(f, entry.record, entry.status, "extraction")
    return Table("flags", FLAG_COLUMNS, rows)


def decisions_table(decisions: list[Decision]) -> Table:
    """The audit trail as it happened, oldest first: every decision, not only the latest."""
    rows = [
        {
            "seq": d.seq, "key": d.key, "article_id": d.article_id, "item_type": d.item_type,
            "action": d.action.value, "reviewer": d.reviewer, "decided_at": d.decided_at,
            "note": d.note or None, "flag_ids": ";".join(d.flag_ids) or None,
            "before": _text(d.before), "after": _text(d.after),
        }
        for d in sorted(decisions, key=lambda d: d.seq)
    ]
    return Table("decisions", DECISION_COLUMNS, rows)


def _flatten(prefix: str, value: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else str(key), inner)
    else:
        yield prefix, _text(value)


def settings_table(run_info: dict[str, Any], export: dict[str, Any]) -> Table:
    """What ran (run.json, one dotted setting a row: model, prompt, versions, counts) and how
    this file was exported."""
    rows = [{"setting": k, "value": None if v is None else str(v)}
            for k, v in [*_flatten("", run_info), *_flatten("export", export)]]
    return Table("settings", SETTING_COLUMNS, rows)


def summary_table(review: Review, *, only_reviewed: bool = False) -> Table:
    rows = [
        {**{name: getattr(r, name) for name, _ in SUMMARY_COLUMNS if name != "articles"},
         "articles": ";".join(r.articles)}
        for r in summarize(review, only_reviewed=only_reviewed)
    ]
    return Table("summary", SUMMARY_COLUMNS, rows)


@dataclass(frozen=True)
class Dataset:
    """A run folder read once for export."""

    review: Review
    decisions: list[Decision]
    run_info: dict[str, Any]

    @classmethod
    def read(cls, run_dir: Path) -> Dataset:
        require_run_dir(run_dir)
        view = RunView(run_dir)
        return cls(view.review(), view.store.all(), load_run_info(run_dir))

    def tables(self, export: dict[str, Any], *, only_reviewed: bool) -> dict[str, Table]:
        return {
            "items": items_table(self.review, only_reviewed=only_reviewed),
            "flags": flags_table(self.review),
            "decisions": decisions_table(self.decisions),
            "settings": settings_table(self.run_info, export),
            "summary": summary_table(self.review, only_reviewed=only_reviewed),
        }


# --- the formats ---


def _csv(table: Table, path: Path, *, bom: bool) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=table.names, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table.rows)
    write_atomic(path, ("\ufeff" if bom else "") + buffer.getvalue())


def _jsonl(table: Table, path: Path) -> None:
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in table.rows))


def _utc(text: str | None) -> datetime | None:
    """A decision time as UTC: spreadsheets and parquet readers get one time zone."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _typed(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "date":
        return _iso_date(value) if isinstance(value, str) else value
    if kind == "datetime":
        return _utc(value)
    return value


XLSX_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss"}
XLSX_MAX_WIDTH = 60


def _xlsx(tables: list[Table], path: Path) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise UsageError(f"xlsx export needs openpyxl: {EXTRA_HINT}") from None
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(table.name)
        sheet.freeze_panes = "A2"
        for n, name in enumerate(table.names, start=1):
            longest = max((len(str(r[name])) for r in table.rows if r[name] is not None),
                          default=0)
            width = min(max(len(name), longest) + 2, XLSX_MAX_WIDTH)
            sheet.column_dimensions[get_column_letter(n)].width = width
        header = []
        for name in table.names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for name, kind in table.columns:
                value = _typed(kind, row[name])
                if isinstance(value, datetime):
                    value = value.replace(tzinfo=None)  # UTC: Excel has no time zones
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # article text starting with '=' stays text
                elif kind in XLSX_FORMATS and value is not None:
                    cell.number_format = XLSX_FORMATS[kind]
                cells.append(cell)
            sheet.append(cells)
        last = get_column_letter(len(table.names))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"

    def save(tmp: Path) -> None:
        book.save(tmp)

    replace_atomically(path, save)


def _parquet(table: Table, path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(f"parquet export needs pyarrow: {EXTRA_HINT}") from None
    types = {"date": pa.date32(), "datetime": pa.timestamp("us", tz="UTC")}
    schema = pa.schema([(name, types.get(kind) or getattr(pa, kind)())
                        for name, kind in table.columns])
    rows = [{name: _typed(kind, row[name]) for name, kind in table.columns}
            for row in table.rows]
    arrow = pa.Table.from_pylist(rows, schema=schema)

    def write(tmp: Path) -> None:
        pq.write_table(arrow, tmp)

    replace_atomically(path, write)


def _format_of(fmt: str | None, out: Path | None) -> str:
    """``fmt`` if given, else the one the output file's name says, else csv; a name that says
    another format than ``fmt`` is refused rather than written with a misleading suffix."""
    said = out.suffix.lower().lstrip(".") if out else ""
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"{fmt}: the export format is one of {', '.join(FORMATS)}")
    if fmt and said in FORMATS and said != fmt:
        raise UsageError(f"{out}: the file name says {said} but the format is {fmt}")
    return fmt or (said if said in FORMATS else "csv")


def export_run(
    run_dir: Path,
    fmt: str | None = None,
    out: Path | None = None,
    *,
    only_reviewed: bool = False,
    table: str | None = None,
    bom: bool | None = None,
) -> tuple[Path, int]:
    """Write the reviewed dataset of ``run_dir``; returns the file written and the number of
    rows of its table (xlsx: of the items sheet).

    ``fmt`` defaults to the suffix of ``out``, else csv. ``table`` picks the one table of a
    csv, jsonl or parquet file (xlsx has them all). ``bom`` (csv only, default on) starts the
    file with the UTF-8 byte order mark. Default file: ``<run_dir>/export.<fmt>`` for the
    items, ``<run_dir>/export-<table>.<fmt>`` for another table."""
    fmt = _format_of(fmt, out)
    if table is not None and table not in TABLES:
        raise UsageError(f"{table}: the table is one of {', '.join(TABLES)}")
    if fmt == "xlsx" and table is not None:
        raise UsageError("xlsx holds every table as a sheet: --table is for csv, jsonl, parquet")
    if fmt != "csv" and bom is not None:
        raise UsageError(f"the byte order mark is a csv choice, not one for {fmt}")
    if only_reviewed and table in ("flags", "decisions", "settings"):
        raise UsageError(f"only reviewed items narrows the items and the summary, not {table}")
    dataset = Dataset.read(run_dir)
    name = table or "items"
    path = out or run_dir / (f"export.{fmt}" if name == "items" else f"export-{name}.{fmt}")
    require_folder_of(path)
    export = {
        "run": run_dir.name, "format": fmt, "only_reviewed": only_reviewed,
        "tool_version": __version__,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    tables = dataset.tables(export, only_reviewed=only_reviewed)
    writers: dict[str, Callable[[Table, Path], None]] = {
        "csv": lambda t, p: _csv(t, p, bom=bom is not False),
        "jsonl": _jsonl,
        "parquet": _parquet,
    }
    if fmt == "xlsx":
        _xlsx([tables[t] for t in TABLES], path)
    else:
        writers[fmt](tables[name], path)
    return path, len(tables[name].rows)
