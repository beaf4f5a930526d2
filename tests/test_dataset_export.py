"""The exported dataset: one row per kept item, latest decision applied, same columns in every
format; files a colleague opens in a spreadsheet as they were written."""

from __future__ import annotations

import csv
import json
import shutil
import stat
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from llmextract.dataset.decisions import Action
from llmextract.dataset.export import TABLES, export_run, items_table
from llmextract.dataset.reviewed import RunView, build_review
from llmextract.errors import UsageError
from llmextract.models import ArticleRecord
from llmextract.store import EXTRACTIONS, load_flags, load_records

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
ARTICLE_A = "30eb945147d431ed"
WRONG_VALUE, INVENTED, FINE = "Iea03eb26", "I890e473a", "I56e39eed"
# What Excel garbles in a CSV without a byte order mark: curly quotes and the en dash.
QUOTED_TITLE = "“Zero Stunting” 2025 – Kota Contoh"
QUOTED_NOTE = "Kadinkes: “angka 300, bukan 30” – dicek"


@pytest.fixture
def fresh_run(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "run"))


@pytest.fixture
def run_dir(fresh_run: Path) -> Path:
    """The small run with one correction (value 30 -> 300, period 2025 -> 2024) and Indonesian
    quotes in a title and in the reviewer's note."""
    run = fresh_run
    records = load_records(run)
    records[0] = records[0].model_copy(update={"title": QUOTED_TITLE})
    (run / EXTRACTIONS).write_text(
        "".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8"
    )
    store = RunView(run).store
    store.record(
        key=WRONG_VALUE,
        article_id=ARTICLE_A,
        action=Action.correct,
        reviewer="ana",
        item_type="indicator",
        after={
            "id": WRONG_VALUE,
            "name": "kasus stunting",
            "value": 300.0,
            "value_text": "300",
            "unit": "kasus",
            "period": "2024",
            "approximate": True,
            "quote": "=sekitar 300 kasus pada 2024",
        },
        note=QUOTED_NOTE,
        flag_ids=[f.id for f in load_flags(run) if f.item_id == WRONG_VALUE],
    )
    rechecked = RunView(run).review().item(WRONG_VALUE)  # the corrected quote is re-checked
    assert rechecked is not None
    store.record(key=WRONG_VALUE, article_id=ARTICLE_A, action=Action.accept, reviewer="ana",
                 note=QUOTED_NOTE, flag_ids=[f.id for f in rechecked.flags])
    return run


def rows_by_id(run_dir: Path, **kw: Any) -> dict[str, dict[str, Any]]:
    return {r["item_id"]: r for r in items_table(RunView(run_dir).review(), **kw).rows}


def test_statuses_and_decisions_in_rows(run_dir: Path) -> None:
    rows = rows_by_id(run_dir)
    assert rows[WRONG_VALUE]["status"] == "corrected"
    assert (rows[WRONG_VALUE]["value"], rows[WRONG_VALUE]["period"]) == (300.0, "2024")
    assert (rows[WRONG_VALUE]["reviewer"], rows[WRONG_VALUE]["note"]) == ("ana", QUOTED_NOTE)
    assert rows[WRONG_VALUE]["flag_kinds"] == "grounding.quote_fuzzy"  # as corrected
    assert rows[INVENTED]["status"] == "flagged"
    assert rows[FINE]["status"] == "unreviewed"
    assert rows[FINE]["span_start"] == 36 and rows[FINE]["region"] == "Kota Contoh"
    assert len(rows) == 8


def test_a_correction_shows_the_value_before_beside_the_value_after(run_dir: Path) -> None:
    rows = rows_by_id(run_dir)
    corrected = rows[WRONG_VALUE]
    assert (corrected["value_before"], corrected["value"]) == (30.0, 300.0)
    assert (corrected["value_text_before"], corrected["value_text"]) == ("300", "300")
    assert "value: 30.0 → 300.0" in corrected["corrections"]
    assert "period: 2025 → 2024" in corrected["corrections"]
    columns = items_table(RunView(run_dir).review()).names
    assert columns.index("value_before") == columns.index("value") + 1
    assert (rows[FINE]["value_before"], rows[FINE]["corrections"]) == (None, None)


def test_rejected_items_are_left_out(run_dir: Path) -> None:
    RunView(run_dir).store.record(
        key=INVENTED, article_id="b", action=Action.reject, reviewer="ana"
    )
    assert INVENTED not in rows_by_id(run_dir)


def test_only_reviewed_keeps_only_what_a_person_decided(run_dir: Path) -> None:
    assert set(rows_by_id(run_dir, only_reviewed=True)) == {WRONG_VALUE}


