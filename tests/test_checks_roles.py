"""Roles and coverage: values bound to the wrong year or role, quotes stitched together, a zero
target not read as 0, and numbers the extraction left out."""

from __future__ import annotations

from typing import Any

import pytest

from llmextract.checks import check
from llmextract.models import Extraction, Indicator, Program, Severity, Target

TEXT = (
    "Pemkot Metro mencatat penurunan angka stunting pada tahun 2025.\n"
    "Berdasarkan data terbaru, jumlah kasus stunting tercatat sebanyak 242 kasus, turun "
    "dibandingkan tahun 2024 yang mencapai sekitar 300 kasus.\n"
    "Pemkot menargetkan angka stunting ditekan hingga 14 persen tahun ini, dan optimistis "
    "mencapai zero stunting pada tahun 2026.\n"
    "Rakor diikuti lebih dari 260 peserta dari perangkat daerah.\n"
    "Program Bapak Asuh Anak Stunting menjangkau 45 anak stunting."
)
COUNTS = (
    "Berdasarkan data terbaru, jumlah kasus stunting tercatat sebanyak 242 kasus, turun "
    "dibandingkan tahun 2024 yang mencapai sekitar 300 kasus."
)
GOALS = (
    "Pemkot menargetkan angka stunting ditekan hingga 14 persen tahun ini, dan optimistis "
    "mencapai zero stunting pada tahun 2026."
)
PROGRAM = "Program Bapak Asuh Anak Stunting menjangkau 45 anak stunting."


def cases_242(period: str = "2025") -> Indicator:
    return Indicator(
        name="kasus stunting",
        value=242,
        value_text="242",
        unit="kasus",
        period=period,
        quote=COUNTS,
    )


def cases_300(period: str = "2024") -> Indicator:
    return Indicator(
        name="kasus stunting",
        value=300,
        value_text="300",
        unit="kasus",
        period=period,
        approximate=True,
        quote=COUNTS,
    )


def target_14(**extra: Any) -> Target:
    return Target(
        **{
            "indicator": "angka stunting",
            "value": 14,
            "value_text": "14 persen",
            "unit": "persen",
            "deadline_year": 2025,
            "quote": GOALS,
            **extra,
        }
    )


def zero_target(**extra: Any) -> Target:
    return Target(
        **{
            "indicator": "angka stunting",
            "value": 0,
            "value_text": "zero stunting",
            "deadline_year": 2026,
            "quote": GOALS,
            **extra,
        }
    )


def program() -> Program:
    return Program(name="Bapak Asuh Anak Stunting", quote=PROGRAM)


GOOD = Extraction(
    indicators=[
        cases_242(),
        cases_300(),
        Indicator(name="anak stunting", value=45, value_text="45", quote=PROGRAM),
    ],
    targets=[target_14(), zero_target()],
    programs=[program()],
)


def serious(extraction: Extraction) -> set[str]:
    return {
        f.kind
        for f in check(TEXT, extraction, date="2025-07-29")
        if f.severity in (Severity.error, Severity.warning)
    }


def test_good_extraction_raises_nothing() -> None:
    assert serious(GOOD) == set()


def replaced(**lists: list[Any]) -> Extraction:
    return GOOD.model_copy(update=lists)


