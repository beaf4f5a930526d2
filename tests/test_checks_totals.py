"""Parts and totals (money in any scale, counts by place), shares of one whole, and a subset
reported as the whole: a table of made-up articles in the seeds' style, each inconsistency with
its consistent twin, flagged once with the arithmetic in the message, the twin not at all."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from llmextract.checks import check
from llmextract.models import Extraction, Indicator, Severity
from tests.test_checks_change import article, assert_flagged_once


@dataclass(frozen=True)
class Case:
    body: str
    kind: str | None
    arithmetic: str = ""
    severity: Severity = Severity.error


CASES = {
    "money-parts-off": Case(
        "Kepala Bappeda menjelaskan anggaran Rp8,75 miliar itu terbagi untuk Dinas Kesehatan "
        "Rp3,1 miliar, Dinas Pengendalian Penduduk dan KB Rp2,4 miliar, serta Dinas PUPR Rp2,8 "
        "miliar.", "totals.money_parts_do_not_sum",
        "Rp3,1 miliar + Rp2,4 miliar + Rp2,8 miliar = Rp8,30 miliar, not Rp8,75 miliar"),
    "money-parts-right": Case(
        "Kepala Bappeda menjelaskan anggaran Rp8,3 miliar itu terbagi untuk Dinas Kesehatan "
        "Rp3,1 miliar, Dinas Pengendalian Penduduk dan KB Rp2,4 miliar, serta Dinas PUPR Rp2,8 "
        "miliar.", None),
    "money-parts-in-juta-and-miliar-off": Case(
        "Total anggaran Rp5,9 miliar terdiri dari Rp4.500 juta untuk PMT dan Rp1,2 miliar untuk "
        "kelas ibu hamil.", "totals.money_parts_do_not_sum",
        "Rp4.500 juta + Rp1,2 miliar = Rp5,7 miliar, not Rp5,9 miliar"),
    "money-parts-in-juta-and-miliar-right": Case(
        "Total anggaran Rp5,7 miliar terdiri dari Rp4.500 juta untuk PMT dan Rp1,2 miliar untuk "
        "kelas ibu hamil.", None),
    "money-total-after-its-parts-off": Case(
        "Dana berasal dari APBD Rp4,5 miliar dan Dana Desa Rp1,2 miliar, sehingga total Rp6,2 "
        "miliar.", "totals.money_parts_do_not_sum",
        "Rp4,5 miliar + Rp1,2 miliar = Rp5,7 miliar, not Rp6,2 miliar"),
    "money-total-after-its-parts-right": Case(
        "Dana berasal dari APBD Rp4,5 miliar dan Dana Desa Rp1,2 miliar, sehingga total Rp5,7 "
        "miliar.", None),
    "money-rounding-slip-is-a-warning": Case(
        "Dana berasal dari APBD Rp4,5 miliar dan Dana Desa Rp1,2 miliar, sehingga total Rp5,8 "
        "miliar.", "totals.money_parts_do_not_sum", "= Rp5,7 miliar, not Rp5,8 miliar",
        Severity.warning),
    "money-parts-in-the-next-paragraph-off": Case(
        "Pemkab mengalokasikan anggaran Rp 9,6 miliar untuk penanganan stunting. Dana itu "
        "tersebar di tiga perangkat daerah.\n\nKepala Bappeda merinci Dinas Kesehatan mendapat "
        "Rp 4,1 miliar, Dinas Sosial Rp 2,5 miliar, serta Dinas Pertanian Rp 2,2 miliar.",
        "totals.money_parts_do_not_sum",
        "Rp 4,1 miliar + Rp 2,5 miliar + Rp 2,2 miliar = Rp 8,8 miliar, not Rp 9,6 miliar"),
    "money-parts-in-the-next-paragraph-right": Case(
        "Pemkab mengalokasikan anggaran Rp 8,8 miliar untuk penanganan stunting. Dana itu "
        "tersebar di tiga perangkat daerah.\n\nKepala Bappeda merinci Dinas Kesehatan mendapat "
        "Rp 4,1 miliar, Dinas Sosial Rp 2,5 miliar, serta Dinas Pertanian Rp 2,2 miliar.", None),
    "money-parts-in-the-next-sentence-respectively-off": Case(
        "Anggaran stunting tahun ini Rp 5,5 miliar. Dinas Kesehatan dan Dinas Sosial "
        "masing-masing mendapat Rp 3 miliar dan Rp 1,5 miliar.",
        "totals.money_parts_do_not_sum", "Rp 3 miliar + Rp 1,5 miliar = Rp 4,5 miliar, not "
        "Rp 5,5 miliar"),
    "money-parts-in-the-next-sentence-respectively-right": Case(
        "Anggaran stunting tahun ini Rp 4,5 miliar. Dinas Kesehatan dan Dinas Sosial "
        "masing-masing mendapat Rp 3 miliar dan Rp 1,5 miliar.", None),
    "money-each-the-same-amount-is-no-list": Case(
        "Anggaran stunting tahun ini Rp 5 miliar. Dinas Kesehatan dan Dinas Sosial "
        "masing-masing mendapat Rp 2 miliar.", None),
    "money-list-of-only-some": Case(
        "Anggaran Rp8,75 miliar itu terbagi untuk banyak dinas, antara lain Dinas Kesehatan "
        "Rp3,1 miliar dan Dinas PUPR Rp2,8 miliar.", None),
    "shares-of-one-whole-over-100": Case(
        "Dari 500 balita yang diukur, 45 persen stunting, 40 persen gizi kurang dan 25 persen "
        "normal.", "totals.shares_over_100", "45 persen + 40 persen + 25 persen = 110 %"),
    "shares-of-a-whole-named-before-over-100": Case(
        "Tercatat 1.200 balita stunting. Kepala Dinas mengatakan dari jumlah itu sebanyak 45 "
        "persen berusia di bawah dua tahun, 38 persen berusia 2-3 tahun, dan 27 persen berusia "
        "3-5 tahun.", "totals.shares_over_100", "45 persen + 38 persen + 27 persen = 110 %"),
    "shares-of-a-whole-named-before-right": Case(
        "Tercatat 1.200 balita stunting. Kepala Dinas mengatakan dari jumlah itu sebanyak 45 "
        "persen berusia di bawah dua tahun, 38 persen berusia 2-3 tahun, dan 17 persen berusia "
        "3-5 tahun.", None),
    "shares-of-one-whole-right": Case(
        "Dari 500 balita yang diukur, 35 persen stunting, 40 persen gizi kurang dan 25 persen "
        "normal.", None),
    "shares-of-a-whole-without-a-count-over-100": Case(
        "Dari seluruh kasus yang diaudit, 46 persen disebabkan pola asuh, 39 persen karena "
        "sanitasi, dan sisanya, 27 persen, karena pernikahan usia dini.",
        "totals.shares_over_100", "46 persen + 39 persen + 27 persen = 112 %"),
    "shares-of-a-whole-without-a-count-right": Case(
        "Dari seluruh kasus yang diaudit, 46 persen disebabkan pola asuh, 39 persen karena "
        "sanitasi, dan sisanya, 15 persen, karena pernikahan usia dini.", None),
    "shares-of-the-whole-of-the-sentence-before-over-100": Case(
        "Dinas Kesehatan mencatat 640 balita stunting pada Februari 2025. Dari jumlah tersebut, "
        "62 persen di antaranya baduta, sedangkan 45 persen lainnya berusia dua hingga lima "
        "tahun.", "totals.shares_over_100", "62 persen + 45 persen = 107 %"),
    "shares-of-the-whole-of-the-sentence-before-right": Case(
        "Dinas Kesehatan mencatat 640 balita stunting pada Februari 2025. Dari jumlah tersebut, "
        "55 persen di antaranya baduta, sedangkan 45 persen lainnya berusia dua hingga lima "
        "tahun.", None),
    "shares-after-a-breakdown-word-over-100": Case(
        "Penerima PMT terdiri dari 60 persen balita stunting dan 50 persen balita gizi kurang.",
        "totals.shares_over_100", "60 persen + 50 persen = 110 %"),
    "shares-of-different-wholes": Case(
        "Prevalensi stunting Kecamatan Timur 31,2 persen, Kecamatan Barat 28,4 persen dan "
        "Kecamatan Utara 45,1 persen.", None),
    "counts-a-sentence-breaks-down-do-not-add-up": Case(
        "Jumlah balita stunting di lima kecamatan tercatat 1.087 anak, meliputi Kecamatan Timur "
        "312 "
        "anak, Kecamatan Barat 245 anak, Kecamatan Utara 198 anak, Kecamatan Selatan 170 anak dan "
        "Kecamatan Tengah 122 anak.", "totals.parts_do_not_sum",
        "312 + 245 + 198 + 170 + 122 = 1.047, not 1.087"),
    "counts-a-sentence-breaks-down-add-up": Case(
        "Jumlah balita stunting di lima kecamatan tercatat 1.047 anak, meliputi Kecamatan Timur "
        "312 "
        "anak, Kecamatan Barat 245 anak, Kecamatan Utara 198 anak, Kecamatan Selatan 170 anak dan "
        "Kecamatan Tengah 122 anak.", None),
    "counts-listed-after-yakni-do-not-add-up": Case(
        "Sebanyak 642 keluarga berisiko stunting telah didampingi, yaitu 251 keluarga di Desa "
        "Sukamaju, 198 keluarga di Desa Cikal dan 173 keluarga di Desa Mekar.",
        "totals.parts_do_not_sum", "251 + 198 + 173 = 622, not 642"),
    "counts-broken-down-by-another-noun-are-not-compared": Case(
        "Sebanyak 1.087 balita stunting terdiri dari 600 anak laki-laki dan 480 anak "
        "perempuan.", None),
    "counts-listed-as-only-some-are-not-compared": Case(
        "Jumlah balita stunting tercatat 1.087 anak, meliputi antara lain Kecamatan Timur 312 "
        "anak dan Kecamatan Barat 245 anak.", None),
    "rows-do-not-add-up-to-their-total-after-the-list": Case(
        "Berikut jumlah balita stunting di kecamatan prioritas:\n\nKecamatan Timur: 212 balita"
        "\nKecamatan Barat: 187 balita\nKecamatan Utara: 164 balita\n\nMenurut Kepala Dinas, "
        "kecamatan prioritas tersebut secara keseluruhan menyumbang 600 balita stunting.",
        "totals.parts_do_not_sum", "212 + 187 + 164 = 563, not 600"),
    "rows-add-up-to-their-total-after-the-list": Case(
        "Berikut jumlah balita stunting di kecamatan prioritas:\n\nKecamatan Timur: 212 balita"
        "\nKecamatan Barat: 187 balita\nKecamatan Utara: 164 balita\n\nMenurut Kepala Dinas, "
        "kecamatan prioritas tersebut secara keseluruhan menyumbang 563 balita stunting.", None),
    "rows-and-the-total-of-the-whole-region": Case(
        "Berikut jumlah balita stunting di kecamatan prioritas:\n\nKecamatan Timur: 212 balita"
        "\nKecamatan Barat: 187 balita\nKecamatan Utara: 164 balita\n\nSecara keseluruhan, "
        "terdapat 1.482 balita stunting di Kota Maju.", None),
    "rows-with-a-row-for-the-rest-do-not-add-up-to-the-whole": Case(
        "Jumlah balita stunting di Kota Maju hingga April 2025 sebanyak 1.482 anak, turun dari "
        "1.917 anak pada Agustus 2024.\n\nIa merinci sebarannya per kecamatan:\n\nKecamatan "
        "Timur: 402 anak\nKecamatan Barat: 351 anak\nKecamatan lainnya (tujuh kecamatan): 686 "
        "anak", "totals.parts_do_not_sum", "402 + 351 + 686 = 1.439, not 1.482"),
    "rows-with-a-row-for-the-rest-add-up-to-the-whole": Case(
        "Jumlah balita stunting di Kota Maju hingga April 2025 sebanyak 1.482 anak, turun dari "
        "1.917 anak pada Agustus 2024.\n\nIa merinci sebarannya per kecamatan:\n\nKecamatan "
        "Timur: 402 anak\nKecamatan Barat: 351 anak\nKecamatan lainnya (tujuh kecamatan): 729 "
        "anak", None),
    "rows-of-bare-place-names-and-the-rest-do-not-add-up-to-the-whole": Case(
        "Tercatat 1.932 balita mengalami stunting.\n\nBerikut rinciannya:\n\nTenggarong: 412 "
        "balita\nLoa Kulu: 287 balita\nKecamatan lainnya: 641 balita",
        "totals.parts_do_not_sum", "412 + 287 + 641 = 1.340, not 1.932"),
    "rows-without-a-row-for-the-rest-are-only-some": Case(
        "Jumlah balita stunting di Kota Maju hingga April 2025 sebanyak 1.482 anak.\n\nIa merinci "
        "sebarannya per kecamatan:\n\nKecamatan Timur: 402 anak\nKecamatan Barat: 351 anak",
        None),
    "money-parts-opening-their-line-under-the-total-off": Case(
        "Total anggaran stunting tahun ini Rp 12,75 miliar.\n\nRinciannya, Dinas Kesehatan Rp 6,5 "
        "miliar, DPPKB Rp 2,4 miliar, serta Dinas Ketahanan Pangan Rp 1,35 miliar.",
        "totals.money_parts_do_not_sum",
        "Rp 6,5 miliar + Rp 2,4 miliar + Rp 1,35 miliar = Rp 10,25 miliar, not Rp 12,75 miliar"),
    "money-parts-opening-their-line-under-the-total-right": Case(
        "Total anggaran stunting tahun ini Rp 10,25 miliar.\n\nRinciannya, Dinas Kesehatan Rp 6,5 "
        "miliar, DPPKB Rp 2,4 miliar, serta Dinas Ketahanan Pangan Rp 1,35 miliar.", None),
    "table-rows-do-not-add-up-to-their-total-row": Case(
        "Lima kecamatan dengan kasus terbanyak:\n\nKecamatan | Balita stunting\nTimur | 212\n"
        "Barat | 187\nUtara | 164\nTotal tiga kecamatan | 600",
        "totals.parts_do_not_sum", "212 + 187 + 164 = 563, not 600"),
    "table-rows-add-up-to-their-total-row": Case(
        "Lima kecamatan dengan kasus terbanyak:\n\nKecamatan | Balita stunting\nTimur | 212\n"
        "Barat | 187\nUtara | 164\nTotal tiga kecamatan | 563", None),
    "table-rows-do-not-add-up-to-the-count-for-as-many-places": Case(
        "Dinkes mencatat 600 balita stunting di tiga kecamatan prioritas.\n\nSebarannya:\n\n"
        "| Kecamatan | Balita stunting |\n|---|---|\n| Maju Timur | 212 |\n| Maju Barat | 187 |"
        "\n| Maju Utara | 164 |", "totals.parts_do_not_sum", "212 + 187 + 164 = 563, not 600"),
    "table-rows-add-up-to-the-count-for-as-many-places": Case(
        "Dinkes mencatat 563 balita stunting di tiga kecamatan prioritas.\n\nSebarannya:\n\n"
        "| Kecamatan | Balita stunting |\n|---|---|\n| Maju Timur | 212 |\n| Maju Barat | 187 |"
        "\n| Maju Utara | 164 |", None),
    "numbered-table-rows-do-not-add-up-to-the-count-for-as-many-places": Case(
        "Dinkes mencatat tiga puskesmas menyumbang 600 balita stunting.\n\nSebarannya:\n\n"
        "| No | Puskesmas | Balita stunting |\n|---|---|---|\n| 1 | Kapan | 212 |\n"
        "| 2 | Boking | 187 |\n| 3 | Nulle | 164 |", "totals.parts_do_not_sum",
        "212 + 187 + 164 = 563, not 600"),
    "numbered-table-rows-add-up-to-the-count-for-as-many-places": Case(
        "Dinkes mencatat tiga puskesmas menyumbang 563 balita stunting.\n\nSebarannya:\n\n"
        "| No | Puskesmas | Balita stunting |\n|---|---|---|\n| 1 | Kapan | 212 |\n"
        "| 2 | Boking | 187 |\n| 3 | Nulle | 164 |", None),
    # The amount broken down two paragraphs up, a paragraph of quoted speech between.
    "money-parts-of-an-amount-above-a-quote-off": Case(
        "Pemkab menyiapkan anggaran Rp4,5 miliar untuk penanganan stunting.\n\n\"Setiap "
        "rupiah harus sampai ke balita,\" tegas Bupati.\n\nAnggaran itu dirinci: Rp1,8 miliar "
        "untuk PMT, Rp1,25 miliar untuk sanitasi, dan Rp1,25 miliar untuk pendampingan.",
        "totals.money_parts_do_not_sum",
        "Rp1,8 miliar + Rp1,25 miliar + Rp1,25 miliar = Rp4,3 miliar, not Rp4,5 miliar"),
    "money-parts-of-an-amount-above-a-quote-right": Case(
        "Pemkab menyiapkan anggaran Rp4,3 miliar untuk penanganan stunting.\n\n\"Setiap "
        "rupiah harus sampai ke balita,\" tegas Bupati.\n\nAnggaran itu dirinci: Rp1,8 miliar "
        "untuk PMT, Rp1,25 miliar untuk sanitasi, dan Rp1,25 miliar untuk pendampingan.", None),
    "table-rows-under-a-count-for-more-places": Case(
        "Dinkes mencatat 600 balita stunting di lima kecamatan.\n\nSebarannya:\n\n"
        "| Kecamatan | Balita stunting |\n|---|---|\n| Maju Timur | 212 |\n| Maju Barat | 187 |"
        "\n| Maju Utara | 164 |", None),
    "subset-reported-as-the-whole": Case(
        "Sebanyak 30 balita stunting menerima PMT selama 90 hari. Penerima PMT terdiri dari 12 "
        "balita stunting, 10 balita gizi kurang dan 8 balita berat badan kurang.",
        "totals.subset_as_whole", "12 balita stunting + 10 balita gizi kurang + 8 balita berat "
        "badan kurang = 30, of which only 12 are 'stunting'"),
    "whole-reported-as-the-whole": Case(
        "Sebanyak 30 balita menerima PMT selama 90 hari. Penerima PMT terdiri dari 12 balita "
        "stunting, 10 balita gizi kurang dan 8 balita berat badan kurang.", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_totals_case(name: str) -> None:
    case = CASES[name]
    flags = [f for f in check(article(case.body), Extraction()) if f.kind.startswith("totals.")]
    assert_flagged_once(flags, case.kind, case.severity, case.arithmetic)


KECAMATAN = ("Jumlah balita stunting di Kota Maju pada Februari 2025 tercatat {total} anak. "
             "Menurut data Dinas Kesehatan, sebarannya per kecamatan adalah sebagai berikut. "
             "Kecamatan Timur mencatat 412 anak, Kecamatan Barat 356 anak, Kecamatan Air Jernih "
             "293 anak, dan Kecamatan Pasar Lama 151 anak.")
PLACES = [("Kota Maju", None), ("Kecamatan Timur", "412"), ("Kecamatan Barat", "356"),
          ("Kecamatan Air Jernih", "293"), ("Kecamatan Pasar Lama", "151")]


def by_place(total: str, intro: str = "adalah sebagai berikut") -> tuple[str, Extraction]:
    body = KECAMATAN.format(total=total).replace("adalah sebagai berikut", intro)
    text = article(body)
    sentences = body.split(". ")
    items = [Indicator(name="balita stunting", value=float((written or total).replace(".", "")),
                       value_text=written or total, unit="anak", population="balita",
                       period="Februari 2025", place=place,
                       quote=next(s for s in sentences if f" {written or total} " in f" {s} "))
             for place, written in PLACES]
    return text, Extraction(indicators=items)


@pytest.mark.parametrize(
    ("total", "intro", "expected"),
    [
        pytest.param("1.248", "adalah sebagai berikut", ["arithmetic.parts_do_not_sum"],
                     id="places-do-not-add-up-to-the-region"),
        pytest.param("1.212", "adalah sebagai berikut", [], id="places-add-up"),
        pytest.param("1.248", "yang tertinggi", [], id="only-the-highest-places-listed"),
    ],
)
def test_parts_by_place(total: str, intro: str, expected: list[str]) -> None:
    text, extraction = by_place(total, intro)
    flags = [f for f in check(text, extraction) if f.severity is not Severity.info]
    assert [f.kind for f in flags] == expected
    if expected:
        assert flags[0].arithmetic == "412 + 356 + 293 + 151 = 1.212, not 1.248"
        assert "Kecamatan Timur 412" in flags[0].message
