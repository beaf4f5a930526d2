"""End to end through the command line, replaying real traffic recorded from llama-cpp-python's
server with the embedded Gemma 3 270M GGUF, and with Qwen2.5-Coder-1.5B-Instruct for `read` and
`direct` (see cassettes/README.md to re-record).

Cassettes match on method, path and JSON body, so a changed prompt fails loudly instead of
replaying a stale answer; host and port are not matched, so the server may run anywhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from llmextract.cli import main
from llmextract.models import ArticleRecord, Flag
from llmextract.text.numbers import parse_numbers

from .conftest import SEEDS

SERVER = ["--base-url", "http://127.0.0.1:8080/v1", "--model", "gemma-3-270m-q4_k_m"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_items_point_at_their_quotes(record: ArticleRecord) -> None:
    for item in record.items():
        assert item.span is not None, item
        assert record.text[item.span.start : item.span.end] == item.quote


# The rules settle every number of the seeds; this made-up article keeps one count for the model.
ARTICLE_WITH_A_COUNT_FOR_THE_MODEL = """Relawan Stunting Turun ke Desa

Kegiatan itu melibatkan 85 relawan dari berbagai komunitas.
"""


@pytest.mark.vcr
def test_run_seeds_with_the_default_candidates_strategy(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (folder / "zz_volunteers.txt").write_text(ARTICLE_WITH_A_COUNT_FOR_THE_MODEL, encoding="utf-8")
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["run", str(folder), *SERVER, "--strategy", "candidates", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    records = [ArticleRecord.model_validate(r) for r in read_jsonl(out / "extractions.jsonl")]
    assert len(records) == 6
    for record in records:
        assert_items_point_at_their_quotes(record)
    values = {i.value for r in records for i in r.indicators}
    assert {242, 300, 130, 6160, 292095, 30980} <= values
    assert [r.usage.calls for r in records if r.source_path.endswith("zz_volunteers.txt")] == [1]
    flags = [Flag.model_validate(f) for f in read_jsonl(out / "flags.jsonl")]
    assert any(f.kind == "arithmetic.parts_do_not_sum" for f in flags)
    info = json.loads((out / "run.json").read_text())
    assert info["counts"]["processed"] == 6 and info["strategy"] == "candidates"
    assert "6 articles processed, 0 failed" in result.output


QWEN = ["--base-url", "http://127.0.0.1:8080/v1", "--model", "qwen2.5-coder-1.5b-instruct-q4_k_m"]


def run_qwen_on_seed_000(tmp_path: Path, *flags: str) -> tuple[ArticleRecord, dict[str, Any]]:
    """Seed 000 through the Qwen cassette: the record, whose quotes are in the article and whose
    values are all numbers the parser found, and run.json."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(SEEDS.glob("000_*")), folder)
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", str(folder), *QWEN, *flags, "--out", str(out)])
    assert result.exit_code == 0, result.output
    [record] = [ArticleRecord.model_validate(r) for r in read_jsonl(out / "extractions.jsonl")]
    assert record.usage.completion_tokens > 0
    assert_items_point_at_their_quotes(record)
    assert {242, 300} <= {i.value for i in record.indicators}
    numbers = {m.text for m in parse_numbers(record.text)}
    assert all(i.value_text in numbers for i in [*record.indicators, *record.targets])
    return record, json.loads((out / "run.json").read_text())


@pytest.mark.vcr
def test_the_default_read_strategy_with_the_embedded_instruct_model(tmp_path: Path) -> None:
    """Replayed from the real Qwen2.5-Coder-1.5B-Instruct server: two calls for the seed (its
    numbers, then its programs); every value is the parser's, every quote is in the article."""
    record, info = run_qwen_on_seed_000(tmp_path)
    assert record.strategy == "read" and record.prompt.startswith("read@1#")
    assert record.usage.calls == 2
    assert info["strategy"] == "read" and info["counts"]["processed"] == 1
    assert info["answer_format"] == "schema"


# Short, so that recording it from the 1.5B model on 2 shared cores takes minutes, not a quarter
# of an hour: two counts, a date the parser sets aside, and a program.
ARTICLE_FOR_DIRECT = (
    "Balita Stunting di Lembah Hijau Berkurang\n\n"
    "Dinas Kesehatan Kabupaten Lembah Hijau mencatat 87 balita stunting pada Juni 2025, turun "
    "dari 104 balita pada akhir 2024. Penurunan itu didukung program Gerakan Sayur Keluarga yang "
    "dijalankan kader posyandu sejak 12 Januari 2025.\n"
)