def test_a_fresh_run_has_no_reviewed_row_and_no_row_says_ok(fresh_run: Path) -> None:
    assert export_run(fresh_run, "csv", only_reviewed=True)[1] == 0
    statuses = {r["status"] for r in rows_by_id(fresh_run).values()}
    assert statuses == {"unreviewed", "flagged"}


def read_csv(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_xlsx(path: Path, sheet: str = "items") -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def read_parquet(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


READERS = [("csv", read_csv), ("jsonl", read_jsonl), ("xlsx", read_xlsx),
           ("parquet", read_parquet)]


@pytest.mark.parametrize("fmt, read", READERS)
def test_every_format_has_the_same_rows_and_columns(run_dir: Path, fmt: str, read: Any) -> None:
    path, count = export_run(run_dir, fmt)
    assert path == run_dir / f"export.{fmt}"
    rows = read(path)
    assert len(rows) == count == 8
    assert list(rows[0]) == items_table(RunView(run_dir).review()).names
    corrected = next(r for r in rows if r["item_id"] == WRONG_VALUE)
    assert corrected["status"] == "corrected"
    assert corrected["quote"] == "=sekitar 300 kasus pada 2024"  # text, never a formula
    assert corrected["note"] == QUOTED_NOTE
    assert next(r for r in rows if r["article_id"] == ARTICLE_A)["title"] == QUOTED_TITLE


def test_csv_starts_with_a_byte_order_mark_so_spreadsheets_read_utf8(run_dir: Path) -> None:
    """Excel takes a CSV without a BOM for the local code page and shows “ as â€œ."""
    path, _ = export_run(run_dir, "csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfarticle_id,")
    assert QUOTED_TITLE.encode("utf-8") in data
    # What a reader that ignores the mark would show instead: the test would catch it.
    assert QUOTED_TITLE not in data.decode("cp1252", errors="replace")


def test_csv_read_into_a_workbook_and_saved_keeps_the_quotes(
    run_dir: Path, tmp_path: Path
) -> None:
    """The round trip of a spreadsheet user: open the CSV (BOM-aware), save as xlsx, reopen."""
    from openpyxl import Workbook, load_workbook

    path, _ = export_run(run_dir, "csv")
    book = Workbook()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            book.active.append(row)
    book.save(tmp_path / "opened.xlsx")
    cells = {c.value for row in load_workbook(tmp_path / "opened.xlsx").active for c in row}
    assert {QUOTED_TITLE, QUOTED_NOTE} <= cells


def test_csv_without_the_mark_when_asked(run_dir: Path) -> None:
    path, _ = export_run(run_dir, "csv", bom=False)
    assert path.read_bytes().startswith(b"article_id,")


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "parquet"])
def test_exported_files_are_readable_as_the_umask_allows(
    run_dir: Path, umask: Callable[[int], None], fmt: str
) -> None:
    umask(0o022)
    path, _ = export_run(run_dir, fmt)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    umask(0o002)
    path, _ = export_run(run_dir, fmt, run_dir / f"again.{fmt}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    assert sorted(p.name for p in run_dir.glob(".*")) == []  # no temporary file left behind


def test_xlsx_has_every_table_as_a_sheet_with_a_frozen_header(run_dir: Path) -> None:
    from openpyxl import load_workbook

    path, _ = export_run(run_dir, "xlsx")
    book = load_workbook(path)
    assert book.sheetnames == list(TABLES)
    assert set(TABLES) >= {"items", "flags", "decisions", "settings"}
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet["A1"].font.bold
    flags = read_xlsx(path, "flags")
    extraction = [f for f in flags if f["raised_on"] == "extraction"]
    assert sorted(f["flag_id"] for f in extraction) == sorted(f.id for f in load_flags(run_dir))
    on_correction = [(f["item_id"], f["kind"]) for f in flags if f["raised_on"] == "correction"]
    assert on_correction == [(WRONG_VALUE, "grounding.quote_fuzzy")]
    decisions = read_xlsx(path, "decisions")
    assert [(d["key"], d["action"], d["note"]) for d in decisions] == [
        (WRONG_VALUE, "correct", QUOTED_NOTE), (WRONG_VALUE, "accept", QUOTED_NOTE)
    ]
    assert json.loads(decisions[0]["after"])["value"] == 300.0
    settings = {r["setting"]: r["value"] for r in read_xlsx(path, "settings")}
    assert settings["model"] == "fixture" and settings["prompt.name"] == "direct"
    assert settings["export.format"] == "xlsx" and settings["export.only_reviewed"] == "False"


def test_xlsx_cells_are_typed(run_dir: Path) -> None:
    from openpyxl import load_workbook

    path, _ = export_run(run_dir, "xlsx")
    sheet = load_workbook(path)["items"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("item_id")].value: r for r in sheet.iter_rows(min_row=2)}
    corrected = rows[WRONG_VALUE]

    def cell(name: str) -> Any:
        return corrected[header.index(name)]

    assert cell("date").is_date and cell("date").value == datetime(2025, 12, 20)
    assert cell("date").number_format == "yyyy-mm-dd"
    assert cell("decided_at").is_date and isinstance(cell("decided_at").value, datetime)
    assert cell("value").data_type == "n" and cell("value").value == 300.0
    assert cell("value_before").value == 30.0
    assert rows[FINE][header.index("span_start")].value == 36
    assert cell("approximate").data_type == "b" and cell("approximate").value is True
    assert cell("quote").data_type == "s"


