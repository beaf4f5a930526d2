"""The Indonesian number parser: a table of written forms, then properties over generated ones."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmextract.resources import DEFAULT_LANGUAGE, load_vocab
from llmextract.text import numbers
from llmextract.text.casing import lower_same_length
from llmextract.text.numbers import NumberMention, parse_mention, parse_numbers, parse_value


@pytest.mark.parametrize(
    ("written", "value"),
    [
        pytest.param("292.095", 292095, id="dot-groups-thousands"),
        pytest.param("1.234.567", 1234567, id="several-dot-groups"),
        pytest.param("10,6%", 10.6, id="comma-decimal-percent"),
        pytest.param("10,6 persen", 10.6, id="persen-word"),
        pytest.param("1,2 miliar", 1.2e9, id="scale-miliar"),
        pytest.param("2 ribu", 2000, id="scale-ribu"),
        pytest.param("3,5 juta", 3.5e6, id="scale-juta"),
        pytest.param("1 triliun", 1e12, id="scale-triliun"),
        pytest.param("Rp 1,2 miliar", 1.2e9, id="rupiah-before"),
        pytest.param("Rp5.000", 5000, id="rupiah-attached"),
        pytest.param("5.000 rupiah", 5000, id="rupiah-after"),
        pytest.param("sekitar 300", 300, id="hedge-sekitar"),
        pytest.param("lebih dari 30.000", 30000, id="hedge-lebih-dari"),
        pytest.param("zero stunting", 0, id="zero-target-english"),
        pytest.param("nol stunting", 0, id="zero-target-indonesian"),
        pytest.param("nol", 0, id="word-nol"),
        pytest.param("empat", 4, id="word-empat"),
        pytest.param("sembilan belas", 19, id="word-teen"),
        pytest.param("sebelas", 11, id="word-sebelas"),
        pytest.param("dua puluh", 20, id="word-tens"),
        pytest.param("seratus", 100, id="word-seratus"),
        pytest.param("dua ribu", 2000, id="word-scale"),
        pytest.param("dua ratus tiga puluh lima", 235, id="word-compound"),
        pytest.param("satu juta lima ratus ribu", 1.5e6, id="word-millions"),
        pytest.param("dua koma lima persen", 2.5, id="word-decimal-percent"),
        pytest.param("kedua", 2, id="ordinal-word"),
        pytest.param("ke-3", 3, id="ordinal-digits"),
        pytest.param("1 sampai 2 persen", 1, id="range-lower-bound"),
        pytest.param("10.6%", 10.6, id="english-decimal-point"),
        pytest.param("1,234,567", 1234567, id="english-comma-groups"),
        pytest.param("1,234.5", 1234.5, id="english-mixed"),
        pytest.param("1.234,5", 1234.5, id="indonesian-mixed"),
        pytest.param("1.725", 1725, id="ambiguous-dot-read-indonesian"),
        pytest.param("1,725", 1725, id="ambiguous-comma-count-read-english"),
        pytest.param("1,725 persen", 1.725, id="ambiguous-comma-percent-read-indonesian"),
        pytest.param("1,725 juta", 1.725e6, id="ambiguous-comma-scaled-read-indonesian"),
        pytest.param("0,125", 0.125, id="leading-zero-is-a-decimal"),
        pytest.param("0.125", 0.125, id="leading-zero-dot-is-english-decimal"),
        pytest.param("2024", 2024, id="bare-year-keeps-its-value"),
        pytest.param("(10,6%)", 10.6, id="in-parentheses"),
        pytest.param("29/07/2025", None, id="date-is-not-a-value"),
        pytest.param("22 Juli 2025", None, id="written-date-is-not-a-value"),
        pytest.param("14:05 WIB", None, id="time-is-not-a-value"),
        pytest.param("Semester I Tahun 2025", None, id="period-is-not-a-value"),
        pytest.param("turun separuhnya", 50, id="fraction-word-half"),
        pytest.param("seperempat", 25, id="fraction-word-quarter"),
        pytest.param("tidak ada angka", None, id="no-number"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_value(written: str, value: float | None) -> None:
    parsed = parse_value(written)
    if value is None:
        assert parsed is None
    else:
        assert parsed == pytest.approx(value)


def _one(text: str) -> NumberMention:
    found = parse_numbers(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("sebanyak 242 kasus", dict(kind="quantity", text="242", value=242),
                     id="count"),
        pytest.param("(10,6%)", dict(kind="percent", text="10,6%", unit="persen"), id="percent"),
        pytest.param("Rp 1,2 miliar", dict(kind="money", text="Rp 1,2 miliar", unit="rupiah"),
                     id="money-span-includes-rp"),
        pytest.param("minimal 1 sampai 2 persen", dict(kind="range", value=1, value_max=2,
                                                      unit="persen", hedge="minimal"),
                     id="range-words-unit-at-end"),
        pytest.param("1-2%", dict(kind="range", value=1, value_max=2, unit="persen"),
                     id="range-dash-percent"),
        pytest.param("antara 10 hingga 12", dict(kind="range", value=10, value_max=12),
                     id="range-antara-hingga"),
        pytest.param("antara 10 dan 12", dict(kind="range", value=10, value_max=12),
                     id="range-antara-dan"),
        pytest.param("1-2 juta", dict(kind="range", value=1e6, value_max=2e6),
                     id="range-scale-applies-to-both"),
        pytest.param("yang mencapai sekitar 300 kasus", dict(value=300, hedge="mencapai sekitar"),
                     id="two-hedges"),
        pytest.param("Kamis 5 Desember 2024", dict(kind="date", note="2024-12-05"),
                     id="date-with-day-name"),
        pytest.param("Selasa, 22 Juli 2025", dict(kind="date", note="2025-07-22"),
                     id="date-with-comma"),
        pytest.param("Selasa (29/07/2025)", dict(kind="date", note="2025-07-29"),
                     id="date-slashes"),
        pytest.param("Selasa (23/4/2024)", dict(kind="date", note="2024-04-23"),
                     id="date-single-digit-month"),
        pytest.param("hingga Juli 2025", dict(kind="date", note="2025-07"), id="month-year"),
        pytest.param("14:05 WIB", dict(kind="time", note="14:05"), id="time-zone"),
        pytest.param("pukul 09.30", dict(kind="time", note="09:30"), id="time-pukul"),
        pytest.param("Semester I Tahun 2025", dict(kind="period", note="part 1 of 2025"),
                     id="period-semester"),
        pytest.param("tahun 2024", dict(kind="year", value=2024), id="year"),
        pytest.param("2023-2025", dict(kind="period", value=None), id="year-range-is-period"),
        pytest.param("kota terbaik kedua", dict(kind="ordinal", value=2), id="ordinal"),
        pytest.param("zero stunting", dict(kind="zero_target", value=0), id="zero-target"),
        pytest.param("nol koma lima", dict(kind="quantity", value=0.5), id="nol-is-a-digit"),
        pytest.param("1.725", dict(ambiguous=True, value=1725), id="ambiguous-recorded"),
        pytest.param("30.000", dict(ambiguous=False, value=30000),
                     id="round-thousands-not-ambiguous"),
        pytest.param("292.095", dict(ambiguous=True), id="dot-three-digits-ambiguous"),
        pytest.param("10.6%", dict(ambiguous=False, value=10.6), id="english-decimal-unambiguous"),
        pytest.param("salah satu program dan dua program", dict(text="dua", value=2),
                     id="salah-satu-is-not-a-number"),
        pytest.param("DP3AP2KB dan COVID-19 serta 5 kasus", dict(text="5", value=5),
                     id="digits-inside-codes-ignored"),
        pytest.param("Surat Nomor 440/123/2024 tentang 5 kasus", dict(text="5", value=5),
                     id="slash-chain-is-a-code"),
        pytest.param("29/07/2025/1 dan 5 kasus", dict(text="5", value=5),
                     id="date-inside-a-slash-chain-is-a-code"),
        pytest.param("ISBN 978-602-8519-93-9 memuat 5 kasus", dict(text="5", value=5),
                     id="hyphen-chain-is-a-code"),
        pytest.param("Rasio 1:2:3:4 pada 5 kasus", dict(text="5", value=5),
                     id="colon-chain-is-a-code"),
        pytest.param("angka itu turun separuhnya", dict(kind="percent", value=50, unit="persen"),
                     id="fraction-word-is-a-share"),
        pytest.param("Separuh balita", dict(kind="percent", text="Separuh", value=50),
                     id="fraction-word-capitalised"),
        pytest.param("hampir sepertiganya", dict(kind="percent", value=100 / 3, hedge="hampir"),
                     id="fraction-word-hedged"),
        pytest.param("dua setengah juta", dict(kind="quantity", text="dua", value=2),
                     id="setengah-after-a-number-is-no-share"),
        pytest.param("setengah tahun lalu ada 5 kasus", dict(text="5", value=5),
                     id="setengah-before-a-duration-is-a-time"),
        pytest.param("seperti 5 kasus", dict(text="5", value=5),
                     id="seperti-is-no-fraction-word"),
        pytest.param("WhatsApp 0812-3344-5566", dict(text="3344-5566", kind="range"),
                     id="phone-number-is-left-to-the-candidates"),
    ],
)
def test_mention(text: str, expected: dict[str, Any]) -> None:
    mention = _one(text)
    for field, value in expected.items():
        got = getattr(mention, field)
        assert got == (pytest.approx(value) if isinstance(value, float) else value), field


def test_two_numbers_joined_by_a_slash_stay_numbers() -> None:
    assert [m.value for m in parse_numbers("1/3 balita dan 24/7")] == [1, 3, 24, 7]


def test_descending_pair_is_not_a_range() -> None:
    found = parse_numbers("turun dari 941 hingga 708 balita")
    assert [(m.kind, m.value) for m in found] == [("quantity", 941), ("quantity", 708)]


def test_ambiguity_note_names_the_choice() -> None:
    note = _one("1.725").note or ""
    assert "1725" in note and "English" in note
    comma = _one("sebanyak 1,725 keluarga")
    assert comma.ambiguous and "1725" in (comma.note or "") and "Indonesian" in (comma.note or "")


def test_hedge_approximate() -> None:
    assert _one("sekitar 300").approximate
    assert not _one("mencapai 300").approximate
    assert not _one("300").approximate


def test_spans_point_into_the_text() -> None:
    text = "Dari 292.095 keluarga, sebanyak 30.980 (10,6%) berisiko pada 22 Juli 2025."
    for mention in parse_numbers(text):
        assert text[mention.start:mention.end] == mention.text
    assert [m.kind for m in parse_numbers(text)] == ["quantity", "quantity", "percent", "date"]


def test_parse_mention_prefers_values_over_years() -> None:
    mention = parse_mention("14 persen pada 2024")
    assert mention is not None and mention.kind == "percent"


# --- properties -----------------------------------------------------------------------------


def indonesian(value: int, decimals: str = "") -> str:
    grouped = f"{value:,}".replace(",", ".")
    return grouped + ("," + decimals if decimals else "")


@given(st.integers(min_value=0, max_value=10**15))
def test_indonesian_integers_parse_back(value: int) -> None:
    assert parse_value(indonesian(value)) == value


@given(st.integers(min_value=0, max_value=10**9), st.from_regex(r"[0-9]{1,2}", fullmatch=True))
def test_indonesian_decimals_parse_back(whole: int, decimals: str) -> None:
    assert parse_value(indonesian(whole, decimals) + "%") == pytest.approx(
        float(f"{whole}.{decimals}"))


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["ribu", "juta", "miliar"]))
def test_scaled_amounts_parse_back(value: int, scale: str) -> None:
    factor = {"ribu": 1e3, "juta": 1e6, "miliar": 1e9}[scale]
    assert parse_value(f"Rp {indonesian(value)} {scale}") == value * factor


def _vocabulary_words() -> list[str]:
    """Every word and phrase the parser reads, from the vocabulary file it reads them from."""
    vocab = load_vocab(DEFAULT_LANGUAGE)
    words: list[str] = []
    for key in ("scale_words", "percent_words", "currency_before", "currency_after",
                "range_words", "hedges", "zero_words", "none_words", "ordinal_words",
                "not_numbers", "months", "days", "time_zones", "time_before", "period_words",
                "period_numbers", "year_words", "fraction_words"):
        words.extend(str(w) for w in vocab[key])
    for group in vocab["number_words"].values():
        words.extend([group] if isinstance(group, str) else [str(w) for w in group])
    words += [vocab["range_open"], vocab["range_and"], vocab["ordinal_prefix"]]
    return sorted(set(words))


_NUMBER_WORDS = _vocabulary_words()
# Number-ish text: digits, separators, Unicode digits (Arabic-Indic, Devanagari, full-width)
# and spaces (no-break, thin, ideographic), the vocabulary's words in three casings (the
# Turkish dotted I lower-cases to two characters) and any other character now and then.
_NUMBERISH = st.lists(st.one_of(
    st.sampled_from(list("0123456789.,:-/ %()+\n\t") + [
        "\u0661\u0662", "\u0967", "\uff13", "\u00a0", "\u2009", "\u3000", "\u0130", "Rp",
        "RP.", "IDR", "COVID-", "P3", "ke-", "000", "2024", "14:05", "1.725", "10,6"]),
    st.sampled_from(_NUMBER_WORDS).flatmap(
        lambda w: st.sampled_from([f" {w} ", f" {w.upper()} ", f" {w.title()} "])),
    st.characters()), max_size=60).map("".join)


@settings(max_examples=400, derandomize=True, database=None, deadline=None)
@given(_NUMBERISH)
def test_parser_never_crashes_and_spans_hold(text: str) -> None:
    # Derandomized and without a database, so the offline CI runs the same examples each time.
    mentions = parse_numbers(text)
    previous_end = 0
    for mention in mentions:
        assert previous_end <= mention.start < mention.end <= len(text)
        assert text[mention.start:mention.end] == mention.text
        assert mention.kind in set(numbers.NumberKind)
        if mention.value is not None:
            assert math.isfinite(mention.value)
        if mention.value_max is not None:
            assert mention.value is not None and mention.value < mention.value_max
        previous_end = mention.end
    assert parse_numbers(text, lowered=lower_same_length(text)) == mentions


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.lists(st.sampled_from(["1", "12", "123", ".", ",", ":", "-", "/", " ", "%"]),
                max_size=200).map("".join))
def test_any_run_of_digits_and_separators_reads_within_its_own_text(text: str) -> None:
    for mention in parse_numbers(text):
        assert text[mention.start:mention.end] == mention.text
        assert mention.text[0].isdigit() and mention.text[-1] in "0123456789%"


class CountingPattern:
    """Wraps a compiled pattern and counts how many times the parser calls it."""

    def __init__(self, pattern: re.Pattern[str], counter: list[int]) -> None:
        self._pattern, self._counter = pattern, counter

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._pattern, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._counter[0] += 1
            return method(*args, **kwargs)

        return counted


ADVERSARIAL = {
    "digits": "1",
    "digits-and-dots": "1.",
    "dot-groups": "123.",
    "dots-and-commas": "1.2,",
    "slashes": "1/1/",
    "hyphens": "1-",
    "colons": "12:",
    "colon-chain": "1:2:",
    "spaced-digits": "1 ",
    "ranges": "1 sampai ",
    "hedges": "sekitar ",
    "number-words": "dua puluh ",
    "code-digits": "P3",
}


@pytest.mark.parametrize("unit", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_parser_work_grows_linearly(unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counts pattern calls (not time) on n and 4n characters: the work must grow at most
    linearly (a quadratic parser would make 16 times the calls). Regex-internal backtracking
    is bounded by construction; bench/bench_checks.py times the full megabyte."""
    grammar = numbers._grammar()
    counter = [0]
    for name, value in list(vars(grammar).items()):
        if isinstance(value, re.Pattern):
            monkeypatch.setattr(grammar, name, CountingPattern(value, counter))
    per_char = []
    for size in (5_000, 20_000):
        counter[0] = 0
        text = unit * (size // len(unit))
        parse_numbers(text)
        per_char.append(counter[0] / len(text))
    assert per_char[1] <= per_char[0] * 1.05 + 0.01
    assert per_char[1] <= 4  # a bounded number of pattern calls per character


def test_number_kinds_are_an_enum_that_reads_as_the_words_records_use() -> None:
    from llmextract.text.numbers import NumberKind, parse_numbers

    [mention] = parse_numbers("Tercatat 242 kasus.")
    assert mention.kind is NumberKind.quantity
    assert mention.kind == "quantity" and f"{mention.kind}" == str(mention.kind) == "quantity"
    assert {"quantity": 1}[mention.kind] == 1


def test_none_left_is_read_as_a_count_of_zero() -> None:
    text = "Pemerintah desa bertekad tidak ada lagi balita stunting pada akhir 2026."
    [none, year] = parse_numbers(text)
    assert (none.text, none.value, none.kind) == ("tidak ada lagi", 0, numbers.QUANTITY)
    assert text[none.start:none.end] == "tidak ada lagi" and none.start == text.index("tidak")
    assert year.kind == numbers.YEAR
    assert parse_value("tidak ada lagi balita stunting") == 0
    assert parse_value("Tak ada lagi kasus") == 0


@pytest.mark.parametrize("text", [
    pytest.param("tidak ada data balita stunting", id="missing-is-not-none-left"),
    pytest.param("Kasus itu tidak ada lagi.", id="nothing-counted-after-it"),
    pytest.param("tidak ada lagi persen", id="a-percent-word-after-it"),
])
def test_a_phrase_that_counts_nothing_is_no_zero(text: str) -> None:
    assert parse_numbers(text) == []


def test_none_left_before_a_number_word_reads_the_number() -> None:
    [two] = parse_numbers("tidak ada lagi dua kasus")
    assert (two.text, two.value) == ("dua", 2)


def test_a_word_with_a_mark_inside_still_opens_its_date() -> None:
    """The candidate scan reads marks as spaces: the day "Jum'at" must still be found whole."""
    (date, count) = parse_numbers("Jum'at, 5 Desember 2025 tercatat 12 kasus")
    assert (date.text, date.kind, date.note) == ("Jum'at, 5 Desember 2025", "date", "2025-12-05")
    assert count.value == 12


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("kodé2024 dan 12 kasus", ["12"], id="digits-glued-to-a-non-ascii-letter"),
        pytest.param("“12 kasus” dan İki 3 persen", ["12", "3 persen"],
                     id="numbers-after-marks-past-latin-1"),
        pytest.param("12\u00a0kasus, 3–4 persen", ["12", "3–4 persen"],
                     id="latin-1-and-wider-spaces-and-dashes"),
    ],
)
def test_characters_outside_ascii_bound_numbers_as_the_text_reads_them(
        text: str, found: list[str]) -> None:
    assert [m.text for m in parse_numbers(text)] == found
