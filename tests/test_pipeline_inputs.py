"""Hostile and rich input through the whole run (a stand-in strategy, no model): each bad input
is one line in errors.jsonl and the others finish; nothing silently disappears from run.json,
``check`` or the export; the input's metadata reaches the record and the exports."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from llmextract.articles import InputOptions
from llmextract.dataset.export import export_run
from llmextract.llm import Endpoint, ModelClient
from llmextract.pipeline import Event, EventKind, run
from llmextract.runs import recheck_run
from llmextract.settings import resolve_settings
from llmextract.store import load_records

from .conftest import SEEDS
from .test_pipeline import FirstNumberStrategy

METRO = "Kasus stunting di Kota Metro tercatat sebanyak 242 kasus pada 2025, kata Kepala Dinas."


@pytest.fixture
def client() -> ModelClient:
    return ModelClient(Endpoint(model="m", base_url="http://127.0.0.1:9/v1"))


def run_folder(folder: Path, out: Path, client: ModelClient,
               inputs: InputOptions | None = None, events: list[Event] | None = None):
    return run(folder, resolve_settings(strategy="direct"), out_dir=out, client=client,
               strategy=FirstNumberStrategy(), inputs=inputs,
               listener=events.append if events is not None else None)


def errors_of(out: Path) -> list[dict[str, str]]:
    path = out / "errors.jsonl"
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]


def counts(out: Path) -> dict[str, object]:
    return json.loads((out / "run.json").read_text("utf-8"))["counts"]


def test_a_file_name_that_is_not_utf8_does_not_abort_the_run(
    tmp_path: Path, client: ModelClient
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/berita-\xff.txt", "wb") as fh:
        fh.write(METRO.encode("utf-8"))
    (folder / "zz.txt").write_text(METRO.replace("Metro", "Bogor"), "utf-8")
    events: list[Event] = []
    result = run_folder(folder, tmp_path / "run", client, events=events)
    assert result.ok
    names = [Path(r.source_path).name for r in load_records(tmp_path / "run")]
    assert names == ["berita-\\xff.txt", "zz.txt"]
    assert counts(tmp_path / "run")["processed"] == 2
    assert any(e.kind is EventKind.note and "not UTF-8" in e.message for e in events)


def test_two_files_with_the_same_text_stay_two_articles_everywhere(
    tmp_path: Path, client: ModelClient
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(METRO if name != "c.txt" else METRO.replace("242", "300"),
                                   "utf-8")
    out = tmp_path / "run"
    result = run_folder(folder, out, client)
    assert result.ok and len({r.id for r in result.records}) == 3
    assert counts(out)["processed"] == 3 and counts(out)["articles"] == 3
    assert len(load_records(out)) == 3
    assert recheck_run(out).articles == 3
    path, rows = export_run(out, "csv")
    assert rows == 2  # the two copies' 242; c.txt has no '242 kasus' for the stand-in
    sources = {line.split(",")[1] for line in path.read_text("utf-8-sig").splitlines()[1:]}
    assert {Path(s).name for s in sources} == {"a.txt", "b.txt"}


def test_an_article_over_the_cap_is_refused_and_the_others_run(
    tmp_path: Path, client: ModelClient
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "huge.txt").write_text(METRO + " lagi" * 400, "utf-8")
    (folder / "ok.txt").write_text(METRO, "utf-8")
    result = run_folder(folder, tmp_path / "run", client, InputOptions(max_chars=1000))
    assert [Path(r.source_path).name for r in result.records] == ["ok.txt"]
    [error] = errors_of(tmp_path / "run")
    assert Path(error["source"]).name == "huge.txt"
    assert "over the cap of 1,000" in error["reason"] and "--max-chars" in error["reason"]
    assert counts(tmp_path / "run")["failed"] == 1


def test_symlink_loops_and_dangling_links_are_in_errors_jsonl(
    tmp_path: Path, client: ModelClient
) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "ok.txt").write_text(METRO, "utf-8")
    (folder / "dangling.txt").symlink_to(folder / "deleted.txt")
    (folder / "sub" / "loop").symlink_to(folder)
    result = run_folder(folder, tmp_path / "run", client)
    assert len(result.records) == 1
    reasons = {Path(e["source"]).name: e["reason"] for e in errors_of(tmp_path / "run")}
    assert set(reasons) == {"dangling.txt", "loop"}
    assert reasons["dangling.txt"].startswith("dangling symlink")
    assert reasons["loop"].startswith("symlink loop")
    assert counts(tmp_path / "run")["failed"] == 2 and counts(tmp_path / "run")["articles"] == 3


def test_an_article_in_another_language_is_marked_and_the_run_goes_on(
    tmp_path: Path, client: ModelClient
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "en.txt").write_text(
        "The prevalence of stunting in Bogor reached 10.6 percent in 2024, down from 12 percent "
        "the year before, the mayor said on Monday. The city aims to reduce it to 5 percent by "
        "2026 and has trained 300 health cadres.", "utf-8")
    (folder / "id.txt").write_text(next(SEEDS.glob("000_*")).read_text("utf-8"), "utf-8")
    events: list[Event] = []
    result = run_folder(folder, tmp_path / "run", client, events=events)
    assert result.ok
    languages = {Path(r.source_path).name: r.language for r in load_records(tmp_path / "run")}
    assert languages == {"en.txt": "other", "id.txt": "id"}
    [note] = [e.message for e in events
              if e.kind is EventKind.note and "does not read" in e.message]
    assert "en.txt" in note


def test_jsonl_metadata_reaches_the_record_and_the_csv_and_xlsx_exports(
    tmp_path: Path, client: ModelClient
) -> None:
    news = tmp_path / "news.jsonl"
    news.write_text(json.dumps({
        "id": "metro-1", "text": METRO, "url": "https://metro.example.id/stunting",
        "title": "Stunting di Metro turun", "date": "29/07/2025", "region": "Kota Metro Raya",
        "outlet": "Metro Pos", "penulis": "Sari"}, ensure_ascii=False) + "\n", "utf-8")
    out = tmp_path / "run"
    assert run_folder(news, out, client).ok
    [record] = load_records(out)
    assert record.source.url == "https://metro.example.id/stunting"
    assert (record.title, record.date, record.region) == (
        "Stunting di Metro turun", "2025-07-29", "Kota Metro Raya")
    assert record.guessed["region"] == "Kota Metro"  # what the text says, kept beside the input's
    assert record.source.date == "29/07/2025"

    csv_path, _ = export_run(out, "csv")
    [row] = list(csv.DictReader(csv_path.read_text("utf-8-sig").splitlines()))
    assert row["url"] == "https://metro.example.id/stunting"
    assert (row["title"], row["date"], row["outlet"]) == (
        "Stunting di Metro turun", "2025-07-29", "Metro Pos")
    assert row["penulis"] == "Sari"

    xlsx_path, _ = export_run(out, "xlsx")
    sheet = load_workbook(xlsx_path, read_only=True).worksheets[0]
    header, values = [list(r) for r in sheet.iter_rows(values_only=True)][:2]
    cell = dict(zip(header, values, strict=False))  # trailing empty cells are not stored
    assert cell["url"] == "https://metro.example.id/stunting"
    assert cell["title"] == "Stunting di Metro turun"
    assert str(cell["date"])[:10] == "2025-07-29"


def test_a_stopped_run_still_counts_the_input_it_did_not_attempt(
    tmp_path: Path, client: ModelClient
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(4):
        (folder / f"{n}.txt").write_text(METRO + f" Nomor {n}." + (" STOP" if n == 1 else ""),
                                         "utf-8")
    (folder / "9.txt").write_text("", "utf-8")
    result = run(folder, resolve_settings(strategy="direct"), out_dir=tmp_path / "run",
                 client=client, strategy=FirstNumberStrategy(fail_on="STOP"))
    assert result.stopped_by and result.skipped == 3
    c = counts(tmp_path / "run")
    assert (c["articles"], c["processed"], c["not_attempted"], c["failed"]) == (5, 1, 3, 1)
