"""Rows of lists and tables, and the lines that introduce and head them."""

from __future__ import annotations

import pytest

from llmextract.text.layout import TABLE_ROW, header_cell, is_list_row, list_intro, table_header

TABLE = (
    "Berikut prevalensi stunting per kabupaten:\n\n"
    "| Kabupaten/Kota | SKI 2023 | SSGI 2024 |\n|---|:---:|---|\n"
    "| Kabupaten A | 31,2% | 27,5% |\n| Kota B | 22,7% | 18,4% |\n"
)


@pytest.mark.parametrize(("line", "label", "row"), [
    pytest.param("Kecamatan Barat: 231 balita", "Kecamatan Barat", True, id="label-colon"),
    pytest.param("Kabupaten Muna | 29,4% | 30,6%", "Kabupaten Muna", True, id="pipe-row"),
    pytest.param("| Kota B | 22,7% | 18,4% |", "Kota B", True, id="pipe-row-with-outer-pipes"),
    pytest.param("| 3 | Oinlasi | 176 |", "Oinlasi", True, id="numbered-pipe-row"),
    pytest.param("|---|:---:|---|", "---", False, id="markdown-rule-is-no-row"),
    pytest.param("Pada 2024 tercatat 231 balita stunting di kota itu, kata dia.", None, False,
                 id="prose"),
])
def test_rows_and_their_labels(line: str, label: str | None, row: bool) -> None:
    found = TABLE_ROW.match(line)
    assert (found["label"] if found else None) == label
    assert is_list_row(line) is row


def test_a_pipe_tables_rows_share_its_header_and_its_opener() -> None:
    row = TABLE.find("| Kota B")
    header = table_header(TABLE, row)
    assert header is not None
    assert TABLE[header[0]:header[1]] == "| Kabupaten/Kota | SKI 2023 | SSGI 2024 |"
    intro = list_intro(TABLE, row)
    assert intro is not None
    assert TABLE[intro[0]:intro[1]] == "Berikut prevalensi stunting per kabupaten:"


def test_a_line_without_pipes_has_no_table_header() -> None:
    text = "Judul\n\nKecamatan Barat: 231 balita\nKecamatan Timur: 12 balita\n"
    assert table_header(text, text.find("Kecamatan Timur")) is None


NUMBERED_TABLE = (
    "Berikut sebaran balita stunting di dua puskesmas:\n\n"
    "| No | Puskesmas | Balita Stunting |\n|---|---|---|\n"
    "| 1 | Kapan | 212 |\n| 2 | Boking | 137 |\n"
)


def test_a_numbered_tables_rows_are_headed_by_the_cell_after_no() -> None:
    assert header_cell(NUMBERED_TABLE, NUMBERED_TABLE.find("| 2 |")) == "Puskesmas"
    assert header_cell(TABLE, TABLE.find("| Kota B")) == "Kabupaten/Kota"
