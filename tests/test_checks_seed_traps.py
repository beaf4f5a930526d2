"""The traps of the five seed articles, each read the right way: a table of (article, written
form) with what the parser and the line classifier must make of it."""

from __future__ import annotations

import pytest

from llmextract.text.clean import clean_text
from llmextract.text.numbers import NumberMention, parse_numbers
from llmextract.vocabulary import boilerplate_category

from .conftest import SEEDS

A000, A001, A002, A003, A004 = ("000_739030ce90c421ba.txt", "001_dd272f500414eeb6.txt",
                                "002_5c464350f2d39dea.txt", "003_4f1e9bc182b01f24.txt",
                                "004_9148d04e205f2db9.txt")


def raw(name: str) -> str:
    return (SEEDS / name).read_text("utf-8")


def mention(name: str, written: str) -> NumberMention:
    found = [m for m in parse_numbers(raw(name)) if m.text == written]
    assert found, f"{written!r} not read in {name}"
    return found[0]


@pytest.mark.parametrize(
    ("name", "written", "kind", "value", "ambiguous"),
    [
        pytest.param(A002, "1.725", "quantity", 1725, True, id="002-1.725-ambiguous-read-1725"),
        pytest.param(A002, "6.160", "quantity", 6160, True, id="002-6.160-total"),
        pytest.param(A002, "14 persen", "percent", 14, False, id="002-14-persen-this-year"),
        pytest.param(A002, "zero stunting", "zero_target", 0, False, id="002-zero-stunting"),
        pytest.param(A002, "nol stunting", "zero_target", 0, False, id="002-nol-stunting"),
        pytest.param(A002, "Semester I Tahun 2025", "period", None, False, id="002-semester"),
        pytest.param(A002, "29/07/2025", "date", None, False, id="002-date-in-brackets"),
        pytest.param(A002, "Juli 2025", "date", None, False, id="002-month-year"),
        pytest.param(A004, "292.095", "quantity", 292095, True, id="004-whole"),
        pytest.param(A004, "30.980", "quantity", 30980, True, id="004-part"),
        pytest.param(A004, "10,6%", "percent", 10.6, False, id="004-share"),
        pytest.param(A004, "14:05 WIB", "time", None, False, id="004-timestamp"),
        pytest.param(A004, "98", "quantity", 98, False, id="004-view-count-is-a-number"),
        pytest.param(A004, "Selasa, 22 Juli 2025", "date", None, False, id="004-dateline"),
        pytest.param(A004, "30.000", "quantity", 30000, False, id="004-round-thousands"),
        pytest.param(A003, "23/4/2024", "date", None, False, id="003-date"),
        pytest.param(A003, "kedua", "ordinal", 2, False, id="003-second-best-city"),
        pytest.param(A003, "14 persen", "percent", 14, False, id="003-national-target"),
        pytest.param(A003, "Februari 2024", "date", None, False, id="003-month-year"),
        pytest.param(A001, "Kamis 5 Desember 2024", "date", None, False, id="001-meeting-date"),
        pytest.param(A000, "1 sampai 2 persen", "range", 1, False, id="000-range-target"),
        pytest.param(A000, "308", "quantity", 308, False, id="000-police-team-number"),
    ],
)
def test_seed_numbers(name: str, written: str, kind: str, value: float | None,
                      ambiguous: bool) -> None:
    found = mention(name, written)
    assert (found.kind, found.value, found.ambiguous) == (kind, value, ambiguous)


def test_hedges_of_the_seeds() -> None:
    assert mention(A000, "300").hedge == "mencapai sekitar"
    assert mention(A004, "30.000").hedge == "lebih dari"
    assert mention(A000, "1 sampai 2 persen").hedge == "minimal"


def test_copyright_year_is_a_year() -> None:
    years = [m for m in parse_numbers(raw(A003)) if m.text == "2025"]
    assert years and all(m.kind == "year" for m in years)


@pytest.mark.parametrize(
    ("name", "line_start", "category"),
    [
        pytest.param(A000, "BACA JUGA:Diduga Penggelapan", "related_link", id="000-related-link"),
        pytest.param(A000, "Wakil Walikota Metro M. Rafieq", "caption", id="000-photo-caption"),
        pytest.param(A001, "Foto : Sekda Kota Metro", "caption", id="001-photo-caption"),
        pytest.param(A003, "Penulis: Didik Mashudi", "byline", id="003-byline"),
        pytest.param(A003, "    © 2025 TRIBUNnews.com", "copyright", id="003-copyright"),
        pytest.param(A004, "Selasa, 22 Juli 2025 14:05 WIB", "timestamp+view_counter",
                     id="004-timestamp-and-view-counter"),
        pytest.param(A002, "Berdasarkan data pendampingan", None, id="002-prose"),
    ],
)
def test_seed_lines(name: str, line_start: str, category: str | None) -> None:
    [line] = [ln for ln in raw(name).split("\n") if ln.startswith(line_start)]
    assert boilerplate_category(line) == category


def test_cleaning_keeps_the_boilerplate_the_checks_must_catch() -> None:
    """The related-link line goes with cleaning; the view counter stays and is flagged instead."""
    assert "Tekab 308" not in clean_text(raw(A000)).text
    assert "Dibaca : 98" in clean_text(raw(A004)).text
