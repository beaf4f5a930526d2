"""The exported dataset: one row per kept item, latest decision applied, same columns in every
format."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from llmextract.dataset.decisions import Action
from llmextract.dataset.export import COLUMN_NAMES, export_rows, export_run
from llmextract.dataset.reviewed import RunView
from llmextract.errors import UsageError
from llmextract.store import load_flags

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
ARTICLE_A = "30eb945147d431ed"
WRONG_VALUE, INVENTED, FINE = "Iea03eb26", "I890e473a", "I56e39eed"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    run = Path(shutil.copytree(FIXTURE, tmp_path / "run"))
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
        note="misread",
        flag_ids=[f.id for f in load_flags(run) if f.item_id == WRONG_VALUE],
    )
    rechecked = RunView(run).review().item(WRONG_VALUE)  # the corrected quote is re-checked
    assert rechecked is not None
    store.record(key=WRONG_VALUE, article_id=ARTICLE_A, action=Action.accept, reviewer="ana",
                 note="misread", flag_ids=[f.id for f in rechecked.flags])
    return run


def rows_by_id(run_dir: Path, **kw: Any) -> dict[str, dict[str, Any]]:
    return {r["item_id"]: r for r in export_rows(RunView(run_dir).review(), **kw)}


def test_statuses_and_decisions_in_rows(run_dir: Path) -> None:
    rows = rows_by_id(run_dir)
    assert rows[WRONG_VALUE]["status"] == "corrected"
    assert (rows[WRONG_VALUE]["value"], rows[WRONG_VALUE]["period"]) == (300.0, "2024")
    assert (rows[WRONG_VALUE]["reviewer"], rows[WRONG_VALUE]["note"]) == ("ana", "misread")
    assert rows[WRONG_VALUE]["flag_kinds"] == "grounding.quote_fuzzy"  # as corrected
    assert rows[INVENTED]["status"] == "flagged"
    assert rows[FINE]["status"] == "unreviewed"
    assert rows[FINE]["span_start"] == 36 and rows[FINE]["region"] == "Kota Contoh"
    assert len(rows) == 8


def test_rejected_items_are_left_out(run_dir: Path) -> None:
    RunView(run_dir).store.record(
        key=INVENTED, article_id="b", action=Action.reject, reviewer="ana"
    )
    assert INVENTED not in rows_by_id(run_dir)


def test_only_reviewed_keeps_only_what_a_person_decided(run_dir: Path) -> None:
    rows = rows_by_id(run_dir, only_reviewed=True)
    assert set(rows) == {WRONG_VALUE}
    assert rows[WRONG_VALUE]["status"] == "corrected"


def test_with_no_decisions_no_row_claims_a_check(tmp_path: Path) -> None:
    run = Path(shutil.copytree(FIXTURE, tmp_path / "fresh"))
    rows = export_rows(RunView(run).review())
    assert {r["status"] for r in rows} == {"flagged", "unreviewed"}
    assert export_rows(RunView(run).review(), only_reviewed=True) == []


def read_csv(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_xlsx(path: Path) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def read_parquet(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


@pytest.mark.parametrize(
    "fmt, read",
    [("csv", read_csv), ("jsonl", read_jsonl), ("xlsx", read_xlsx), ("parquet", read_parquet)],
)
def test_every_format_has_the_same_rows_and_columns(run_dir: Path, fmt: str, read: Any) -> None:
    path, count = export_run(run_dir, fmt)
    assert path == run_dir / f"export.{fmt}"
    rows = read(path)
    assert len(rows) == count == 8
    assert list(rows[0]) == COLUMN_NAMES
    corrected = next(r for r in rows if r["item_id"] == WRONG_VALUE)
    assert corrected["status"] == "corrected"
    assert corrected["quote"] == "=sekitar 300 kasus pada 2024"  # text, never a formula


def test_unknown_format(run_dir: Path) -> None:
    with pytest.raises(UsageError, match="csv, xlsx, jsonl, parquet"):
        export_run(run_dir, "docx")


@pytest.mark.parametrize("fmt, module", [("xlsx", "openpyxl"), ("parquet", "pyarrow")])
def test_missing_extra_is_one_clear_error(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(UsageError, match=r"\[export\]"):
        export_run(run_dir, fmt, run_dir / f"out.{fmt}")
    assert not (run_dir / f"out.{fmt}").exists()


def test_not_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a run folder"):
        export_run(tmp_path, "csv")
