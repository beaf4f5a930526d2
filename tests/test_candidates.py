"""The candidates strategy: which numbers reach the model, which labels it may choose, the fields
the rules read, the programs the rules propose, and the whole strategy on a fake model whose
replies are written out below (no network, no cassette)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from llmextract.checks import check
from llmextract.extract.candidates import CandidatesStrategy
from llmextract.extract.candidates.fields import Rules, find_period, to_indicator, to_target
from llmextract.extract.candidates.label import (
    Label,
    LabelRules,
    allowed_labels,
    label_candidates,
    marked_sentence,
)
from llmextract.extract.candidates.programs import confirm_programs, propose_programs
from llmextract.extract.candidates.propose import find_candidates, split_sentences
from llmextract.llm import Structured
from llmextract.models import TargetKind, Usage
from llmextract.prompts import Prompt, load_prompt
from llmextract.text.clean import clean_text
from llmextract.text.numbers import parse_numbers

from .conftest import SEEDS

PROMPT = load_prompt("candidates")


def seed(prefix: str) -> str:
    return clean_text(next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")).text


def with_data(prompt: Prompt, **data: Any) -> Prompt:
    return Prompt(
        prompt.name, prompt.version, prompt.strategy, prompt.hash, {**prompt.data, **data}
    )


def candidate(text: str, value_text: str):
    found, _ = find_candidates(text)
    return next(c for c in found if c.value_text == value_text)


# ------------------------------------------------------------------ hand-made model replies


@dataclass
class FakeClient:
    """Answers every label request with ``reply`` (or ``replies[value_text]``) and records the
    requests, like ``ModelClient`` would send them."""

    reply: str = " other"
    replies: dict[str, str] = field(default_factory=dict)
    prompts: list[str] = field(default_factory=list)
    params: list[dict[str, Any]] = field(default_factory=list)

    def complete(
        self, prompt: str, *, params: dict[str, Any], prompt_version: str
    ) -> tuple[str, Usage]:
        self.prompts.append(prompt)
        self.params.append(params)
        marked = prompt.rsplit("[[", 1)[1].split("]]", 1)[0]
        return self.replies.get(marked, self.reply), Usage(
            prompt_tokens=10, completion_tokens=1, calls=1
        )

    def structured(self, messages, response_model, *, source, params, prompt_version) -> Structured:
        self.prompts.append(source)
        label = self.replies.get(source.rsplit("[[", 1)[1].split("]]", 1)[0], self.reply).strip()
        return Structured(response_model(label=label), [], Usage(calls=1))


# A count the rules cannot settle (no noun of the topic, no topic in the sentence): the model
# decides.
# In an article about the topic (its headline names it), a count the rules cannot place.
UNSURE_COUNT = "Pekan Aksi Stunting\n\nKegiatan itu melibatkan 85 relawan dari berbagai komunitas."
REPLY_OTHER_FOR_VOLUNTEERS = {"85": " other"}
REPLY_OUTSIDE_THE_GRAMMAR = " maybe"


# ------------------------------------------------------------------ candidates and set-asides


@pytest.mark.parametrize(
    "prefix, value_text, reason",
    [
        ("000", "2025", "year, not a quantity"),
        ("001", "Kamis 5 Desember 2024", "date, not a quantity"),
        ("002", "Semester I Tahun 2025", "period, not a quantity"),
        ("003", "kedua", "ordinal (a rank), not a quantity"),
        ("003", "708", "headline restating a number of the body"),
        ("004", "98", "on a boilerplate line (timestamp+view_counter)"),
        ("004", "14:05 WIB", "time, not a quantity"),
        ("004", "Satu", "number word inside a capitalised name"),
        ("004", "260", "the audience of an event, not a stunting figure"),
        ("002", "nol stunting", "zero-stunting slogan restating the first one"),
        ("002", "Zero Stunting", "headline restating a number of the body"),
    ],
)
def test_numbers_set_aside_before_the_model(prefix: str, value_text: str, reason: str) -> None:
    _, aside = find_candidates(seed(prefix))
    assert reason in {a.reason for a in aside if a.mention.text == value_text}


@pytest.mark.parametrize(
    "prefix, expected",
    [
        ("000", ["242", "300", "1 sampai 2 persen", "130"]),
        ("001", []),
        ("003", ["941", "771", "708", "14 persen", "zero stunting"]),
        ("004", ["30.000", "292.095", "30.980", "10,6%"]),
    ],
)
def test_candidates_of_each_seed(prefix: str, expected: list[str]) -> None:
    found, _ = find_candidates(seed(prefix))
    assert [c.value_text for c in found] == expected


DURATION_AND_AGE = "Judul\n\nStunting turun dalam lima tahun terakhir pada balita usia 6-59 bulan."
PMT_FOR_56_DAYS = (
    "Judul\n\nPMT untuk balita stunting berjalan selama 56 hari, tiga kali dalam sepekan."
)
THIS_YEAR_IS_NOT_A_DURATION = "Judul\n\nKasus stunting tercatat 242 tahun ini."
PLACES = "Judul\n\nPenimbangan balita stunting digelar di 1.318 posyandu di 19 kecamatan."
THINGS = "Judul\n\nRembuk stunting membahas tiga program bersama 26 perangkat daerah."
FACTORS_AND_WEIGHT = (
    "Judul\n\nAda tiga faktor penyebab stunting, antara lain bayi lahir di bawah 2.500 gram."
)
NUMBERED_LIST = (
    "Judul\n\nProgram penurunan stunting:\n\n1. **PMT lokal** untuk 300 balita.\n2. Kelas ibu "
    "hamil."
)
RULE_PER_UNIT = "Judul\n\nSatu orang tua asuh mendampingi satu sampai dua anak stunting."
EVERY_YEAR_IS_NOT_A_RULE_PER_UNIT = "Judul\n\nSetiap tahun 300 anak stunting ditemukan."
BUDGET = "Judul\n\nPemkab menyiapkan Rp 1,2 miliar untuk stunting."
BUDGET_SHARE = (
    "Judul\n\nDana desa, yang minimal 8 persen wajib dialokasikan untuk penanganan stunting."
)
BUDGET_SHARE_NOT_FOR_THE_TOPIC = (
    "Judul\n\nDana desa, yang minimal 20 persen wajib dialokasikan untuk ketahanan pangan."
)
BUDGET_GROWTH = (
    "Judul\n\nAnggaran stunting tahun ini Rp 3,2 miliar, naik 20 persen dari tahun sebelumnya."
)
SHORT_DATE = "Judul\n\nData 420 balita stunting dipaparkan di aula, Selasa (14/10)."
AGE_AFTER_NAME = "Judul\n\nSeorang ibu, Rina (27), mengaku anaknya tergolong stunting."
POINTING_BACK = (
    "Judul\n\nTercatat 640 balita stunting. Dari 640 balita stunting itu, 500 anak sudah "
    "mendapat PMT."
)
PHONE = "Judul\n\nKonsultasi gizi balita stunting lewat WhatsApp 0812-3344-5566 atau (0274) 551234."
# Two more ways of writing one (blind14): the area code's number with a dash, two groups only.
PHONE_GROUPS = "Judul\n\nPosko balita stunting: (0262) 233-456 atau layanan 0567-21044."
TABLE_ROW_NUMBERS = ("Judul\n\nSebaran balita stunting:\n\n| No | Puskesmas | Balita Stunting |\n"
                     "|---|---|---|\n| 1 | Kapan | 212 |\n| 2 | Boking | 137 |")
ADDRESS = "Judul\n\nBalita stunting dilayani di sini.\n\nJl. Merdeka No. 12, Kota Baru 40111"
RADIO = "Judul\n\nDialog soal stunting disiarkan di 101,5 FM."
DAY_OF_MONTH = "Judul\n\nPenimbangan balita stunting digelar setiap tanggal 15."
IDENTIFIERS = (
    "Judul\n\nDi RT 04 ada balita stunting; kabupaten itu di peringkat 3 penurunan stunting."
)
AUDIENCE = (
    "Judul\n\nBupati berbicara soal stunting di hadapan sekitar 200 kader. Rakor diikuti 85 "
    "peserta."
)


@pytest.mark.parametrize(
    "text, value_text, reason",
    [
        (DURATION_AND_AGE, "lima", "a duration, age, frequency or measure, not a count"),
        (DURATION_AND_AGE, "6-59", "a duration, age, frequency or measure, not a count"),
        (PMT_FOR_56_DAYS, "56", "a duration, age, frequency or measure, not a count"),
        (PMT_FOR_56_DAYS, "tiga", "a duration, age, frequency or measure, not a count"),
        (PLACES, "1.318", "a count of places or things, not of people"),
        (PLACES, "19", "a count of places or things, not of people"),
        (THINGS, "tiga", "a count of places or things, not of people"),
        (THINGS, "26", "a count of places or things, not of people"),
        (FACTORS_AND_WEIGHT, "tiga", "a count of places or things, not of people"),
        (FACTORS_AND_WEIGHT, "2.500", "a duration, age, frequency or measure, not a count"),
        (NUMBERED_LIST, "1", "the number of a list item"),
        (NUMBERED_LIST, "2", "the number of a list item"),
        (RULE_PER_UNIT, "Satu", "a rule per unit ('setiap', 'satu ...'), not a total"),
        (RULE_PER_UNIT, "satu sampai dua", "a rule per unit ('setiap', 'satu ...'), not a total"),
        (BUDGET_SHARE_NOT_FOR_THE_TOPIC, "20 persen",
         "a share of a budget not for the topic, not a stunting measure"),
        (BUDGET_GROWTH, "20 persen",
         "a share after an amount of money (its change), not a stunting measure"),
        (AUDIENCE, "200", "the audience of an event, not a stunting figure"),
        (AUDIENCE, "85", "the audience of an event, not a stunting figure"),
        (SHORT_DATE, "14", "a date (day/month), not a quantity"),
        (SHORT_DATE, "10", "a date (day/month), not a quantity"),
        (AGE_AFTER_NAME, "27", "the age of a person named before it"),
        (PHONE, "3344-5566", "part of a phone number"),
        (PHONE, "551234", "part of a phone number"),
        (PHONE_GROUPS, "233-456", "part of a phone number"),
        (PHONE_GROUPS, "21044", "part of a phone number"),
        (TABLE_ROW_NUMBERS, "1", "the number of a table row"),
        (TABLE_ROW_NUMBERS, "2", "the number of a table row"),
        (ADDRESS, "12", "on a boilerplate line (address)"),
        (ADDRESS, "40111", "on a boilerplate line (address)"),
        (RADIO, "101,5", "a duration, age, frequency or measure, not a count"),
        (DAY_OF_MONTH, "15", "a day of the month ('setiap tanggal 10'), not a count"),
        (
            IDENTIFIERS,
            "04",
            "a number naming or ranking something ('RT 03', 'peringkat 5'), not a count",
        ),
        (
            IDENTIFIERS,
            "3",
            "a number naming or ranking something ('RT 03', 'peringkat 5'), not a count",
        ),
    ],
)
def test_numbers_that_are_not_counts_are_set_aside(text: str, value_text: str, reason: str) -> None:
    found, aside = find_candidates(text)
    assert [a.reason for a in aside if a.mention.text == value_text] == [reason]
    assert value_text not in [c.value_text for c in found]


@pytest.mark.parametrize(
    "text, value_text",
    [
        (THIS_YEAR_IS_NOT_A_DURATION, "242"),
        (NUMBERED_LIST, "300"),  # a number inside a list item is not its marker
        (TABLE_ROW_NUMBERS, "212"),  # a numbered table row's count
        (EVERY_YEAR_IS_NOT_A_RULE_PER_UNIT, "300"),  # 'setiap tahun' is a frequency, not a unit
    ],
)
def test_counts_next_to_those_words_stay_candidates(text: str, value_text: str) -> None:
    assert candidate(text, value_text).value_text == value_text


def test_a_number_pointing_back_to_the_same_number_restates_it() -> None:
    found, aside = find_candidates(POINTING_BACK)
    assert [c.value_text for c in found] == ["640", "500"]
    assert [a.reason for a in aside] == ["pointing back to the same number before it"]


REPEATED = (
    "Judul\n\nPrevalensi stunting 21,4 persen, atau 2 dari 10 anak. \"Kami prihatin, 21,4 persen "
    "masih tinggi, 2 dari 10 anak terlalu banyak,\" kata Bupati."
)


def test_a_repeated_distinctive_number_restates_it_and_a_small_one_is_kept() -> None:
    found, aside = find_candidates(REPEATED)
    assert [c.value_text for c in found] == ["21,4 persen", "2", "10", "2", "10"]
    assert [a.reason for a in aside if a.mention.text == "21,4 persen"] == [
        "repeating a distinctive number of the body"
    ]


LIST_UNDER_AN_OPENER = (
    "Judul\n\nBalita stunting per kecamatan:\n\n- Kecamatan Barat: 231 balita (5,1%)\n"
    "- Kecamatan Timur: 198 balita (4,4%)\n\nPosyandu melayani 4.500 balita."
)


def test_a_list_row_knows_the_line_opening_its_list() -> None:
    found, _ = find_candidates(LIST_UNDER_AN_OPENER)
    intros = {c.value_text: c.intro.text if c.intro else None for c in found}
    assert intros == {
        "231": "Balita stunting per kecamatan:",
        "5,1%": "Balita stunting per kecamatan:",
        "198": "Balita stunting per kecamatan:",
        "4,4%": "Balita stunting per kecamatan:",
        "4.500": None,
    }


def test_every_candidate_sentence_is_a_verbatim_single_line_quote() -> None:
    text = seed("004")
    for c in find_candidates(text)[0]:
        assert text[c.sentence.start : c.sentence.end] == c.sentence.text
        assert "\n" not in c.sentence.text
        assert c.sentence.start <= c.mention.start < c.mention.end <= c.sentence.end


@pytest.mark.parametrize(
    "line, sentences",
    [
        ("Wakil Walikota Metro M. Rafieq hadir. Ia berbicara.", 2),
        ("Data 292.095 keluarga. Sebanyak 10,6% berisiko.", 2),
        ("“Kami menargetkan 2 persen,” ujarnya. Lalu pulang.", 2),
        ("Satu kalimat tanpa akhir", 1),
    ],
)
def test_sentence_split(line: str, sentences: int) -> None:
    assert len(split_sentences("Judul\n\n" + line)) == 1 + sentences


# ------------------------------------------------------------------ labels the model may choose

LABEL_RULES = LabelRules.load(PROMPT)


@pytest.mark.parametrize(
    "prefix, value_text, trust, expected",
    [
        ("002", "zero stunting", True, [Label.target]),
        ("002", "zero stunting", False, [Label.target, Label.other]),
        ("000", "1 sampai 2 persen", True, [Label.target]),
        ("000", "1 sampai 2 persen", False, [Label.indicator, Label.target, Label.other]),
        ("000", "242", True, [Label.indicator]),  # clause names 'kasus stunting'
        ("002", "99", True, [Label.indicator]),  # table row names 'Calon Pengantin (Catin)'
        ("000", "130", True, [Label.indicator]),  # '130 tim TPK': the workforce is counted
    ],
)
def test_allowed_labels(prefix: str, value_text: str, trust: bool, expected: list[Label]) -> None:
    assert allowed_labels(candidate(seed(prefix), value_text), LABEL_RULES, trust) == expected


@pytest.mark.parametrize(("opening", "expected"), [
    ("Di luar urusan stunting, Pemkot", [Label.other]),  # set apart from the topic
    ("Untuk penanganan stunting, Pemkot", [Label.indicator]),
])
def test_a_sentence_set_apart_from_the_topic_holds_no_figure_of_it(
        opening: str, expected: list[Label]) -> None:
    text = f"Judul\n\n{opening} juga menganggarkan Rp9,8 miliar tahun ini."
    assert allowed_labels(candidate(text, "Rp9,8 miliar"), LABEL_RULES) == expected


@pytest.mark.parametrize("trust", [True, False])
def test_a_count_the_rules_cannot_settle_goes_to_the_model_never_as_a_target(trust: bool) -> None:
    assert allowed_labels(candidate(UNSURE_COUNT, "85"), LABEL_RULES, trust) == [
        Label.indicator,
        Label.other,
    ]


def test_marked_sentence_marks_only_the_candidate_and_can_narrow_to_a_window() -> None:
    c = candidate(seed("004"), "30.000")
    assert "lebih dari [[30.000]] keluarga" in marked_sentence(c, "[[ ]]")
    assert "[[260]]" not in marked_sentence(c, "[[ ]]")
    assert marked_sentence(c, "[[ ]]", window=2) == "lebih dari [[30.000]] keluarga berisiko"


def test_completion_prompt_ends_where_the_label_starts() -> None:
    client = FakeClient(replies=REPLY_OTHER_FOR_VOLUNTEERS)
    label_candidates([candidate(UNSURE_COUNT, "85")], client, PROMPT)  # type: ignore[arg-type]
    assert client.prompts[0].endswith("Label:")
    assert client.params[0]["extra_body"]["grammar"] == 'root ::= " indicator" | " other"'
    assert client.params[0]["temperature"] == 0 and "seed" in client.params[0]


def test_rules_settle_what_they_are_sure_of_without_a_model_call() -> None:
    client = FakeClient()
    found, _ = find_candidates(seed("003"))
    got = label_candidates(found, client, PROMPT)  # type: ignore[arg-type]
    assert client.prompts == [] and got.usage.calls == 0
    assert [x.label for x in got.labels] == [Label.indicator] * 3 + [Label.target] * 2


def test_a_reply_outside_the_grammar_is_a_problem_and_the_number_is_kept_with_a_doubt() -> None:
    got = label_candidates(
        [candidate(UNSURE_COUNT, "85")], FakeClient(reply=REPLY_OUTSIDE_THE_GRAMMAR), PROMPT
    )  # type: ignore[arg-type]
    assert got.labels[0].label is Label.indicator
    assert got.labels[0].doubt == "the model read '85' with no usable label"
    assert got.problems and "85" in got.problems[0]


def test_chat_path_validates_the_same_labels() -> None:
    client = FakeClient(replies=REPLY_OTHER_FOR_VOLUNTEERS)
    got = label_candidates([candidate(UNSURE_COUNT, "85")], client, load_prompt("candidates-chat"))  # type: ignore[arg-type]
    assert got.labels[0].doubt == "the model read '85' as no figure of the topic"


def test_a_number_the_rules_settle_draws_no_model_doubt() -> None:
    text = "Pekan Aksi Stunting\n\nBupati menargetkan prevalensi stunting turun menjadi 10 persen."
    got = label_candidates([candidate(text, "10 persen")], FakeClient(reply=" other"), PROMPT)  # type: ignore[arg-type]
    assert [(x.label, x.doubt) for x in got.labels] == [(Label.target, None)]


# ------------------------------------------------------------------ fields read by rules

RULES = Rules.load(PROMPT)


@pytest.mark.parametrize(
    "prefix, value_text, name, unit, population, period, approximate",
    [
        (
            "000",
            "242",
            "kasus stunting",
            "kasus",
            None,
            "2025",
            False,
        ),  # period from the line before
        ("000", "300", "kasus stunting", "kasus", None, "2024", True),  # 'dibandingkan tahun 2024'
        ("000", "130", "tim TPK", "tim", None, None, False),
        ("002", "1.725", "stunting", "sasaran", None, "Juli 2025", False),  # '1.725 di antaranya'
        (
            "002",
            "1.022",
            "Ibu Hamil (Bumil) didampingi",
            None,
            "Ibu Hamil (Bumil)",
            "Juli 2025",
            False,
        ),
        ("003", "771", "balita stunting", "balita", "balita", "akhir tahun 2023", False),
        ("003", "708", "balita stunting", "balita", "balita", "akhir bulan Februari 2024", False),
        ("004", "30.000", "keluarga berisiko stunting", "keluarga", "keluarga", None, True),
        ("004", "10,6%", "keluarga sasaran", "persen", None, "2024", False),
    ],
)
def test_indicator_fields(prefix, value_text, name, unit, population, period, approximate) -> None:
    text = seed(prefix)
    item = to_indicator(text, candidate(text, value_text), parse_numbers(text), RULES)
    assert (item.name, item.unit, item.population, item.period, item.approximate) == (
        name,
        unit,
        population,
        period,
        approximate,
    )
    assert item.value_text == value_text and text[item.span.start : item.span.end] == item.quote


@pytest.mark.parametrize(
    "prefix, value_text, value, value_max, kind, deadline",
    [
        ("000", "1 sampai 2 persen", 1, 2, TargetKind.per_year, None),
        ("002", "14 persen", 14, None, TargetKind.level, 2025),  # 'tahun ini' = the article's year
        ("002", "zero stunting", 0, None, TargetKind.level, 2026),
        ("003", "14 persen", 14, None, TargetKind.per_year, None),
    ],
)
def test_target_fields(prefix, value_text, value, value_max, kind, deadline) -> None:
    text = seed(prefix)
    item = to_target(text, candidate(text, value_text), parse_numbers(text), RULES)
    assert (item.value, item.value_max, item.kind, item.deadline_year, item.unit is None) == (
        value,
        value_max,
        kind,
        deadline,
        value_text == "zero stunting",
    )


def test_a_year_stated_for_another_number_is_not_the_period() -> None:
    text = (
        "Judul\n\nData 2024 lama.\n\nTercatat 50 kasus stunting, turun dibandingkan tahun 2023 "
        "yang 60 kasus."
    )
    c = candidate(text, "50")
    assert find_period(text, c, parse_numbers(text), RULES) == "2024"


# ------------------------------------------------------------------ programs proposed by rules


@pytest.mark.parametrize(
    "prefix, expected",
    [
        (
            "000",
            [
                (
                    "Pendampingan dan pemberdayaan keluarga",
                    "activity",
                    False,
                ),  # 'Dinas Sosial, Bappeda':
                (
                    "Pembenahan pada peran Tim Pendamping Keluarga (TPK)",
                    "activity",
                    False,
                ),  # offices
                ("Pemberian vitamin", "listed_activity", False),
            ],
        ),
        (
            "001",
            [("Bapak Asuh dan Ibu Asuh Anak Stunting", "after_program_word", False)],
        ),  # not PPS
        (
            "002",
            [
                ("pembagian telur kepada keluarga berisiko stunting", "copula", False),
                ("Pendampingan dan pemantauan oleh Tim Pendamping Keluarga", "bullet", True),
                ("Rapat mini lokakarya stunting di tingkat kecamatan", "bullet", True),
                ("Koordinasi rutin di tingkat kota", "bullet", True),
            ],
        ),
        ("003", []),
        (
            "004",
            [
                ("Gerakan Orang Tua Asuh Cegah Stunting (Genting)", "acronym", True),
                ("Satu Telur Satu Minggu (Sate Sami)", "acronym", True),
                ("Distribusi bantuan sembako bekerja sama dengan Baznas", "enumeration", False),
                (
                    "Pemberian makanan sehat bagi balita stunting oleh Dinas Ketahanan Pangan",
                    "enumeration",
                    False,
                ),
                ("Penguatan pos gizi di kelurahan-kelurahan", "enumeration", False),
            ],
        ),
    ],
)
def test_program_proposals(prefix: str, expected: list[tuple[str, str, bool]]) -> None:
    text = seed(prefix)
    found = propose_programs(text, PROMPT.data["programs"])
    assert [(p.program.name, p.rule, p.sure) for p in found] == expected
    assert all(text[p.program.span.start : p.program.span.end] == p.program.quote for p in found)


def test_organisations_with_acronyms_are_not_programs() -> None:
    names = [p.program.name for p in propose_programs(seed("002"), PROMPT.data["programs"])]
    assert not any("(OPD)" in n or "(P3AKB)" in n for n in names)


REPLY_REJECT_EVERY_UNSURE_PROGRAM = " other"


@pytest.mark.parametrize(
    "confirm, kept, calls",
    [
        (False, 5, 0),  # default: every proposal kept, no model call
        (True, 2, 3),  # the model is asked about the three enumeration items and rejects them
    ],
)
def test_program_confirmation(confirm: bool, kept: int, calls: int) -> None:
    prompt = with_data(PROMPT, programs={**PROMPT.data["programs"], "confirm": confirm})
    client = FakeClient(reply=REPLY_REJECT_EVERY_UNSURE_PROGRAM)
    programs, problems, usage = confirm_programs(
        propose_programs(seed("004"), prompt.data["programs"]), client, prompt
    )  # type: ignore[arg-type]
    assert (len(programs), usage.calls, problems) == (kept, calls, [])
    assert all(p.endswith("Label:") and "[[" in p for p in client.prompts)


# ------------------------------------------------------------------ the whole strategy


def test_strategy_on_a_seed_with_a_fake_model() -> None:
    text = seed("004")
    result = CandidatesStrategy().extract(text, FakeClient(), PROMPT)  # type: ignore[arg-type]
    values = [i.value_text for i in result.extraction.indicators]
    assert values == ["30.000", "292.095", "30.980", "10,6%"]
    assert result.usage.calls == 0 and result.problems == []  # the rules settle every candidate
    for item in result.extraction.indicators:
        assert item.value_text in item.quote and text[item.span.start : item.span.end] == item.quote


def test_strategy_asks_the_model_about_what_the_rules_leave_open() -> None:
    result = CandidatesStrategy().extract(
        UNSURE_COUNT, FakeClient(replies=REPLY_OTHER_FOR_VOLUNTEERS), PROMPT
    )  # type: ignore[arg-type]
    assert result.usage.calls == 1
    assert [(i.value_text, i.doubt) for i in result.extraction.indicators] == [
        ("85", "the model read '85' as no figure of the topic")]
    flags = check(UNSURE_COUNT, result.extraction)
    assert [f.kind for f in flags if f.kind == "roles.model_doubt"] == ["roles.model_doubt"]


# ------------------------------------------------------------------ an article unlike the seeds

SYNTHETIC_ARTICLE = """Prevalensi Stunting Kabupaten Sumber Makmur Turun, Bupati Targetkan 10 Persen

