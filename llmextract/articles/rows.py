"""Files of many articles, one a row: JSONL, CSV and Parquet, read a row (or a small batch) at a
time so that a file of any size starts yielding articles at once in bounded memory.

Every row goes through ``row_article``: the text column (``--text-column``, default ``text``),
the id column (``--id-column``, default ``id`` when there is one, else the row number), and every
other column kept in the record's ``source`` (``url``, ``title``, ``date``, ``region``,
``outlet`` by name, the rest in ``source.extra``). A bad row is one error naming the file, the
row and the reason; the rows after it are read.

CSV is read with the standard library's reader, not pyarrow's: pyarrow's block reader fails
the whole rest of the file on a row larger than its block, and infers types (an id ``0012``
becomes 12); the standard reader keeps every value as written and streams a row at a time.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from llmextract.articles.base import (
    DEFAULT_ID_COLUMN,
    Article,
    InputOptions,
    article_id,
    html_to_text,
    looks_like_html,
    name_note,
    shown,
    too_long,
)
from llmextract.errors import ArticleError
from llmextract.models import Source

KNOWN = ("url", "title", "date", "region", "outlet")
CSV_DELIMITERS = ",;\t|"
PARQUET_BATCH_ROWS = 64  # rows decoded at a time: 64 articles at the cap stay a few MB
PARQUET_BUFFER_BYTES = 1 << 20


def as_text(value: Any) -> str | None:
    """A field's value as the text the record keeps (None for an empty or missing one)."""
    if value is None or isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def _id_column(options: InputOptions) -> str:
    return options.id_column or DEFAULT_ID_COLUMN


def row_article(values: Mapping[str, Any], file: Path, name: str, row: int,
                options: InputOptions) -> Article:
    """One row as an article; raises ``ArticleError`` naming ``file:row``."""
    where = f"{shown(file)}:{row}"
    body = values.get(options.text_column)
    if not isinstance(body, str) or not body.strip():
        raise ArticleError(where, f'no text in the "{options.text_column}" field')
    key = as_text(values.get(_id_column(options)))
    if key is None and options.id_column:
        raise ArticleError(where, f'no id in the "{options.id_column}" field')
    if looks_like_html(body):
        body = html_to_text(body, where)
        if not body.strip():
            raise ArticleError(where, f'the "{options.text_column}" field is HTML with no text')
    refusal = too_long(body, options)
    if refusal:
        raise ArticleError(where, refusal)
    label = key or str(row)
    taken = {options.text_column, _id_column(options)}
    known = {k: as_text(values.get(k)) for k in KNOWN if k not in taken}
    extra = {str(k): text for k, v in values.items()
             if k not in taken and k not in KNOWN and (text := as_text(v)) is not None}
    source = Source(id=key, extra=extra, **known)
    return Article(article_id(body, f"{name}#{label}"), f"{shown(file)}#{label}", body,
                   source=source, notes=name_note(file))


def _rows(file: Path, name: str, numbered: Iterator[tuple[int, Mapping[str, Any] | ArticleError]],
          options: InputOptions) -> Iterator[Article | ArticleError]:
    for row, values in numbered:
        if isinstance(values, ArticleError):
            yield values
            continue
        try:
            yield row_article(values, file, name, row, options)
        except ArticleError as exc:
            yield exc


def _skip_rest_of_line(fh: IO[Any], block: int) -> None:
    while True:
        chunk = fh.readline(block)
        if not chunk or chunk.endswith(b"\n" if isinstance(chunk, bytes) else "\n"):
            return


def _over(where: str, options: InputOptions) -> ArticleError:
    return ArticleError(
        where,
        f"longer than {options.row_bytes:,} bytes, more than an article of at most "
        f"{options.max_chars:,} characters can take; split it, or raise the cap with --max-chars",
    )