@pytest.mark.parametrize(
    ("extraction", "expected"),
    [
        pytest.param(
            replaced(indicators=[cases_242(), cases_300("2025")]),
            {"roles.period_mismatch"},
            id="baseline-year-replaced",
        ),
        pytest.param(
            replaced(indicators=[cases_242("2019"), cases_300()]),
            {"roles.period_not_in_article", "trend.direction_mismatch"},
            id="period-nowhere-in-article",
        ),
        pytest.param(
            replaced(indicators=[cases_242("2024"), cases_300("2025")]),
            {"roles.period_mismatch", "trend.direction_mismatch"},
            id="years-swapped",
        ),
        pytest.param(
            replaced(
                targets=[
                    target_14(),
                    zero_target(),
                    Target(
                        indicator="kasus stunting",
                        value=300,
                        value_text="300",
                        deadline_year=2026,
                        quote=COUNTS,
                    ),
                ]
            ),
            {"roles.target_without_goal", "roles.deadline_mismatch", "roles.baseline_as_target"},
            id="2024-baseline-as-2026-target",
        ),
        pytest.param(
            replaced(targets=[target_14(), zero_target(deadline_year=2025)]),
            {"roles.deadline_mismatch"},
            id="deadline-of-the-other-goal",
        ),
        pytest.param(
            replaced(targets=[target_14()]),
            {"roles.zero_target_missed"},
            id="zero-stunting-not-extracted",
        ),
        pytest.param(
            replaced(targets=[target_14(), zero_target(value=None)]),
            {"grounding.value_mismatch", "roles.zero_target_missed"},
            id="zero-stunting-without-a-value",
        ),
        pytest.param(
            replaced(
                targets=[target_14()],
                indicators=[
                    cases_242(),
                    cases_300(),
                    Indicator(
                        name="angka stunting", value=0, value_text="zero stunting", quote=GOALS
                    ),
                ],
            ),
            {"roles.zero_target_as_indicator", "roles.zero_target_missed"},
            id="zero-stunting-as-a-measurement",
        ),
        pytest.param(
            replaced(
                indicators=[
                    cases_242(),
                    Indicator(
                        name="kasus stunting",
                        value=300,
                        value_text="300",
                        period="2024",
                        approximate=True,
                        quote="jumlah kasus stunting tercatat sebanyak mencapai sekitar 300 kasus.",
                    ),
                ]
            ),
            {"grounding.quote_not_found", "roles.stitched_quote"},
            id="quote-stitched-from-two-places",
        ),
    ],
)
def test_roles(extraction: Extraction, expected: set[str]) -> None:
    assert serious(extraction) == expected


def test_period_named_relative_to_the_article_year() -> None:
    text = "Tahun lalu jumlah kasus stunting tercatat 300 kasus."
    item = Indicator(name="kasus stunting", value=300, value_text="300", period="2024", quote=text)
    kinds = {f.kind for f in check(text, Extraction(indicators=[item]), date="2025-07-01")}
    assert not {"roles.period_not_in_article", "roles.period_mismatch"} & kinds
    kinds = {f.kind for f in check(text, Extraction(indicators=[item]), date="2027-07-01")}
    assert "roles.period_mismatch" in kinds  # 'tahun lalu' in 2027 is 2026


def test_deadline_this_year() -> None:
    text = "Pemkot menargetkan angka stunting ditekan hingga 14 persen tahun ini."
    target = Target(
        indicator="angka stunting",
        value=14,
        value_text="14 persen",
        unit="persen",
        deadline_year=2026,
        quote=text,
    )
    kinds = {f.kind for f in check(text, Extraction(targets=[target]), date="2025-07-29")}
    assert "roles.deadline_mismatch" in kinds


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        pytest.param("kasus stunting", True, id="national-target-as-local"),
        pytest.param("kasus stunting (target nasional)", False, id="scope-named"),
    ],
)
def test_national_target(name: str, flagged: bool) -> None:
    text = (
        "Dengan koordinasi yang solid, pihaknya optimis target nasional untuk menurunkan "
        "kasus stunting 14 persen per tahun bisa terwujud."
    )
    target = Target(
        indicator=name,
        value=14,
        value_text="14 persen per tahun",
        unit="persen",
        kind="per_year",
        quote=text,
    )
    kinds = {f.kind for f in check(text, Extraction(targets=[target]))}
    assert ("roles.scope_not_local" in kinds) is flagged


def unused(extraction: Extraction) -> list[str]:
    return [
        TEXT[f.spans[0].start : f.spans[0].end]
        for f in check(TEXT, extraction)
        if f.kind == "coverage.unused_number"
    ]


def test_coverage_lists_numbers_left_out_of_topic_sentences() -> None:
    assert unused(GOOD) == []
    without_45 = replaced(indicators=[cases_242(), cases_300()])
    assert unused(without_45) == ["45"]
    assert unused(replaced(indicators=[])) == ["242", "300", "45"]


def test_coverage_ignores_dates_years_and_other_topics() -> None:
    # 2024, 2025, 2026 are years; 260 peserta is in a sentence not about stunting.
    assert all(
        n not in unused(replaced(indicators=[], targets=[]))
        for n in ("2024", "2025", "2026", "260")
    )


def test_coverage_flags_are_info() -> None:
    flags = [f for f in check(TEXT, replaced(indicators=[])) if f.kind.startswith("coverage.")]
    assert flags and all(f.severity is Severity.info and f.item_id is None for f in flags)


