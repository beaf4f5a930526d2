"""Arithmetic, trend and plausibility checks: small articles with the numbers that must agree."""

from __future__ import annotations

import pytest

from llmextract.checks import check
from llmextract.models import Extraction, Indicator, Severity, Target, assign_item_ids

BREAKDOWN = (
    "Hingga Juli 2025, sebanyak 6.160 sasaran telah didampingi, dengan 1.725 di antaranya "
    "berisiko stunting.\n"
    "Catin: 99 didampingi, 44 berisiko\n"
    "Bumil: 1.022 didampingi, 542 berisiko\n"
    "Bufas: 560 didampingi, 241 berisiko\n"
    "Balita: 2.756 didampingi, 898 berisiko."
)
TOTAL_QUOTE = ("Hingga Juli 2025, sebanyak 6.160 sasaran telah didampingi, dengan 1.725 di "
               "antaranya berisiko stunting.")
ROWS = {"catin": "Catin: 99 didampingi, 44 berisiko",
        "bumil": "Bumil: 1.022 didampingi, 542 berisiko",
        "bufas": "Bufas: 560 didampingi, 241 berisiko",
        "balita": "Balita: 2.756 didampingi, 898 berisiko."}


def serious_kinds(text: str, extraction: Extraction, date: str | None = None) -> list[str]:
    return sorted(f.kind for f in check(text, extraction, date=date)
                  if f.severity in (Severity.error, Severity.warning))


def breakdown(measure: str, total: tuple[str, float], parts: dict[str, tuple[str, float]],
              ) -> Extraction:
    items = [Indicator(name=f"sasaran {measure}", value=total[1], value_text=total[0],
                       population="catin, bumil, bufas, balita", period="Juli 2025",
                       quote=TOTAL_QUOTE)]
    items += [Indicator(name=f"{who} {measure}", value=value, value_text=written, population=who,
                        period="Juli 2025", quote=ROWS[who])
              for who, (written, value) in parts.items()]
    return Extraction(indicators=items)


AT_RISK = {"catin": ("44", 44), "bumil": ("542", 542), "bufas": ("241", 241),
           "balita": ("898", 898)}
ACCOMPANIED = {"catin": ("99", 99), "bumil": ("1.022", 1022), "bufas": ("560", 560),
               "balita": ("2.756", 2756)}


@pytest.mark.parametrize(
    ("extraction", "expected"),
    [
        pytest.param(breakdown("berisiko", ("1.725", 1725), AT_RISK), [],
                     id="parts-sum-to-total"),
        pytest.param(breakdown("didampingi", ("6.160", 6160), ACCOMPANIED),
                     ["arithmetic.parts_do_not_sum"], id="source-parts-do-not-sum"),
        pytest.param(breakdown("berisiko", ("1.725", 1725),
                               {k: v for k, v in AT_RISK.items() if k != "catin"}),
                     ["arithmetic.parts_do_not_sum"], id="a-part-missing"),
        pytest.param(breakdown("berisiko", ("1.725", 1725), {"bumil": ("542", 542)}), [],
                     id="one-part-is-no-breakdown"),
    ],
)
def test_parts_and_total(extraction: Extraction, expected: list[str]) -> None:
    assert serious_kinds(BREAKDOWN, extraction) == expected


def rows_only(measure: str, parts: dict[str, tuple[str, float]]) -> list[Indicator]:
    return [Indicator(name=f"{who.title()} {measure}", value=value, value_text=written,
                      population=who.title(), period="Juli 2025", quote=ROWS[who])
            for who, (written, value) in parts.items()]


def overall(name: str, written: str, value: float, population: str | None) -> Indicator:
    return Indicator(name=name, value=value, value_text=written, population=population,
                     period="Juli 2025", quote=TOTAL_QUOTE)