@pytest.mark.vcr
def test_direct_strategy_through_instructor(tmp_path: Path) -> None:
    """Replayed from the real Qwen2.5-Coder-1.5B-Instruct server: one call, asked without a
    grammar (the prompt's answer format ``text``); the model quoted the figures, every value is
    a number the parser found, every quote is in the article."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "lembah_hijau.txt").write_text(ARTICLE_FOR_DIRECT, encoding="utf-8")
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["run", str(folder), *QWEN, "--strategy", "direct", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    [record] = [ArticleRecord.model_validate(r) for r in read_jsonl(out / "extractions.jsonl")]
    assert record.strategy == "direct" and record.prompt.startswith("direct@2#")
    assert record.usage.calls == 1 and record.usage.completion_tokens > 0
    assert_items_point_at_their_quotes(record)
    numbers = {m.text for m in parse_numbers(record.text)}
    assert all(i.value_text in numbers for i in [*record.indicators, *record.targets])
    # What the recorded answer holds: 87 with its sentence; the program's name written as a
    # figure's number, and its sentence holds only a date the parser sets aside: left out, said.
    assert [(i.value, i.year) for i in record.indicators] == [(87, 2025)]
    [problem] = record.problems
    assert problem.startswith("the model's indicator 'Penurunan itu didukung program")
    assert problem.endswith("wrote 'program Gerakan Sayur Keluarga' for the number, and its quote "
                            "holds no number the parser keeps; left out")
    info = json.loads((out / "run.json").read_text())
    assert info["base_url"] == "http://127.0.0.1:8080/v1" and info["mode"] == "markdown_json_mode"
    assert info["answer_format"] == "text"


SEEDS_CASSETTE = str(Path(__file__).resolve().parent.parent / "cassettes"
                     / "test_run_seeds_with_the_default_candidates_strategy.yaml")


def _seed_rows() -> list[dict[str, str]]:
    return [{"kode": f"seed-{n}", "isi": path.read_text("utf-8-sig"),
             "url": f"https://berita.example.id/{n}", "outlet": "Contoh Pos"}
            for n, path in enumerate(sorted(SEEDS.glob("*.txt")))]


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _write_parquet(path: Path, rows: list[dict[str, str]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), path)


@pytest.mark.vcr(SEEDS_CASSETTE)
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_run_a_table_of_articles_with_column_options(tmp_path: Path, fmt: str) -> None:
    """The seeds as rows of a CSV or Parquet file, text and id in columns of other names,
    replayed from the seeds' real recorded traffic (the same texts make the same prompts)."""
    table = tmp_path / f"seeds.{fmt}"
    (_write_csv if fmt == "csv" else _write_parquet)(table, _seed_rows())
    out = tmp_path / "run"
    result = CliRunner().invoke(main, [
        "run", str(table), *SERVER, "--strategy", "candidates", "--out", str(out),
        "--text-column", "isi", "--id-column", "kode"])
    assert result.exit_code == 0, result.output
    records = [ArticleRecord.model_validate(r) for r in read_jsonl(out / "extractions.jsonl")]
    # Records are written as articles finish (concurrently), so compare them as a set.
    assert sorted(r.source_path for r in records) == [f"{table}#seed-{n}" for n in range(5)]
    assert sorted(r.source.url or "" for r in records) == [
        f"https://berita.example.id/{n}" for n in range(5)]
    assert {r.source.outlet for r in records} == {"Contoh Pos"}
    values = {i.value for r in records for i in r.indicators}
    assert {242, 300, 130, 6160, 292095, 30980} <= values
    assert "5 articles processed, 0 failed" in result.output


def test_run_names_a_missing_text_column_and_exits_1(tmp_path: Path) -> None:
    table = tmp_path / "seeds.csv"
    _write_csv(table, _seed_rows())
    result = CliRunner().invoke(main, [
        "run", str(table), *SERVER, "--strategy", "candidates", "--out", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert f'{table}: no "text" column (--text-column); the columns are kode, isi' in result.output
