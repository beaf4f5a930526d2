"""Grounding and source-quality checks: a table of small articles, each with one extracted item,
and the flag kinds it must (and must not) raise."""

from __future__ import annotations

from typing import Any

import pytest

from llmextract.checks import check
from llmextract.models import Extraction, Indicator, Program, Severity, Span, Target

TEXT = (
    "Selasa, 22 Juli 2025 14:05 WIB | Dibaca : 98\n"
    "Berdasarkan data tahun 2024, dari 292.095 keluarga sasaran, sebanyak 30.980 keluarga "
    "(10,6%) masuk kategori berisiko stunting.\n"
    "Jumlah kasus stunting tercatat sekitar 300 kasus pada tahun 2024.\n"
    "BACA JUGA: Tim Tekab 308 Tangkap Dua Pria\n"
    "Kota Kediri menjadi kota terbaik kedua dalam penurunan stunting.\n"
    "Program CSR seperti Satu Telur Satu Minggu (Sate Sami) berjalan.\n"
    "Pemkot menargetkan penurunan stunting 1 sampai 2 persen setiap tahunnya.\n"
    "Rakor digelar pada Selasa (22/07/2025) di Ruang Al Amanah pukul 09.30."
)
MEETING = "Rakor digelar pada Selasa (22/07/2025) di Ruang Al Amanah pukul 09.30."
SENTENCE_2024 = ("Berdasarkan data tahun 2024, dari 292.095 keluarga sasaran, sebanyak 30.980 "
                 "keluarga (10,6%) masuk kategori berisiko stunting.")
SENTENCE_300 = "Jumlah kasus stunting tercatat sekitar 300 kasus pada tahun 2024."
TARGET_SENTENCE = "Pemkot menargetkan penurunan stunting 1 sampai 2 persen setiap tahunnya."


def indicator(value_text: str, value: float | None, quote: str = SENTENCE_2024,
              **extra: Any) -> Indicator:
    return Indicator(name="keluarga berisiko stunting", value=value, value_text=value_text,
                     quote=quote, **extra)


def kinds(*items: Indicator | Target | Program, text: str = TEXT) -> set[str]:
    extraction = Extraction(
        indicators=[i for i in items if isinstance(i, Indicator)],
        targets=[i for i in items if isinstance(i, Target)],
        programs=[i for i in items if isinstance(i, Program)])
    return {f.kind for f in check(text, extraction)
            if f.severity in (Severity.error, Severity.warning)}


CASES = [
    ("grounded-count", indicator("30.980", 30980, unit="keluarga"), set()),
    ("grounded-percent", indicator("10,6%", 10.6, unit="persen"), set()),
    ("hedged-and-marked", indicator("300", 300, SENTENCE_300, approximate=True), set()),
    ("value-text-is-no-number", indicator("berisiko stunting", 30980),
     {"grounding.value_unreadable"}),
    ("value-text-absent", indicator("30.981", 30981), {"grounding.value_not_found"}),
    ("value-text-normalized-by-the-model", indicator("30980", 30980),
     {"grounding.value_not_verbatim"}),
    ("percent-written-another-way", indicator("10,6 persen", 10.6, unit="persen"),
     {"grounding.value_not_verbatim"}),
    ("value-does-not-match-text", indicator("30.980", 3098), {"grounding.value_mismatch"}),
    ("english-reading-of-dotted-number", indicator("30.980", 30.98), {"grounding.value_mismatch"}),
    ("value-empty", indicator("30.980", None), {"grounding.value_mismatch"}),
    ("value-in-another-sentence", indicator("300", 300, SENTENCE_2024, approximate=True),
     {"grounding.value_not_in_quote"}),
    ("quote-with-a-typo", indicator("30.980", 30980, SENTENCE_2024.replace("sasaran", "sasarn")),
     {"grounding.quote_fuzzy"}),
    ("quote-invented", indicator("30.980", 30980, "Angka stunting naik tajam di seluruh kota."),
     {"grounding.quote_not_found"}),
    ("hedge-ignored", indicator("300", 300, SENTENCE_300), {"grounding.hedge_ignored"}),
    ("percent-unit-on-count", indicator("30.980", 30980, unit="persen"),
     {"grounding.unit_mismatch", "plausibility.share_over_100"}),
    ("count-unit-on-percent", indicator("10,6%", 10.6, unit="keluarga"),
     {"grounding.unit_mismatch"}),
    ("view-counter", indicator("98", 98, "Selasa, 22 Juli 2025 14:05 WIB | Dibaca : 98"),
     {"source.boilerplate"}),
    ("minutes-of-a-timestamp-line", indicator("05", 5, "Selasa, 22 Juli 2025 14:05 WIB"),
     {"source.date_as_quantity", "source.boilerplate"}),
    ("day-of-a-date", indicator("22", 22, MEETING), {"source.date_as_quantity"}),
    ("month-of-a-date", indicator("07", 7, MEETING), {"source.date_as_quantity"}),
    ("hour-of-a-dotted-time-is-no-whole-number", indicator("09", 9, MEETING),
     {"grounding.value_not_found"}),
    ("related-link", indicator("308", 308, "BACA JUGA: Tim Tekab 308 Tangkap Dua Pria"),
     {"source.boilerplate"}),
    ("ordinal-rank", indicator("kedua", 2, "Kota Kediri menjadi kota terbaik kedua dalam "
                                           "penurunan stunting."),
     {"source.ordinal_as_quantity"}),
    ("year-as-count", indicator("2024", 2024), {"plausibility.year_as_count"}),
]