# A row naming a place under a line naming the topic, and a sentence pointing back to the one
# before it in its paragraph, are about the topic; rows under another subject and a sentence
# not pointing back are not, nor is a list item's own number.
LISTED = (
    "Judul\n\nBerikut prevalensi stunting per kabupaten (SKI 2023 → SSGI 2024):\n\n"
    "1. Kabupaten A: 31,2 persen → 27,5 persen\n\n"
    "Tingkat kemiskinan per kabupaten:\n\n1. Kabupaten A: 11,4 persen\n\n"
    "Prevalensi stunting turun. Angka itu di atas rata-rata nasional yang tercatat 19,8 persen.\n\n"
    "Prevalensi stunting turun. Rata-rata nasional tercatat 18,5 persen."
)


def test_coverage_reads_list_openers_and_sentences_pointing_back() -> None:
    flagged = [
        LISTED[f.spans[0].start : f.spans[0].end]
        for f in check(LISTED, Extraction())
        if f.kind == "coverage.unused_number"
    ]
    assert flagged == ["31,2 persen", "27,5 persen", "19,8 persen"]


# Correct items that must draw no role flag (issue 10's precision), each with the faulty twin
# that must.
def goal(quote: str, value_text: str = "14 persen", **extra: Any) -> Target:
    return Target(**{"indicator": "prevalensi stunting", "value": float(value_text.split()[0]),
                     "value_text": value_text, "unit": "persen", "quote": quote, **extra})


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        pytest.param("Pemkot harapkan dapat menurunkan prevalensi stunting hingga 14 persen.",
                     goal("Pemkot harapkan dapat menurunkan prevalensi stunting hingga 14 "
                          "persen."), [], id="target-after-harapkan"),
        pytest.param("Kami berharap prevalensi stunting turun menjadi 14 persen.",
                     goal("Kami berharap prevalensi stunting turun menjadi 14 persen."), [],
                     id="target-after-berharap"),
        pytest.param("Kami rencanakan tahun depan sudah 14 persen.",
                     goal("Kami rencanakan tahun depan sudah 14 persen."), [],
                     id="target-after-rencanakan"),
        pytest.param("Dinkes merencanakan penurunan 3 persen dengan menambah kunjungan.",
                     goal("Dinkes merencanakan penurunan 3 persen dengan menambah kunjungan.",
                          "3 persen", kind="reduce_by"), [], id="target-after-merencanakan"),
        pytest.param("Pemkab berencana menurunkan angka stunting menjadi 12 persen.",
                     goal("Pemkab berencana menurunkan angka stunting menjadi 12 persen.",
                          "12 persen"), [], id="target-after-berencana"),
        pytest.param("Tahun ini kita harus bisa di angka 14 persen.",
                     goal("Tahun ini kita harus bisa di angka 14 persen."), [],
                     id="target-after-harus-bisa"),
        pytest.param("Prevalensi stunting tercatat 14 persen pada 2024.",
                     goal("Prevalensi stunting tercatat 14 persen pada 2024."),
                     ["roles.target_without_goal"], id="a-measurement-is-no-target"),
        pytest.param("Angka itu masih jauh dari target nasional 14 persen pada 2024.",
                     goal("Angka itu masih jauh dari target nasional 14 persen pada 2024.",
                          deadline_year=2024, scope="national"), [],
                     id="national-target-with-a-scope-and-a-past-deadline"),
        pytest.param("Angka itu masih jauh dari target nasional 14 persen pada 2024.",
                     goal("Angka itu masih jauh dari target nasional 14 persen pada 2024.",
                          deadline_year=2024),
                     ["plausibility.deadline_in_past", "roles.scope_not_local"],
                     id="national-target-taken-as-the-city's"),
        pytest.param("Angka provinsi masih di atas rata-rata nasional yang tercatat 19,8 "
                     "persen.",
                     Indicator(name="prevalensi stunting nasional", value=19.8,
                               value_text="19,8 persen", unit="persen", quote="Angka provinsi "
                               "masih di atas rata-rata nasional yang tercatat 19,8 persen."),
                     [], id="the-nearest-scope-word-is-the-figure's"),
    ],
)
def test_correct_items_draw_no_role_flag(text: str, item: Indicator | Target,
                                         expected: list[str]) -> None:
    extraction = Extraction(indicators=[item] if isinstance(item, Indicator) else [],
                            targets=[item] if isinstance(item, Target) else [])
    kinds = sorted(f.kind for f in check(text, extraction, date="2025-03-01")
                   if f.severity is not Severity.info and not f.kind.startswith("coverage"))
    assert kinds == expected