def _jsonl_values(file: Path, options: InputOptions
                  ) -> Iterator[tuple[int, Mapping[str, Any] | ArticleError]]:
    with file.open("rb") as fh:
        line_no = 0
        while line := fh.readline(options.row_bytes + 1):
            line_no += 1
            where = f"{shown(file)}:{line_no}"
            if len(line) > options.row_bytes:
                _skip_rest_of_line(fh, options.row_bytes)
                yield line_no, _over(where, options)
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line.decode("utf-8-sig" if line_no == 1 else "utf-8"))
            except UnicodeDecodeError as exc:
                yield line_no, ArticleError(where, f"not UTF-8 (byte 0x{line[exc.start]:02x})")
                continue
            except json.JSONDecodeError as exc:
                yield line_no, ArticleError(where, f"invalid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                yield line_no, ArticleError(where, "not a JSON object")
                continue
            yield line_no, obj


class _LineTooLong(Exception):
    pass


class _CappedLines:
    """The lines of a text file, each at most ``limit`` characters: a longer one is skipped and
    raises ``_LineTooLong`` (the csv reader passes it on and resumes with the next line), so no
    line is ever held whole."""

    def __init__(self, fh: IO[str], limit: int) -> None:
        self.fh, self.limit = fh, limit

    def __iter__(self) -> _CappedLines:
        return self

    def __next__(self) -> str:
        line = self.fh.readline(self.limit + 1)
        if not line:
            raise StopIteration
        if len(line) > self.limit:
            _skip_rest_of_line(self.fh, self.limit)
            raise _LineTooLong
        return line


def _csv_values(file: Path, options: InputOptions
                ) -> Iterator[tuple[int, Mapping[str, Any] | ArticleError]]:
    with file.open(encoding="utf-8-sig", newline="") as fh:
        lines = _CappedLines(fh, options.row_bytes)
        first = fh.readline(options.row_bytes + 1)
        # The delimiter is read from the header line alone: article text would fool a sniffer,
        # and spreadsheets in Indonesian locales write ';'.
        delimiter = max(CSV_DELIMITERS, key=first.count)
        reader = csv.reader([first], delimiter=delimiter)
        header = next(reader, [])
        _require_columns(file, header, options)
        reader = csv.reader(lines, delimiter=delimiter)
        row = 1
        while True:
            row += 1
            old = csv.field_size_limit(options.row_bytes)
            try:
                fields = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise ArticleError(f"{shown(file)}:{row}", f"not UTF-8 (byte "
                                   f"0x{exc.object[exc.start]:02x}) at about this row, the rows "
                                   "before it were read; re-save it as UTF-8") from None
            except (_LineTooLong, csv.Error) as exc:
                yield row, (_over(f"{shown(file)}:{row}", options) if isinstance(exc, _LineTooLong)
                            or "field limit" in str(exc)
                            else ArticleError(f"{shown(file)}:{row}", f"bad CSV ({exc})"))
                continue
            finally:
                csv.field_size_limit(old)
            if not any(f.strip() for f in fields):
                continue
            if len(fields) > len(header):
                yield row, ArticleError(f"{shown(file)}:{row}",
                                        f"{len(fields)} fields, the header names {len(header)}")
                continue
            yield row, dict(zip(header, fields, strict=False))


def _require_columns(file: Path, columns: list[str], options: InputOptions) -> None:
    for column in (options.text_column, options.id_column):
        if column and column not in columns:
            flag = "--text-column" if column == options.text_column else "--id-column"
            raise ArticleError(shown(file), f'no "{column}" column ({flag}); the columns are '
                                            + ", ".join(columns))


def _parquet_values(file: Path, options: InputOptions
                    ) -> Iterator[tuple[int, Mapping[str, Any] | ArticleError]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ArticleError(shown(file), "reading Parquet needs pyarrow: pip install "
                                        "'pyarrow>=15'") from None
    try:
        # Buffered column reads, no read-ahead and one thread: a row group is decoded a page at
        # a time (bench/bench_inputs.py: 218 MB peak for 100,000 articles without, 110 with).
        parquet = pq.ParquetFile(file, buffer_size=PARQUET_BUFFER_BYTES, pre_buffer=False)
    except Exception as exc:  # pyarrow raises its own error types for a file it cannot read
        raise ArticleError(shown(file), f"not a Parquet file pyarrow can read ({exc})") from None
    _require_columns(file, list(parquet.schema_arrow.names), options)
    row = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, use_threads=False):
            for values in batch.to_pylist():
                row += 1
                yield row, values
    except OSError as exc:
        raise ArticleError(shown(file), f"unreadable after row {row} ({exc})") from None


READERS = {".jsonl": _jsonl_values, ".csv": _csv_values, ".parquet": _parquet_values}


def read_rows(file: Path, name: str, options: InputOptions) -> Iterator[Article | ArticleError]:
    """The articles of one JSONL, CSV or Parquet file, and an error per row (or for the file)
    that cannot be one."""
    values = READERS[file.suffix.lower()]
    any_row = False
    try:
        for item in _rows(file, name, values(file, options), options):
            any_row = True
            yield item
    except ArticleError as exc:
        yield exc
        return
    except UnicodeDecodeError as exc:
        yield ArticleError(shown(file), f"not UTF-8 (byte 0x{exc.object[exc.start]:02x}); "
                                        "re-save it as UTF-8")
        return
    except OSError as exc:
        yield ArticleError(shown(file), f"cannot read ({exc.strerror})")
        return
    if not any_row:
        yield ArticleError(shown(file), "empty file")
