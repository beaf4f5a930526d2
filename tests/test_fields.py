"""Fields the rules read from a candidate's sentence, on small made-up texts, one rule each
(the seeds' cases are in test_candidates.py)."""

from __future__ import annotations

import pytest

from llmextract.extract.candidates.fields import Rules, to_indicator, to_target
from llmextract.models import TargetKind
from llmextract.prompts import load_prompt
from llmextract.text.numbers import parse_numbers

from .test_candidates import candidate

RULES = Rules.load(load_prompt("candidates"))

DATELINE = "Judul\n\nRabu, 08 Okt 2025 16:20 WIB\n\n"
# The unit is the counted noun, as long as the vocabulary knows it.
COUNTED_NOUNS = (
    "Judul\n\nSebanyak 1.140 baduta dan 486 ibu hamil menerima makanan, juga 9.400 remaja putri."
)
PERCENT_POINTS = "Judul\n\nPrevalensi stunting turun 4,2 poin persen."
# A year after 'pada' belongs to the value before it, not to the one after.
TWO_MONTHS = (
    "Judul\n\nBalita stunting turun dari 289 balita pada Agustus 2024 menjadi 134 balita pada "
    "Agustus 2025."
)
# A month opening the sentence is the time of all of its values.
OPENING_MONTH = (
    "Judul\n\nHasil penimbangan Juni 2025 menunjukkan 1.962 balita stunting, atau 4,7 persen "
    "dari 41.745 balita."
)
# ... but only in its own sentence: the line before lends a year only when no value claims it.
OPENING_YEAR_ABOVE = (
    "Judul\n\nPada 2022 prevalensi stunting 13,2 persen, lalu 11,5 persen pada 2023.\n\n"
    "Dinkes memberikan makanan tambahan kepada 480 ibu hamil."
)
# A line with figures of its own keeps its year; a line stating only a time lends it.
YEAR_OF_THE_LINE_ABOVE = (
    "Judul\n\nBerdasarkan SSGI 2022, prevalensi stunting 24,1 persen.\n\n"
    "Posyandu melayani 4.500 balita."
)
TIME_OF_THE_LINE_ABOVE = (
    "Judul\n\nPemkot mencatat penurunan stunting pada tahun 2025.\n\nTercatat 242 kasus."
)
# A change spans two periods; a restatement ('atau 4,8 persen') holds when its value does.
CHANGE = "Judul\n\nJumlah balita stunting turun 117 balita dibanding Mei 2024."
RESTATEMENT = (
    "Judul\n\nPemkot mencatat **845 balita stunting** hingga Mei 2025, atau **4,8 persen** "
    "dari balita."
)
# A sentence pointing back, with no time of its own, speaks of the latest time of the one before.
POINTING_BACK = (
    "Judul\n\nPada Mei 2026 tercatat 540 balita stunting, naik dari 498 balita pada Mei 2025.\n\n"
    "Meski jumlahnya naik, prevalensinya 4,1 persen."
)
# A list row's label is who is counted, without its list marker or bold type.
MARKDOWN_ROW = "Judul\n\nSebaran per kecamatan:\n\n- **Kecamatan Utara**: 312 balita (5,6%)"
NATIONAL = "Judul\n\nSebagai perbandingan, prevalensi stunting nasional tercatat 21,5 persen."


@pytest.mark.parametrize(
    "text, value_text, unit",
    [
        (COUNTED_NOUNS, "486", "ibu hamil"),
        (COUNTED_NOUNS, "9.400", "remaja putri"),
        (COUNTED_NOUNS, "1.140", "baduta"),
        (PERCENT_POINTS, "4,2", "poin persen"),
    ],
)
def test_unit_is_the_counted_noun(text: str, value_text: str, unit: str) -> None:
    assert to_indicator(text, candidate(text, value_text), parse_numbers(text), RULES).unit == unit