@pytest.mark.parametrize(("item", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_item_flags(item: Indicator, expected: set[str]) -> None:
    assert kinds(item) == expected


def test_program_name_is_not_a_quantity() -> None:
    program = Program(name="Satu Telur Satu Minggu (Sate Sami)",
                      quote="Program CSR seperti Satu Telur Satu Minggu (Sate Sami) berjalan.")
    one = indicator("Satu", 1, "Program CSR seperti Satu Telur Satu Minggu (Sate Sami) berjalan.")
    assert kinds(program, one) == {"source.program_name"}


@pytest.mark.parametrize(
    ("value", "value_max", "expected"),
    [
        pytest.param(1, 2, set(), id="range-read-right"),
        pytest.param(1, None, {"grounding.value_mismatch"}, id="upper-bound-lost"),
        pytest.param(1, 3, {"grounding.value_mismatch"}, id="upper-bound-wrong"),
        pytest.param(2, 1, {"grounding.value_mismatch", "arithmetic.range_unordered"},
                     id="range-backwards"),
    ],
)
def test_target_range(value: float, value_max: float | None, expected: set[str]) -> None:
    target = Target(indicator="penurunan stunting", value=value, value_max=value_max,
                    value_text="1 sampai 2 persen", unit="persen", kind="per_year",
                    quote=TARGET_SENTENCE)
    assert kinds(target) == expected


def test_recorded_span_is_checked() -> None:
    start = TEXT.index(SENTENCE_300)
    right = indicator("300", 300, SENTENCE_300, approximate=True,
                      span=Span(start=start, end=start + len(SENTENCE_300)))
    wrong = indicator("300", 300, SENTENCE_300, approximate=True, span=Span(start=0, end=10))
    assert kinds(right) == set()
    assert kinds(wrong) == {"grounding.span_mismatch"}


def test_flag_names_item_field_and_spans() -> None:
    item = indicator("30.981", 30981, id="I1")
    [flag] = [f for f in check(TEXT, Extraction(indicators=[item]), article_id="a1")
              if f.kind == "grounding.value_not_found"]
    assert (flag.article_id, flag.item_id, flag.field) == ("a1", "I1", "indicators[0].value_text")
    assert flag.severity is Severity.error
    assert "30.981" in flag.message and flag.message.endswith(".")
    start = TEXT.index(SENTENCE_2024)
    assert flag.spans == [Span(start=start, end=start + len(SENTENCE_2024))]


def test_zero_target_in_percent_is_not_a_unit_mismatch() -> None:
    text = "Pemkot menargetkan zero stunting pada tahun 2026."
    target = Target(indicator="prevalensi stunting", value=0, value_text="zero stunting",
                    unit="persen", deadline_year=2026, quote=text)
    assert kinds(target, text=text) == set()



@pytest.mark.parametrize(("text", "flagged"), [
    pytest.param("Pemkab mewajibkan setiap desa mengalokasikan minimal 8 persen Dana Desa.",
                 False, id="a-rule's-bound"),
    pytest.param("Tercatat minimal 8 persen balita di desa itu stunting.", True,
                 id="a-hedged-measurement"),
    pytest.param("Minimal 8 persen Dana Desa kita minta untuk gizi.", False,
                 id="the-floor-of-an-allotment"),
    pytest.param("Paling sedikit 8 persen desa wajib ikut posyandu keliling.", False,
                 id="a-rule-word-after-the-bound"),
])
def test_a_rule_bound_is_not_a_hedge(text: str, flagged: bool) -> None:
    item = Indicator(name="porsi", value=8, value_text="8 persen", unit="persen", quote=text)
    kinds = [f.kind for f in check(text, Extraction(indicators=[item]))]
    assert ("grounding.hedge_ignored" in kinds) is flagged


HALF = "Ada 320 balita stunting. Kami ingin angka itu turun separuhnya dalam dua tahun."


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param(50, [], id="by-half-is-50-percent"),
    pytest.param(25, ["The value 25 does not match its text 'separuhnya', which reads as 50."],
                 id="by-half-is-not-25"),
])
def test_a_share_written_as_a_word_is_grounded(value: float, expected: list[str]) -> None:
    target = Target(indicator="balita stunting", value=value, value_text="separuhnya",
                    kind="reduce_by", quote=HALF.split(". ")[1])
    flags = [f.message for f in check(HALF, Extraction(targets=[target]))
             if f.kind.startswith("grounding.")]
    assert flags == expected