def test_parquet_columns_are_typed(run_dir: Path) -> None:
    import pyarrow.parquet as pq

    path, _ = export_run(run_dir, "parquet")
    table = pq.read_table(path)
    assert str(table.schema.field("date").type) == "date32[day]"
    assert str(table.schema.field("decided_at").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("value").type) == "double"
    assert table.to_pylist()[0]["date"] == date(2025, 12, 20)


@pytest.mark.parametrize("fmt, read", READERS)
def test_one_other_table_per_file_in_the_one_table_formats(
    run_dir: Path, fmt: str, read: Any
) -> None:
    if fmt == "xlsx":
        with pytest.raises(UsageError, match="every table as a sheet"):
            export_run(run_dir, fmt, table="flags")
        return
    path, count = export_run(run_dir, fmt, table="flags")
    assert path == run_dir / f"export-flags.{fmt}"
    assert count == len(read(path)) == len(load_flags(run_dir)) + 1  # + the corrected item's


def test_the_format_follows_the_file_name_and_a_contradiction_is_refused(
    run_dir: Path,
) -> None:
    path, _ = export_run(run_dir, out=run_dir / "dataset.xlsx")
    assert path.read_bytes()[:2] == b"PK"  # a zip: xlsx, not csv with an xlsx name
    with pytest.raises(UsageError, match="dataset.xlsx: the file name says xlsx but the format"):
        export_run(run_dir, "csv", run_dir / "dataset.xlsx")
    with pytest.raises(UsageError, match="byte order mark"):
        export_run(run_dir, "parquet", bom=False)
    with pytest.raises(UsageError, match="the table is one of"):
        export_run(run_dir, "csv", table="people")
    with pytest.raises(UsageError, match="not decisions"):
        export_run(run_dir, "csv", table="decisions", only_reviewed=True)


def test_unknown_format(run_dir: Path) -> None:
    with pytest.raises(UsageError, match="csv, xlsx, jsonl, parquet"):
        export_run(run_dir, "docx")


@pytest.mark.parametrize("fmt, module", [("xlsx", "openpyxl"), ("parquet", "pyarrow")])
def test_missing_extra_is_one_clear_error_with_the_readme_install(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(UsageError) as caught:
        export_run(run_dir, fmt, run_dir / f"out.{fmt}")
    assert "pip install '.[export]'" in str(caught.value)
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "pip install '.[export]'" in readme
    assert "llmextract-stunting[" not in str(caught.value)  # the index name: another project
    assert not (run_dir / f"out.{fmt}").exists()


def test_not_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a run folder"):
        export_run(tmp_path, "csv")


class InputSource(BaseModel):
    """The shape of what an input says about its article (its own id, url, outlet, the other
    columns), as the input readers keep it in the record."""

    id: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    extra: dict[str, str] = {}


class RecordWithInput(ArticleRecord):
    source: InputSource = InputSource()
    guessed: dict[str, str] = {}


def test_every_metadata_field_of_the_record_is_a_column_of_its_own(fresh_run: Path) -> None:
    """Nested input metadata is spread (one column per input column), the record's own title
    wins over the input's copy, a clash with an item column is renamed, the rules' other
    readings follow as guessed_<field>."""
    base = load_records(fresh_run)[0]
    data = base.model_dump()
    data.update(
        source={"id": "metro-1", "url": "https://metro.example.id/stunting",
                "title": "other title", "outlet": "Metro Pos",
                "extra": {"penulis": "Sari", "status": "terbit"}},
        guessed={"region": "Kota Contoh Lama"},
    )
    record = RecordWithInput.model_validate(data)
    table = items_table(build_review([record], [], []))
    assert table.names[:12] == [
        "article_id", "source", "title", "region", "date", "language", "source_id", "url",
        "outlet", "penulis", "article_status", "guessed_region"]
    row = table.rows[0]
    assert (row["title"], row["url"], row["outlet"], row["source_id"]) == (
        base.title, "https://metro.example.id/stunting", "Metro Pos", "metro-1")
    assert (row["penulis"], row["article_status"], row["guessed_region"]) == (
        "Sari", "terbit", "Kota Contoh Lama")
    assert row["status"] == "unreviewed"  # the item's status, not the input's column
    assert dict(table.columns)["date"] == "date"  # typed: every value is an ISO date