PROVINCE = ("Prevalensi Stunting Teluk Sagara Turun\n\nSAGARA - Pemerintah Provinsi (Pemprov) "
            "Teluk Sagara mencatat prevalensi stunting di provinsi ini turun. Data e-PPGBM "
            "mencatat 6.214 balita stunting dari 118.530 balita yang diukur di seluruh provinsi.")


@pytest.mark.parametrize(("text", "flagged"), [
    pytest.param(PROVINCE, False, id="a-province's-own-figure"),
    pytest.param(PROVINCE.replace("Pemerintah Provinsi (Pemprov)", "Pemerintah Kota"), True,
                 id="a-city-article-quoting-the-province"),
])
def test_a_provincial_article_reports_its_own_figures(text: str, flagged: bool) -> None:
    quote = text.split(". ")[-1]
    item = Indicator(name="balita yang diukur", value=118530, value_text="118.530",
                     unit="balita", quote=quote)
    kinds = [f.kind for f in check(text, Extraction(indicators=[item]))]
    assert ("roles.scope_not_local" in kinds) is flagged


@pytest.mark.parametrize(("text", "flagged"), [
    pytest.param("Apakah Sungai Rawa menargetkan zero stunting? Saya tidak mau menjanjikan "
                 "zero stunting.", False, id="asked-and-denied"),
    pytest.param("Pemkab menargetkan zero stunting pada 2027.", True, id="set"),
])
def test_a_zero_goal_asked_about_or_denied_is_not_set(text: str, flagged: bool) -> None:
    kinds = [f.kind for f in check(text, Extraction())]
    assert ("roles.zero_target_missed" in kinds) is flagged


@pytest.mark.parametrize(("name", "flagged"), [
    pytest.param("Posyandu Prima", False, id="a-service-held-at-a-posyandu"),
    pytest.param("Rumah Pemulihan Gizi (RPG)", False, id="a-service-house"),
    pytest.param("Posyandu", True, id="a-place-alone"),
    pytest.param("Dinas Kesehatan", True, id="an-office"),
])
def test_service_places_are_programs_offices_are_not(name: str, flagged: bool) -> None:
    text = f"Pemkot meluncurkan {name} untuk balita stunting."
    program = Program(name=name, quote=text)
    kinds = [f.kind for f in check(text, Extraction(programs=[program]))]
    assert ("roles.office_as_program" in kinds) is flagged


def test_a_year_before_menjadi_dates_the_start_of_the_change() -> None:
    text = ("Prevalensi turun dari 27,4 persen pada Survei Kesehatan Indonesia (SKI) 2023 menjadi "
            "24,1 persen berdasarkan Survei Status Gizi Indonesia (SSGI) 2024.")
    item = Indicator(name="prevalensi stunting", value=24.1, value_text="24,1 persen",
                     unit="persen", period="2024", quote=text)
    assert "roles.period_mismatch" not in [f.kind for f in check(text, Extraction(
        indicators=[item]))]


@pytest.mark.parametrize(("source", "flagged"), [
    pytest.param("hasil Survei Kesehatan Indonesia (SKI) 2023", False,
                 id="the-year-of-a-source-named-after-the-value"),
    pytest.param("hasil Survei Kesehatan Indonesia (SKI) 2024", True,
                 id="a-source-of-another-year"),
])
def test_a_source_after_the_value_dates_it_past_its_short_form(source: str,
                                                               flagged: bool) -> None:
    text = (f"Pemkab menargetkan angka stunting turun menjadi 18 persen pada 2026 dari 24,6 "
            f"persen {source}.")
    item = Indicator(name="prevalensi stunting", value=24.6, value_text="24,6 persen",
                     unit="persen", period="2023", quote=text)
    kinds = [f.kind for f in check(text, Extraction(indicators=[item]))]
    assert ("roles.period_mismatch" in kinds) is flagged


