"""JSONL, CSV and Parquet inputs: the text and id columns, metadata kept, bad rows named one by
one, every row read lazily and within the size cap."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llmextract.articles import Article, InputOptions, article_id, read_file, read_inputs
from llmextract.errors import ArticleError

from .conftest import FIXTURES

TEXT = "Kasus stunting di Kota Metro tercatat 242 kasus pada 2025."
ROWS = [
    {"key": "m-1", "body": TEXT, "url": "https://example.id/a", "title": "Stunting Metro",
     "date": "2025-07-29", "region": "Kota Metro", "outlet": "Metro Pos", "penulis": "Sari"},
    {"key": "m-2", "body": "Prevalensi stunting Kota Bogor 10,6% pada 2024.", "url": None,
     "title": None, "date": None, "region": None, "outlet": None, "penulis": None},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def write_csv(path: Path, rows: list[dict], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_parquet(path: Path, rows: list[dict]) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}
OPTIONS = InputOptions(text_column="body", id_column="key")


def read(path: Path, options: InputOptions = OPTIONS) -> list[Article | ArticleError]:
    return list(read_file(path, options))


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_columns_pick_text_and_id_and_every_other_column_is_kept(tmp_path: Path, fmt: str) -> None:
    path = WRITERS[fmt](tmp_path / f"news.{fmt}", ROWS)
    first, second = read(path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.text == TEXT
    assert first.source_path == f"{path}#m-1"
    assert first.id == article_id(TEXT, f"news.{fmt}#m-1")
    assert first.source.model_dump() == {
        "id": "m-1", "url": "https://example.id/a", "title": "Stunting Metro",
        "date": "2025-07-29", "region": "Kota Metro", "outlet": "Metro Pos",
        "extra": {"penulis": "Sari"}}
    assert second.source.url is None and second.source.extra == {}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_missing_text_column_is_one_error_naming_the_columns(tmp_path: Path, fmt: str) -> None:
    path = WRITERS[fmt](tmp_path / f"news.{fmt}", ROWS)
    got = read(path, InputOptions(text_column="isi"))
    assert all(isinstance(g, ArticleError) for g in got)
    message = str(got[0])
    assert message.startswith(str(path))
    assert '"isi"' in message
    if fmt != "jsonl":  # a JSONL file has no header: each line says what it lacks
        assert len(got) == 1 and "body" in message and "--text-column" in message


def test_without_an_id_column_rows_are_numbered(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "news.csv", [{"text": TEXT}, {"text": TEXT}])
    first, second = read(path, InputOptions())
    assert isinstance(first, Article) and isinstance(second, Article)
    # Spreadsheet rows: the header is row 1. The same text twice is two articles.
    assert [first.source_path, second.source_path] == [f"{path}#2", f"{path}#3"]
    assert first.id != second.id


def test_jsonl_reads_good_lines_and_names_bad_ones() -> None:
    got = read(FIXTURES / "articles" / "two.jsonl", InputOptions())
    path = FIXTURES / "articles" / "two.jsonl"
    assert [g.source_path for g in got if isinstance(g, Article)] == [f"{path}#a1"]
    assert [str(g).split(": ")[0] for g in got if isinstance(g, ArticleError)] == [
        f"{path}:2", f"{path}:3"]


def test_jsonl_fields_title_date_url_region_are_carried(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "news.jsonl", [
        {"id": 7, "text": TEXT, "title": "Judul", "date": "2025-01-02", "url": "https://x.id/7",
         "region": "Kota Metro", "tags": ["gizi", "balita"], "views": 1200}])
    [article] = read(path, InputOptions())
    assert isinstance(article, Article)
    assert article.source.id == "7" and article.source_path == f"{path}#7"
    assert (article.source.title, article.source.date, article.source.url,
            article.source.region) == ("Judul", "2025-01-02", "https://x.id/7", "Kota Metro")
    assert article.source.extra == {"tags": '["gizi", "balita"]', "views": "1200"}


def test_csv_with_semicolons_and_text_over_several_lines(tmp_path: Path) -> None:
    body = "Baris satu dengan 242 kasus.\nBaris dua; dengan titik koma."
    path = write_csv(tmp_path / "excel.csv", [{"key": "a", "body": body, "title": "T"}], ";")
    [article] = read(path)
    assert isinstance(article, Article)
    assert article.text == body and article.source.title == "T"


def test_an_explicit_id_column_that_a_row_lacks_fails_that_row(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "news.jsonl", [{"key": "a", "body": TEXT}, {"body": TEXT}])
    ok, bad = read(path)
    assert isinstance(ok, Article) and isinstance(bad, ArticleError)
    assert str(bad) == f'{path}:2: no id in the "key" field'


def test_the_same_row_twice_is_reported_not_silently_merged(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "news.jsonl", [{"id": "a", "text": TEXT}] * 2)
    got = list(read_inputs(path))
    assert isinstance(got[0], Article) and isinstance(got[1], ArticleError)
    assert "the same text under the same name" in str(got[1])


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_row_over_the_cap_fails_alone_and_the_next_rows_are_read(
    tmp_path: Path, fmt: str
) -> None:
    options = InputOptions(text_column="body", id_column="key", max_chars=100)
    rows = [{"key": "a", "body": TEXT}, {"key": "big", "body": "x" * (options.row_bytes + 10)},
            {"key": "long", "body": "kata " * 30}, {"key": "b", "body": TEXT}]
    path = WRITERS[fmt](tmp_path / f"news.{fmt}", rows)
    got = read(path, options)
    assert [g.source_path for g in got if isinstance(g, Article)] == [f"{path}#a", f"{path}#b"]
    big, long = [str(g) for g in got if isinstance(g, ArticleError)]
    line = 2 if fmt == "jsonl" else 3  # a CSV's header is its row 1
    assert big.startswith(f"{path}:{line}: longer than") and "--max-chars" in big
    assert long.startswith(f"{path}:{line + 1}: 150 characters, over the cap of 100")


def test_html_in_a_text_field_loses_its_scripts(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "news.jsonl", [
        {"id": "h", "text": "<p>Kasus stunting 242 kasus.</p><script>var n = 999;</script>"}])
    [article] = read(path, InputOptions())
    assert isinstance(article, Article)
    assert article.text == "Kasus stunting 242 kasus."


def test_parquet_dates_and_numbers_become_text(tmp_path: Path) -> None:
    import datetime

    path = write_parquet(tmp_path / "news.parquet", [
        {"text": TEXT, "date": datetime.date(2025, 7, 29), "views": 3, "score": float("nan")}])
    [article] = read(path, InputOptions())
    assert isinstance(article, Article)
    assert article.source.date == "2025-07-29"
    assert article.source.extra == {"views": "3"}


def test_not_a_parquet_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really")
    [error] = read(path, InputOptions())
    assert isinstance(error, ArticleError)
    assert str(error).startswith(f"{path}: not a Parquet file")


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_rows_are_yielded_as_they_are_read_not_after_the_whole_file(
    tmp_path: Path, fmt: str
) -> None:
    """The reader hands out the first row before it has read the second: a row appended
    after the first article came out is read too (a reader that loads the file whole misses
    it)."""
    path = WRITERS[fmt](tmp_path / f"news.{fmt}", [{"key": "a", "body": TEXT}])
    stream = read_inputs(path, OPTIONS)
    first = next(stream)
    assert isinstance(first, Article)
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(json.dumps({"key": "b", "body": TEXT}) + "\n" if fmt == "jsonl" else f"b,{TEXT}\n")
    assert [a.source_path for a in stream] == [f"{path}#b"]  # type: ignore[union-attr]


def test_a_csv_that_turns_out_not_utf8_keeps_the_rows_before_and_names_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "news.csv"
    good = "".join(f"{n},{TEXT}\n" for n in range(2000))  # more than one read buffer
    path.write_bytes(f"key,body\n{good}".encode() + b"9999,Caf\xe9 stunting\n")
    got = read(path)
    assert sum(isinstance(g, Article) for g in got) >= 1000
    error = got[-1]
    assert isinstance(error, ArticleError)
    assert str(error).startswith(f"{path}:")
    assert "not UTF-8 (byte 0xe9) at about this row, the rows before it were read" in str(error)