@pytest.mark.parametrize(
    ("indicators", "expected"),
    [
        pytest.param(rows_only("didampingi", ACCOMPANIED), [],
                     id="largest-part-is-not-a-total"),
        pytest.param([overall("sasaran", "6.160", 6160, "sasaran"),
                      *rows_only("didampingi", ACCOMPANIED)],
                     ["arithmetic.parts_do_not_sum"], id="total-for-everybody-said-in-clause"),
        pytest.param([overall("stunting", "1.725", 1725, None), *rows_only("berisiko", AT_RISK)],
                     [], id="total-for-everybody-sums"),
        pytest.param([overall("sasaran", "6.160", 6160, "sasaran"),
                      *rows_only("berisiko", AT_RISK)], [],
                     id="total-of-another-measure-is-not-used"),
    ],
)
def test_total_outside_the_parts(indicators: list[Indicator], expected: list[str]) -> None:
    assert serious_kinds(BREAKDOWN, Extraction(indicators=indicators)) == expected


def test_parts_message_names_the_parts_and_their_sum() -> None:
    [flag] = [f for f in check(BREAKDOWN, breakdown("didampingi", ("6.160", 6160), ACCOMPANIED))
              if f.kind == "arithmetic.parts_do_not_sum"]
    assert flag.message == ("The parts of 'sasaran didampingi' do not add up to the 6.160 given: "
                            "catin 99 + bumil 1.022 + bufas 560 + balita 2.756 = 4.437, 1.723 "
                            "less than the total.")
    assert flag.field == "indicators[0].value"
    assert len(flag.spans) == 5


# A list whose last row joins two groups: the row is a part (baduta, under two, are balita
# too), not the total of the 'Baduta' and 'Balita' rows, unless its own line says so.
GROUPS = ("Hingga Juli 2025, sebanyak {total} sasaran telah ditimbang.\n"
          "Baduta: 400 ditimbang\n"
          "Balita: 900 ditimbang\n"
          "{combined}: 1.100 ditimbang")


def groups_extraction(text: str, combined: str, total: tuple[str, float] | None,
                      ) -> Extraction:
    rows = [("baduta", "400", 400), ("balita", "900", 900), (combined.lower(), "1.100", 1100)]
    items = [Indicator(name=f"{who} ditimbang", value=value, value_text=written, population=who,
                       period="Juli 2025", quote=next(line for line in text.splitlines()
                                                      if f" {written} " in f" {line} "))
             for who, written, value in rows]
    if total is not None:
        items.append(Indicator(name="sasaran ditimbang", value=total[1], value_text=total[0],
                               population=None, period="Juli 2025",
                               quote=text.splitlines()[0]))
    return Extraction(indicators=items)


@pytest.mark.parametrize(
    ("combined", "total", "expected"),
    [
        pytest.param("Baduta dan Balita", None, [], id="combined-row-is-a-part"),
        pytest.param("Baduta dan Balita", ("2.400", 2400), [],
                     id="combined-row-is-a-part-of-the-total-for-everybody"),
        pytest.param("Baduta dan Balita", ("2.500", 2500), ["arithmetic.parts_do_not_sum"],
                     id="total-for-everybody-still-checked"),
        pytest.param("Jumlah Baduta dan Balita", None, ["arithmetic.parts_do_not_sum"],
                     id="combined-row-the-text-calls-a-total"),
    ],
)
def test_combined_group_is_a_part_unless_the_text_says_total(
        combined: str, total: tuple[str, float] | None, expected: list[str]) -> None:
    text = GROUPS.format(total=total[0] if total else "2.400", combined=combined)
    assert serious_kinds(text, groups_extraction(text, combined, total)) == expected