@pytest.mark.parametrize(("sentence", "value_text", "flagged"), [
    pytest.param("Kader mendampingi balita stunting selama 90 hari.", "90", True,
                 id="a-duration"),
    pytest.param("Rapat stunting itu dihadiri 80 peserta.", "80", True, id="an-audience"),
    pytest.param("Dua kelurahan sudah tidak lagi memiliki balita stunting.", "Dua", False,
                 id="a-count-of-places-where-the-topic-holds-is-a-figure"),
    pytest.param("Tercatat 512 balita stunting tahun ini.", "512", False, id="a-count-of-people"),
    pytest.param("Setiap tim terdiri dari tiga orang.", "tiga", False,
                 id="the-size-of-each-team-is-a-figure"),
    pytest.param("Anggaran stunting Rp2,5 miliar.", "Rp2,5 miliar", False,
                 id="a-budget-is-a-figure"),
])
def test_a_figure_the_rules_read_as_no_count_is_flagged_for_review(
    sentence: str, value_text: str, flagged: bool
) -> None:
    """The model kept it, the candidates' rules would have set it aside: a reviewer decides."""
    item = Indicator(name="stunting", value=None, value_text=value_text, quote=sentence)
    flags = [f for f in check(sentence, Extraction(indicators=[item]))
             if f.kind == "roles.rules_doubt_count"]
    assert bool(flags) is flagged
    assert all(f.severity is Severity.warning and f.field == "indicators[0].value" for f in flags)


EVENT = ("Dari hasil pengukuran Februari 2025, ada 2.084 balita stunting. Sebanyak 611 di "
         "antaranya tinggal di wilayah terdampak {event} yang belum pulih sepenuhnya.")


@pytest.mark.parametrize(("event", "flagged"), [
    pytest.param("bencana 2018", False, id="the-year-of-a-disaster-is-not-the-figure's"),
    pytest.param("pandemi 2020", False, id="the-year-of-a-pandemic-is-not-the-figure's"),
    pytest.param("bencana pada 2018", True, id="a-figure-dated-2018-is-not-2025's"),
    pytest.param("bencana menurut data 2018", True, id="data-of-2018-is-not-2025's"),
])
def test_a_year_naming_an_event_is_not_the_figures_period(event: str, flagged: bool) -> None:
    text = EVENT.format(event=event)
    item = Indicator(name="balita stunting di wilayah terdampak", value=611, value_text="611",
                     unit="balita", period="Februari 2025", quote=text.split(". ")[1])
    flags = [f for f in check(text, Extraction(indicators=[item]))
             if f.kind == "roles.period_mismatch"]
    assert len(flags) == flagged
    if flagged:
        assert "recorded for Februari 2025, but its own clause gives 2018" in flags[0].message


@pytest.mark.parametrize(("deadline", "flagged"), [
    pytest.param(2030, False, id="the-year-a-goal-heads-for"),
    pytest.param(2028, True, id="another-year-than-the-goal's"),
])
def test_a_year_after_a_word_of_goal_is_the_goals_deadline(deadline: int, flagged: bool) -> None:
    """'menuju 2030' is written in lower case like 'bencana 2018', but a word of goal dates it."""
    text = "Pemkab menargetkan prevalensi stunting turun menjadi 10 persen menuju 2030."
    target = Target(indicator="prevalensi stunting", value=10, value_text="10 persen",
                    unit="persen", deadline_year=deadline, quote=text)
    flags = [f for f in check(text, Extraction(targets=[target]), date="2025-03-01")
             if f.kind == "roles.deadline_mismatch"]
    assert len(flags) == flagged
    if flagged:
        assert "recorded for 2028, but its value's clause gives 2030" in flags[0].message


@pytest.mark.parametrize(("text", "flagged"), [
    pytest.param("Strategi Nasional Percepatan Penurunan Stunting di Kendari didukung anggaran "
                 "Rp 850 juta dari APBD.", False, id="a-scope-word-inside-a-name"),
    pytest.param("Kendari mendapat bantuan nasional untuk stunting sebesar Rp 850 juta.", True,
                 id="a-national-figure"),
])
def test_a_scope_word_inside_a_name_places_no_figure(text: str, flagged: bool) -> None:
    item = Indicator(name="anggaran stunting", value=850e6, value_text="Rp 850 juta",
                     unit="rupiah", quote=text)
    kinds = {f.kind for f in check(text, Extraction(indicators=[item]))}
    assert ("roles.scope_not_local" in kinds) is flagged