@pytest.mark.parametrize(
    "text, value_text, period",
    [
        (TWO_MONTHS, "289", "Agustus 2024"),
        (TWO_MONTHS, "134", "Agustus 2025"),
        (OPENING_MONTH, "1.962", "Juni 2025"),
        (OPENING_MONTH, "4,7 persen", "Juni 2025"),
        (OPENING_MONTH, "41.745", "Juni 2025"),
        (OPENING_YEAR_ABOVE, "480", None),
        (CHANGE, "117", None),
        (YEAR_OF_THE_LINE_ABOVE, "4.500", None),
        (TIME_OF_THE_LINE_ABOVE, "242", "2025"),
        (RESTATEMENT, "4,8 persen", "Mei 2025"),
        (POINTING_BACK, "4,1 persen", "Mei 2026"),
    ],
)
def test_period(text: str, value_text: str, period: str | None) -> None:
    assert (
        to_indicator(text, candidate(text, value_text), parse_numbers(text), RULES).period == period
    )


def test_a_list_row_names_who_is_counted() -> None:
    item = to_indicator(
        MARKDOWN_ROW, candidate(MARKDOWN_ROW, "5,6%"), parse_numbers(MARKDOWN_ROW), RULES
    )
    assert (item.name, item.population, item.unit) == (
        "Kecamatan Utara",
        "Kecamatan Utara",
        "persen",
    )


PLACE_ROWS = (
    "Judul\n\nBerikut prevalensi stunting balita per kabupaten (SKI 2023 → SSGI 2024):\n\n"
    "1. Kabupaten A: 31,2 persen → 27,5 persen\n2. Kabupaten B: 26,8 persen → 22,9 persen"
)
# A table with pipes: its header names each column's year, whatever order the opener says.
PIPE_TABLE = (
    "Judul\n\nBerikut prevalensi stunting balita per kabupaten, SSGI 2024 dibandingkan SKI "
    "2023:\n\nKabupaten/Kota | SKI 2023 | SSGI 2024\n|---|---|---|\nKabupaten A | 31,2% | 27,5%\n"
    "Kabupaten B | 26,8% | 22,9%"
)
# One year per column only when the opener names as many years as the row has values.
UNEVEN_COLUMNS = (
    "Judul\n\nPrevalensi stunting per kabupaten, SSGI 2024:\n\n"
    "1. Kabupaten A: 31,2 persen → 27,5 persen"
)


@pytest.mark.parametrize(
    "text, value_text, name, period",
    [
        (PLACE_ROWS, "31,2 persen", "prevalensi stunting Kabupaten A", "2023"),
        (PLACE_ROWS, "27,5 persen", "prevalensi stunting Kabupaten A", "2024"),
        (PLACE_ROWS, "22,9 persen", "prevalensi stunting Kabupaten B", "2024"),
        (PIPE_TABLE, "31,2%", "prevalensi stunting Kabupaten A", "2023"),
        (PIPE_TABLE, "22,9%", "prevalensi stunting Kabupaten B", "2024"),
    ],
)
def test_a_row_naming_a_place_takes_its_openers_measure_and_column_year(
    text: str, value_text: str, name: str, period: str
) -> None:
    item = to_indicator(text, candidate(text, value_text), parse_numbers(text), RULES)
    assert (item.name, item.population, item.period) == (name, "balita", period)


def test_uneven_columns_take_no_year_by_place() -> None:
    first = to_indicator(
        UNEVEN_COLUMNS,
        candidate(UNEVEN_COLUMNS, "31,2 persen"),
        parse_numbers(UNEVEN_COLUMNS),
        RULES,
    )
    assert first.period == "2024"  # the opener's one year, as for any row below a line with a year


def test_a_figure_above_the_region_says_so_in_its_name() -> None:
    item = to_indicator(
        NATIONAL, candidate(NATIONAL, "21,5 persen"), parse_numbers(NATIONAL), RULES
    )
    assert item.name == "prevalensi stunting nasional"


# Kinds and deadlines of targets.
CEILING = "Judul\n\nPemkab menargetkan prevalensi stunting turun di bawah 4 persen pada akhir 2026."
TWO_LEVELS = (
    "Judul\n\nPemkab menargetkan prevalensi stunting turun menjadi 22 persen pada 2026 dan 18 "
    "persen pada 2029."
)
AFTER_A_MEASURE = (
    "Judul\n\nAngka stunting turun dari 31,6 persen, tetapi masih jauh dari target nasional "
    "14 persen pada 2024."
)
NEXT_YEAR_REDUCTION = (
    DATELINE
    + "Tahun depan, Pemkab menargetkan jumlah balita stunting berkurang setidaknya 500 anak."
)
THIS_YEAR_LEVEL = DATELINE + "Pemkab menargetkan angka stunting ditekan hingga 14 persen tahun ini."
EVERY_YEAR_BEFORE = (
    "Judul\n\n\"Kami ingin setiap tahun prevalensi stunting turun minimal 2 persen,\" ujarnya."
)
ZERO_CASES = DATELINE + "Bupati menargetkan nol kasus stunting baru pada 2027."
YEAR_BEFORE_IN_ITS_CLAUSE = (
    DATELINE + "\"Target stunting kami tahun depan di bawah 4 persen,\" kata Bupati."
)