IN_PROSE = ("Hingga Juli 2025, {total} baduta dan balita ditimbang, terdiri dari 400 baduta "
            "dan 900 balita.")


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        pytest.param(("1.300", 1300), [], id="breakdown-in-one-sentence-sums"),
        pytest.param(("1.200", 1200), ["arithmetic.parts_do_not_sum"],
                     id="breakdown-word-makes-the-combined-group-a-total"),
    ],
)
def test_combined_group_before_terdiri_dari_is_a_total(total: tuple[str, float],
                                                       expected: list[str]) -> None:
    text = IN_PROSE.format(total=total[0])
    items = [Indicator(name=f"{who} ditimbang", value=value, value_text=written, population=who,
                       period="Juli 2025", quote=text)
             for who, written, value in [("baduta dan balita", *total), ("baduta", "400", 400),
                                         ("balita", "900", 900)]]
    assert serious_kinds(text, Extraction(indicators=items)) == expected


def test_total_flagged_once_on_the_stated_total() -> None:
    """The seed 002 shape: one flag, on the total, not on the largest row."""
    flags = [f for f in check(BREAKDOWN, breakdown("didampingi", ("6.160", 6160), ACCOMPANIED))
             if f.severity in (Severity.error, Severity.warning)]
    assert [(f.kind, f.field) for f in flags] == [("arithmetic.parts_do_not_sum",
                                                    "indicators[0].value")]


SHARE = "Dari {whole} keluarga sasaran, sebanyak {part} keluarga ({pct}) berisiko stunting."


@pytest.mark.parametrize(
    ("whole", "part", "pct", "flagged"),
    [
        pytest.param("292.095", "30.980", "10,6%", False, id="ratio-within-rounding"),
        pytest.param("292.095", "30.980", "10,61%", False, id="two-decimals"),
        pytest.param("292.095", "30.980", "12,6%", True, id="ratio-off"),
        pytest.param("292.095", "30.980", "11%", False, id="whole-percent-rounds"),
        pytest.param("292.095", "30.980", "10,7%", True, id="last-digit-off"),
    ],
)
def test_percent_of_part_and_whole(whole: str, part: str, pct: str, flagged: bool) -> None:
    text = SHARE.format(whole=whole, part=part, pct=pct)
    item = Indicator(name="persentase keluarga berisiko stunting", value=float(
        pct.rstrip("%").replace(",", ".")), value_text=pct, unit="persen", quote=text)
    kinds = serious_kinds(text, Extraction(indicators=[item]))
    assert ("arithmetic.percent_mismatch" in kinds) is flagged


TREND = ("Pada awal 2023 jumlah balita stunting tercatat 941 anak, {word} menjadi 771 balita "
         "stunting di akhir tahun 2023.")


@pytest.mark.parametrize(
    ("word", "flagged"),
    [
        pytest.param("turun", False, id="turun-and-fell"),
        pytest.param("menurun", False, id="menurun-and-fell"),
        pytest.param("naik", True, id="naik-but-fell"),
        pytest.param("meningkat", True, id="meningkat-but-fell"),
        pytest.param("berubah", False, id="no-direction-word"),
    ],
)
def test_trend_word_agrees_with_values(word: str, flagged: bool) -> None:
    text = TREND.format(word=word)
    items = [Indicator(name="balita stunting", value=941, value_text="941", period="awal 2023",
                       quote=text),
             Indicator(name="balita stunting", value=771, value_text="771",
                       period="akhir tahun 2023", quote=text)]
    kinds = serious_kinds(text, Extraction(indicators=items))
    assert ("trend.direction_mismatch" in kinds) is flagged


