"""Stated changes against the values they connect, percent against percentage points, and a
headline or lead that calls a level a change: a table of made-up articles in the seeds' style,
each inconsistency with its consistent twin. An inconsistency is flagged once, with its
arithmetic in the message and in ``Flag.arithmetic``; its twin draws no flag of the family."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from llmextract.checks import check
from llmextract.models import Extraction, Flag, Indicator, Severity

DATELINE = "KOTA MAJU, (12/3/2025) - "


def article(body: str, headline: str = "Rakor Percepatan Penurunan Stunting Kota Maju") -> str:
    return f"{headline}\n\nSelasa, 11 Maret 2025 10:15 WIB\n\n{DATELINE}{body}\n\n" \
        "Wali Kota meminta seluruh perangkat daerah memperkuat pendampingan keluarga."


@dataclass(frozen=True)
class Case:
    body: str
    kind: str | None  # the one flag expected, None for a consistent twin
    arithmetic: str = ""  # must appear in the message and in Flag.arithmetic
    severity: Severity = Severity.error
    headline: str = "Rakor Percepatan Penurunan Stunting Kota Maju"


# A change stated in one paragraph, its two values in the first sentences of the next.
NEXT_PARAGRAPH = (
    "Pemkot menggelar rakor stunting di balai kota.\n\nDinas Kesehatan mencatat jumlah balita "
    "stunting mengalami penurunan sebesar {amount} persen dalam setahun terakhir.\n\nJumlah "
    "balita stunting pada Agustus 2023 sebanyak 3.240 anak. Setahun kemudian, pada Agustus "
    "2024, jumlahnya menjadi 2.592 anak.")

CASES = {
    "relative-change-off": Case(
        "Jumlah kasus stunting turun 40 persen dari 250 kasus pada 2023 menjadi 175 kasus pada "
        "2024.", "change.relative_mismatch", "(250 - 175) / 250 = 30,0 %"),
    "relative-change-right": Case(
        "Jumlah kasus stunting turun 30 persen dari 250 kasus pada 2023 menjadi 175 kasus pada "
        "2024.", None),
    "rise-off": Case(
        "Keluarga berisiko stunting yang didampingi meningkat 20 persen, dari 150 keluarga "
        "menjadi 210 keluarga.", "change.relative_mismatch", "(210 - 150) / 150 = 40,0 %"),
    "rise-right": Case(
        "Keluarga berisiko stunting yang didampingi meningkat 40 persen, dari 150 keluarga "
        "menjadi 210 keluarga.", None),
    "penurunan-sebesar-off": Case(
        "Dinkes mencatat penurunan sebesar 25 persen, dari 400 balita stunting menjadi 320 "
        "balita stunting.", "change.relative_mismatch", "(400 - 320) / 400 = 20,0 %"),
    "change-after-its-level-from-dari-off": Case(
        "Prevalensi stunting Kota Maju pada 2024 tercatat 22,4 persen, turun 3,1 persen dari 24,5 "
        "persen pada 2023.", "change.relative_mismatch",
        "(24,5 - 22,4) / 24,5 = 8,6 %, as a difference 24,5 - 22,4 = 2,1 percentage points"),
    "change-after-its-level-from-dari-right": Case(
        "Prevalensi stunting Kota Maju pada 2024 tercatat 22,4 persen, turun 2,1 persen dari 24,5 "
        "persen pada 2023.", "change.percent_or_points", "24,5 - 22,4 = 2,1 percentage points",
        Severity.info),
    "change-after-its-level-compared-off": Case(
        "Jumlah balita stunting tahun ini 175 kasus, berkurang 40 kasus dibanding tahun lalu yang "
        "mencapai 250 kasus.", "change.difference_mismatch", "250 - 175 = 75, not 40"),
    "change-after-its-level-compared-right": Case(
        "Jumlah balita stunting tahun ini 175 kasus, berkurang 75 kasus dibanding tahun lalu yang "
        "mencapai 250 kasus.", None),
    "change-after-another-clause-is-not-its-level": Case(
        "Target prevalensi 14 persen pada 2026, sementara prevalensi turun 3,1 persen dari 24,5 "
        "persen.", None),
    "comparison-against-its-values": Case(
        "Prevalensi stunting Kota Maju 20,1 persen, lebih tinggi dari rata-rata provinsi yang "
        "24,9 persen.", "change.comparison_mismatch", "20,1 < 24,9"),
    "comparison-with-its-values": Case(
        "Prevalensi stunting Kota Maju 26,1 persen, lebih tinggi dari rata-rata provinsi yang "
        "24,9 persen.", None),
    "lower-against-its-values": Case(
        "Prevalensi stunting Kota Maju pada 2024 sebesar 23,2 persen atau lebih rendah "
        "dibandingkan angka nasional 21,5 persen.", "change.comparison_mismatch", "23,2 > 21,5"),
    "comparison-of-counts-of-different-things": Case(
        "Jumlahnya 120 anak, lebih banyak dari 30 posyandu yang ada.", None),
    "measure-between-change-and-amount-off": Case(
        "Pemkot memangkas prevalensi stunting sebesar 4,2 poin persen, dari 25,6 persen pada "
        "2023 menjadi 22,4 persen pada 2024.", "change.points_mismatch", "25,6 - 22,4 = 3,2"),
    "measure-between-change-and-amount-right": Case(
        "Pemkot memangkas prevalensi stunting sebesar 3,2 poin persen, dari 25,6 persen pada "
        "2023 menjadi 22,4 persen pada 2024.", None),
    "penurunan-sebesar-right": Case(
        "Dinkes mencatat penurunan sebesar 20 persen, dari 400 balita stunting menjadi 320 "
        "balita stunting.", None),
    "count-difference-off": Case(
        "Balita stunting berkurang 80 balita, dari 400 balita pada Agustus 2024 menjadi 330 "
        "balita pada Februari 2025.", "change.difference_mismatch", "400 - 330 = 70"),
    "count-difference-right": Case(
        "Balita stunting berkurang 70 balita, dari 400 balita pada Agustus 2024 menjadi 330 "
        "balita pada Februari 2025.", None),
    "change-then-values-in-the-next-sentence": Case(
        "Jumlah balita stunting turun 15 persen dalam enam bulan terakhir. Data Dinas Kesehatan "
        "mencatat 1.423 anak pada Agustus 2024, dan menjadi 1.248 anak pada Februari 2025.",
        "change.relative_mismatch", "(1.423 - 1.248) / 1.423 = 12,3 %"),
    "change-then-values-in-the-next-sentence-right": Case(
        "Jumlah balita stunting turun 12,3 persen dalam enam bulan terakhir. Data Dinas "
        "Kesehatan mencatat 1.423 anak pada Agustus 2024, dan menjadi 1.248 anak pada Februari "
        "2025.", None),
    "percent-read-as-points": Case(
        "Prevalensi stunting turun 4 persen, dari 24,0 persen pada 2023 menjadi 20,0 persen "
        "pada 2024.", "change.percent_or_points", "24,0 - 20,0 = 4,0 percentage points",
        Severity.info),
    "percent-read-as-relative": Case(
        "Prevalensi stunting turun 16,7 persen, dari 24,0 persen pada 2023 menjadi 20,0 persen "
        "pada 2024.", None),
    "percent-neither-reading": Case(
        "Prevalensi stunting turun 7 persen, dari 24,0 persen pada 2023 menjadi 20,0 persen "
        "pada 2024.", "change.relative_mismatch", "(24,0 - 20,0) / 24,0 = 16,7 %"),
    "points-off": Case(
        "Prevalensi turun dari 11,2 persen pada Agustus 2024 menjadi 9,8 persen pada Februari "
        "2025, atau turun 2,4 poin persen.", "change.points_mismatch",
        "11,2 - 9,8 = 1,4 percentage points, not 2,4"),
    "points-right": Case(
        "Prevalensi turun dari 11,2 persen pada Agustus 2024 menjadi 9,8 persen pada Februari "
        "2025, atau turun 1,4 poin persen.", None),
    "points-after-a-level-then-start": Case(
        "Prevalensi stunting turun menjadi 21,4 persen pada SSGI 2025, dari 24,9 persen pada "
        "SSGI 2024, atau turun 2,5 poin persen.", "change.points_mismatch",
        "24,9 - 21,4 = 3,5 percentage points"),
    "points-after-a-level-then-start-right": Case(
        "Prevalensi stunting turun menjadi 21,4 persen pada SSGI 2025, dari 24,9 persen pada "
        "SSGI 2024, atau turun 3,5 poin persen.", None),
    "yearly-increase-of-money-off": Case(
        "Anggaran penanganan stunting naik Rp1,5 miliar, dari Rp4,5 miliar pada 2024 menjadi "
        "Rp5,8 miliar pada 2025.", "change.difference_mismatch",
        "Rp5,8 miliar - Rp4,5 miliar = Rp1,3 miliar"),
    "yearly-increase-of-money-in-another-scale-right": Case(
        "Anggaran penanganan stunting naik Rp1.300 juta, dari Rp4,5 miliar pada 2024 menjadi "
        "Rp5,8 miliar pada 2025.", None),
    "rounding-slip-is-a-warning": Case(
        "Kasus stunting turun 58,4 persen dari 1.000 kasus pada 2023 menjadi 415 kasus pada "
        "2024.", "change.relative_mismatch", "(1.000 - 415) / 1.000 = 58,5 %", Severity.warning),
    "rounding-right": Case(
        "Kasus stunting turun 58,5 persen dari 1.000 kasus pada 2023 menjadi 415 kasus pada "
        "2024.", None),
    "headline-calls-the-level-a-change": Case(
        "Prevalensi stunting di Kota Maju turun dari 24,5 persen pada 2023 menjadi 20 persen "
        "pada 2024.", "change.headline_contradicts_body", "24,5 - 20 = 4,5 points",
        headline="Prevalensi Stunting Kota Maju Turun 20 Persen"),
    "headline-gives-the-level": Case(
        "Prevalensi stunting di Kota Maju turun dari 24,5 persen pada 2023 menjadi 20 persen "
        "pada 2024.", None, headline="Prevalensi Stunting Kota Maju Turun Jadi 20 Persen"),
    "headline-level-not-the-body-level": Case(
        "Prevalensi stunting Kota Maju tahun 2024 sebesar 21,6 persen, turun dari 24,5 persen "
        "pada 2023. Artinya, prevalensi turun 2,9 poin persen dalam setahun.",
        "change.headline_contradicts_body", "21,6 - 20 = 1,6 points",
        headline="Prevalensi Stunting Kota Maju Turun Jadi 20 Persen"),
    "headline-level-is-the-body-level": Case(
        "Prevalensi stunting Kota Maju tahun 2024 sebesar 20 persen, turun dari 24,5 persen "
        "pada 2023. Artinya, prevalensi turun 4,5 poin persen dalam setahun.", None,
        headline="Prevalensi Stunting Kota Maju Turun Jadi 20 Persen"),
    "headline-level-off-by-the-last-digit-is-a-warning": Case(
        "Jumlah balita stunting turun dari 1.423 anak pada 2023 menjadi 1.249 anak pada 2024.",
        "change.headline_contradicts_body", "1.249 - 1.248 = 1", Severity.warning,
        headline="Balita Stunting Kota Maju Turun Menjadi 1.248 Anak"),
    "headline-says-up-where-the-body-falls": Case(
        "Prevalensi stunting Kota Maju kini 17,2 persen pada 2024, turun dari 19,5 persen pada "
        "2023.", "change.headline_contradicts_body",
        "19,5 - 17,2 = 2,3 points, a fall from 19,5 persen to 17,2 persen",
        headline="Prevalensi Stunting Kota Maju Naik, Kini 17,2 Persen"),
    "headline-says-up-to-a-level-the-body-never-gives": Case(
        "Prevalensi stunting Kota Maju turun dari 28,9 persen pada 2023 menjadi 24,8 persen pada "
        "2024.", "change.headline_contradicts_body",
        "28,9 - 24,8 = 4,1 points, a fall from 28,9 persen to 24,8 persen",
        headline="Angka Stunting Kota Maju Naik Jadi 26,8 Persen"),
    "headline-says-down-where-the-body-falls": Case(
        "Prevalensi stunting Kota Maju kini 17,2 persen pada 2024, turun dari 19,5 persen pada "
        "2023.", None, headline="Prevalensi Stunting Kota Maju Turun, Kini 17,2 Persen"),
    "change-with-its-values-in-the-next-paragraph-off": Case(
        NEXT_PARAGRAPH.format(amount="30"), "change.relative_mismatch",
        "(3.240 - 2.592) / 3.240 = 20,0 %"),
    "change-with-its-values-in-the-next-paragraph-right": Case(
        NEXT_PARAGRAPH.format(amount="20"), None),
    "headline-level-of-another-year": Case(
        "Prevalensi stunting Kota Maju tahun 2024 sebesar 21,6 persen, turun dari 24,5 persen "
        "pada 2023.", None,
        headline="Prevalensi Stunting Kota Maju Ditargetkan Turun Jadi 20 Persen pada 2026"),
    "lead-calls-the-level-a-change": Case(
        "Prevalensi stunting di Kota Maju turun 20 persen tahun ini.\n\nBerdasarkan SSGI, "
        "prevalensi stunting turun dari 24,5 persen pada 2023 menjadi 20 persen pada 2024.",
        "change.headline_contradicts_body", "24,5 - 20 = 4,5 points, 18,4 % relative"),
    "lead-gives-the-change": Case(
        "Prevalensi stunting di Kota Maju turun 4,5 poin persen tahun ini.\n\nBerdasarkan "
        "SSGI, prevalensi stunting turun dari 24,5 persen pada 2023 menjadi 20 persen pada "
        "2024.", None),
}


def family_flags(case: Case) -> tuple[str, list[Flag]]:
    text = article(case.body, case.headline)
    return text, [f for f in check(text, Extraction()) if f.kind.startswith("change.")]


def assert_flagged_once(flags: list[Flag], kind: str | None, severity: Severity,
                        arithmetic: str) -> None:
    """No flag for a consistent twin; else exactly one, of ``kind`` and ``severity``, whose
    message shows ``arithmetic`` and whose ``arithmetic`` holds its left-hand side."""
    if kind is None:
        assert flags == []
        return
    [flag] = flags
    assert (flag.kind, flag.severity) == (kind, severity)
    assert arithmetic in flag.message
    assert flag.arithmetic and arithmetic.split(" = ")[0] in flag.arithmetic


@pytest.mark.parametrize("name", sorted(CASES))
def test_change_case(name: str) -> None:
    case = CASES[name]
    assert_flagged_once(family_flags(case)[1], case.kind, case.severity, case.arithmetic)


def test_flag_points_at_the_numbers_and_the_word_of_change() -> None:
    text, [flag] = family_flags(CASES["relative-change-off"])
    assert sorted(text[s.start:s.end] for s in flag.spans) == ["175", "250", "40 persen",
                                                               "turun"]


def test_flag_sits_on_the_item_holding_the_stated_change() -> None:
    case = CASES["points-off"]
    text = article(case.body)
    quote = case.body
    item = Indicator(name="penurunan prevalensi stunting", value=2.4, value_text="2,4 poin persen",
                     unit="persen", quote=quote)
    [flag] = [f for f in check(text, Extraction(indicators=[item])) if f.kind.startswith("change.")]
    assert flag.field == "indicators[0].value"


def test_a_word_of_change_against_its_values_is_left_to_the_trend_check() -> None:
    case = Case("Kasus stunting naik 30 persen dari 250 kasus menjadi 175 kasus.", None)
    assert family_flags(case)[1] == []


def test_the_headline_below_a_date_line_and_above_a_photo_caption_is_read() -> None:
    text = ("Jumat, 1 Agustus 2025 - 13:47 WITA\n\nPrevalensi Stunting Kota Maju Turun ke 17,3 "
            "Persen\n\nFoto: Wakil Bupati membuka rembuk stunting, Kamis (31/7/2025). "
            "(Istimewa)\n\nMAJU - Berdasarkan pengukuran Juni 2025, prevalensi stunting Kota Maju "
            "turun menjadi 18,3 persen, dari sebelumnya 20,6 persen pada Juni 2024.")
    flags = [f for f in check(text, Extraction()) if f.kind.startswith("change.")]
    assert [f.kind for f in flags] == ["change.headline_contradicts_body"]
    assert flags[0].message.startswith("The headline says 'Turun ke 17,3 Persen'")
    assert "18,3 persen" in (flags[0].arithmetic or "")


@pytest.mark.parametrize(("headline", "flagged"), [("Turun", True), ("Naik", False)],
                         ids=["against-the-body", "along-the-body"])
def test_a_headline_word_of_change_without_a_number_is_read_against_the_body(
    headline: str, flagged: bool
) -> None:
    text = (f"Angka Stunting Kota Padang {headline}, Pemko Perluas Program\n\nPADANG - "
            "Prevalensi stunting di Kota Padang naik dari 16,1 persen pada 2023 menjadi 17,4 "
            "persen pada 2024.")
    flags = [f for f in check(text, Extraction()) if f.kind.startswith("change.")]
    assert [f.kind for f in flags] == (["change.headline_contradicts_body"] if flagged else [])
    if flagged:
        assert flags[0].message.startswith("The headline says 'Turun' (down), but the body")
        assert flags[0].arithmetic == ("17,4 - 16,1 = 1,3 points, a rise from 16,1 persen to 17,4 "
                                       "persen")


@pytest.mark.parametrize(("points", "flagged"), [("3,3", True), ("4,3", False)],
                         ids=["off", "right"])
def test_a_change_pointing_back_to_the_sentence_before_is_read_against_its_values(
    points: str, flagged: bool
) -> None:
    text = ("Judul berita stunting di kabupaten ini\n\nPrevalensi stunting turun dari 28,4 persen "
            f"pada 2023 menjadi 24,1 persen pada 2024. Penurunan sebesar {points} poin persen itu "
            "disampaikan Sekda.")
    flags = [f for f in check(text, Extraction()) if f.kind.startswith("change.")]
    assert len(flags) == (1 if flagged else 0)
    if flagged:
        assert "4,3" in (flags[0].arithmetic or "")


def test_a_word_of_change_followed_by_a_colon_is_read_as_one() -> None:
    """The words before a number are read as ``word_before`` reads them, a colon stripped:
    'naik: dari 16,1 persen' is a rise, though no token of the text is 'naik'."""
    text = ("Angka Stunting Kota Padang Turun, Pemko Perluas Program\n\nPADANG - Prevalensi "
            "stunting di Kota Padang naik: dari 16,1 persen pada 2023 menjadi 17,4 persen pada "
            "2024.")
    flags = [f for f in check(text, Extraction()) if f.kind.startswith("change.")]
    assert [f.kind for f in flags] == ["change.headline_contradicts_body"]