@pytest.mark.parametrize(
    "text, value_text, kind, deadline, unit, indicator",
    [
        (CEILING, "4 persen", TargetKind.level, 2026, "persen", "prevalensi stunting"),
        (TWO_LEVELS, "22 persen", TargetKind.level, 2026, "persen", "prevalensi stunting"),
        (TWO_LEVELS, "18 persen", TargetKind.level, 2029, "persen", "prevalensi stunting"),
        (AFTER_A_MEASURE, "14 persen", TargetKind.level, 2024, "persen", "Angka stunting nasional"),
        (NEXT_YEAR_REDUCTION, "500", TargetKind.reduce_by, 2026, "anak", "balita stunting"),
        (THIS_YEAR_LEVEL, "14 persen", TargetKind.level, 2025, "persen", "angka stunting"),
        (EVERY_YEAR_BEFORE, "2 persen", TargetKind.per_year, None, "persen", "prevalensi stunting"),
        (YEAR_BEFORE_IN_ITS_CLAUSE, "4 persen", TargetKind.level, 2026, "persen", "stunting"),
        (ZERO_CASES, "nol kasus", TargetKind.level, 2027, "kasus", "kasus stunting"),
    ],
)
def test_target_fields(
    text: str, value_text: str, kind: TargetKind, deadline: int, unit: str, indicator: str
) -> None:
    item = to_target(text, candidate(text, value_text), parse_numbers(text), RULES)
    assert (item.kind, item.deadline_year, item.unit, item.indicator) == (
        kind,
        deadline,
        unit,
        indicator,
    )


# ------------------------------------------------------------------ where and when (issue 9, 4)

KECAMATAN_TABLE = ("Judul\n\nSebarannya:\n\nKecamatan | Balita stunting\nLuwuk | 212\n"
                   "Toili | 187\nJumlah | 399")
PROVINCE_FOR_COMPARISON = ("Judul\n\nPada 2024, prevalensi stunting di Kabupaten Muna 29,4 persen, "
                           "di atas rata-rata provinsi 26,1 persen dan angka nasional 19,8 persen.")
A_NAME_WITH_A_SCOPE_WORD = ("Judul\n\nStrategi Nasional Percepatan Penurunan Stunting di Kota "
                            "Kendari didukung anggaran Rp 850 juta dari APBD.")


@pytest.mark.parametrize(
    ("text", "value_text", "place", "scope", "year"),
    [
        pytest.param(KECAMATAN_TABLE, "212", "Kecamatan Luwuk", "local", None,
                     id="a-row-under-a-column-of-places"),
        pytest.param(KECAMATAN_TABLE, "399", None, "local", None, id="the-total-row-has-no-place"),
        pytest.param(PROVINCE_FOR_COMPARISON, "29,4 persen", "Kabupaten Muna", "local", 2024,
                     id="the-place-its-clause-names"),
        pytest.param(PROVINCE_FOR_COMPARISON, "26,1 persen", None, "provincial", 2024,
                     id="a-provincial-comparison"),
        pytest.param(PROVINCE_FOR_COMPARISON, "19,8 persen", None, "national", 2024,
                     id="a-national-comparison"),
        pytest.param(A_NAME_WITH_A_SCOPE_WORD, "Rp 850 juta", "Kota Kendari", "local", None,
                     id="a-scope-word-inside-a-name-is-no-scope"),
    ],
)
def test_place_scope_and_year(text: str, value_text: str, place: str | None, scope: str,
                              year: int | None) -> None:
    item = to_indicator(text, candidate(text, value_text), parse_numbers(text), RULES)
    assert (item.place, item.scope.value, item.year) == (place, scope, year)