PLAUSIBILITY_TEXT = ("Prevalensi stunting 106 persen pada 2024. Tercatat -5 kasus. "
                     "Pemkot menargetkan zero stunting pada tahun 2020.")


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        pytest.param(Indicator(name="prevalensi stunting", value=106, value_text="106 persen",
                               unit="persen", quote="Prevalensi stunting 106 persen pada 2024."),
                     "plausibility.share_over_100", id="share-over-100"),
        pytest.param(Indicator(name="prevalensi stunting", value=106, value_text="106",
                               quote="Prevalensi stunting 106 persen pada 2024."),
                     "plausibility.share_over_100", id="share-by-name"),
        pytest.param(Indicator(name="kasus stunting", value=-5, value_text="-5",
                               quote="Tercatat -5 kasus."),
                     "plausibility.negative", id="negative-count"),
        pytest.param(Target(indicator="angka stunting", value=0, value_text="zero stunting",
                            deadline_year=2020,
                            quote="Pemkot menargetkan zero stunting pada tahun 2020."),
                     "plausibility.deadline_in_past", id="deadline-before-article"),
    ],
)
def test_plausibility(item: Indicator | Target, expected: str) -> None:
    extraction = Extraction(indicators=[item] if isinstance(item, Indicator) else [],
                            targets=[item] if isinstance(item, Target) else [])
    assert expected in serious_kinds(PLAUSIBILITY_TEXT, extraction, date="2024-05-01")


def test_deadline_needs_the_article_year() -> None:
    target = Target(indicator="angka stunting", value=0, value_text="zero stunting",
                    deadline_year=2020, quote="Pemkot menargetkan zero stunting pada tahun 2020.")
    assert "plausibility.deadline_in_past" not in serious_kinds(
        PLAUSIBILITY_TEXT, Extraction(targets=[target]), date=None)


def test_the_trend_flag_sits_on_the_item_whose_period_is_wrong() -> None:
    text = "Prevalensi stunting pada 2022 sebesar 24,5 persen, turun menjadi 21,6 persen pada 2023."
    right = Indicator(name="prevalensi stunting", value=24.5, value_text="24,5 persen",
                      unit="persen", period="2022", quote=text)
    wrong = Indicator(name="prevalensi stunting", value=21.6, value_text="21,6 persen",
                      unit="persen", period="2021", quote=text)  # the article says 2023
    extraction = assign_item_ids("a", Extraction(indicators=[right, wrong]))
    flags = [f for f in check(text, extraction, article_id="a")
             if f.kind == "trend.direction_mismatch"]
    assert [f.item_id for f in flags] == [extraction.indicators[1].id]


def test_with_both_periods_written_the_trend_flag_sits_on_the_later_value() -> None:
    text = TREND.format(word="naik")
    items = [Indicator(name="balita stunting", value=941, value_text="941", period="awal 2023",
                       quote=text),
             Indicator(name="balita stunting", value=771, value_text="771",
                       period="akhir tahun 2023", quote=text)]
    extraction = assign_item_ids("a", Extraction(indicators=items))
    flags = [f for f in check(text, extraction, article_id="a")
             if f.kind == "trend.direction_mismatch"]
    assert [f.item_id for f in flags] == [extraction.indicators[1].id]


def _share(whole: str, part: str, share: str, value: float) -> tuple[str, Extraction]:
    quote = (f"Dari {whole} baduta yang diukur di distrik prioritas, {part} anak atau {share} "
             "dinyatakan stunting.")
    return f"Judul\n\n{quote}", Extraction(indicators=[Indicator(
        name="prevalensi stunting", value=value, value_text=share, unit="persen",
        population="baduta", quote=quote)])


@pytest.mark.parametrize(
    ("whole", "part", "share", "value", "expected"),
    [
        pytest.param("1.080", "1.230", "113,9 persen", 113.9, 1, id="part-above-its-whole"),
        pytest.param("1.230", "1.080", "87,8 persen", 87.8, 0, id="part-within-its-whole"),
    ],
)
def test_a_share_whose_part_is_larger_than_its_whole(
    whole: str, part: str, share: str, value: float, expected: int
) -> None:
    text, extraction = _share(whole, part, share, value)
    flags = [f for f in check(text, extraction) if f.kind == "arithmetic.part_above_whole"]
    assert len(flags) == expected
    if flags:
        assert flags[0].arithmetic == "1.230 / 1.080 = 113,9 % > 100%"