SUMBERMAKMUR - Prevalensi stunting di Kabupaten Sumber Makmur turun dari 24,5 persen pada 2022 menjadi 18,3 persen pada 2023.

Bupati Sumber Makmur, Ahmad Yani, mengatakan penurunan itu berkat kerja keras 1.250 kader posyandu di 320 desa.

"Kami menargetkan prevalensi stunting turun menjadi 10 persen pada tahun 2026," katanya di hadapan sekitar 500 warga.

Pemkab juga mengalokasikan anggaran Rp 2,5 miliar untuk program Dapur Sehat Atasi Stunting (Dashat).

Acara dimeriahkan dengan lomba balita sehat yang diikuti 75 peserta.

Dibaca: 1.204 kali"""  # noqa: E501


@pytest.mark.parametrize(
    "value_text, expected",
    [
        ("24,5 persen", [Label.indicator]),
        ("18,3 persen", [Label.indicator]),  # a bare share takes its sentence's subject
        ("10 persen", [Label.target]),
        ("1.250", [Label.indicator]),  # '1.250 kader': the workforce is counted
        ("Rp 2,5 miliar", [Label.indicator]),  # a budget for the topic's program is a figure
    ],
)
def test_labels_left_open_on_an_article_unlike_the_seeds(
    value_text: str, expected: list[Label]
) -> None:
    assert allowed_labels(candidate(SYNTHETIC_ARTICLE, value_text), LABEL_RULES) == expected


def test_fields_on_an_article_unlike_the_seeds() -> None:
    text, mentions = SYNTHETIC_ARTICLE, parse_numbers(SYNTHETIC_ARTICLE)
    assert [
        find_period(text, candidate(text, v), mentions, RULES)
        for v in ("24,5 persen", "18,3 persen")
    ] == ["2022", "2023"]
    target = to_target(text, candidate(text, "10 persen"), mentions, RULES)
    assert (target.kind, target.deadline_year, target.indicator) == (
        TargetKind.level,
        2026,
        "prevalensi stunting",
    )
    _, aside = find_candidates(text)
    assert {a.mention.text for a in aside} >= {
        "1.204",
        "10 Persen",
        "2022",
        "2023",
        "2026",
        "320",
        "500",
        "75",
    }  # an audience: 'di hadapan', 'peserta'


def test_a_list_item_number_is_set_aside_by_the_sure_rules_too() -> None:
    """The read strategy keeps only the sure rules; a list marker is never a figure."""
    _, aside = find_candidates(NUMBERED_LIST, sure_only=True)
    assert {a.mention.text for a in aside if a.reason == "the number of a list item"} >= {"1", "2"}


# ------------------------------------------------------------------ money for the topic (issue 9)

A_PRICE_IN_A_STUNTING_ARTICLE = (
    "Judul\n\nPrevalensi stunting turun menjadi 18 persen.\n\n"
    "Di pasar, harga telur ayam tembus Rp 2.000 per butir."
)
OFFICE_SHARES_UNDER_A_STUNTING_BUDGET = (
    "Judul\n\nPemkab mengalokasikan Rp 9,6 miliar untuk penurunan stunting. Rinciannya:\n\n"
    "- Dinas Kesehatan: Rp 4,2 miliar\n- Dinas PUPR: Rp 1,5 miliar"
)


def test_a_budget_for_the_topic_is_an_indicator_in_rupiah() -> None:
    text = BUDGET
    c = candidate(text, "Rp 1,2 miliar")
    assert allowed_labels(c, LABEL_RULES) == [Label.indicator]
    item = to_indicator(text, c, parse_numbers(text), RULES)
    assert (item.name, item.value, item.unit) == ("anggaran stunting", 1.2e9, "rupiah")


def test_a_share_of_a_budget_for_the_topic_is_a_candidate() -> None:
    found, _ = find_candidates(BUDGET_SHARE)
    assert [c.value_text for c in found] == ["8 persen"]


def test_money_not_said_to_be_a_budget_for_the_topic_is_left_to_the_model() -> None:
    c = candidate(A_PRICE_IN_A_STUNTING_ARTICLE, "Rp 2.000")
    assert allowed_labels(c, LABEL_RULES) == [Label.indicator, Label.other]


def test_an_office_share_under_a_budget_for_the_topic_is_one_of_its_figures() -> None:
    text = OFFICE_SHARES_UNDER_A_STUNTING_BUDGET
    c = candidate(text, "Rp 4,2 miliar")
    assert allowed_labels(c, LABEL_RULES) == [Label.indicator]
    item = to_indicator(text, c, parse_numbers(text), RULES)
    assert item.name == "anggaran Dinas Kesehatan"
