"""locate: a table of needles with the status and the exact text of the span they must get."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmextract.models import Span
from llmextract.text.alignment import MatchStatus, contains, locate, normalize

TEXT = (
    "Berdasarkan data terbaru, jumlah kasus stunting tercatat sebanyak 242 kasus, turun "
    "dibandingkan tahun 2024 yang mencapai sekitar 300 kasus.\n\n"
    "“Kami menargetkan penurunan stunting minimal 1 sampai 2 persen setiap tahunnya,” jelasnya.\n\n"
    "Rapat pada\u00a0 Kamis 5 Desember 2024.\n"
    "Ibu Hamil (Bumil): 1.022 didampingi, 542 berisiko. Baduta: 2.756 didampingi, 242 berisiko."
)


@pytest.mark.parametrize(
    ("needle", "status", "found_text"),
    [
        pytest.param("sebanyak 242 kasus", MatchStatus.exact, "sebanyak 242 kasus", id="verbatim"),
        pytest.param("tahun 2024 yang  mencapai", MatchStatus.normalized,
                     "tahun 2024 yang mencapai", id="double-space-normalized"),
        pytest.param("pada Kamis 5 Desember 2024", MatchStatus.normalized,
                     "pada\u00a0 Kamis 5 Desember 2024", id="nbsp-run-mapped-back"),
        pytest.param('"Kami menargetkan penurunan', MatchStatus.normalized,
                     "“Kami menargetkan penurunan", id="curly-quote-normalized"),
        pytest.param("KASUS STUNTING tercatat", MatchStatus.normalized, "kasus stunting tercatat",
                     id="case-normalized"),
        pytest.param("300 kasus.\n\n“Kami", MatchStatus.exact, "300 kasus.\n\n“Kami",
                     id="across-blank-line-verbatim"),
        pytest.param("300 kasus. \"Kami", MatchStatus.normalized, "300 kasus.\n\n“Kami",
                     id="across-blank-line-normalized"),
        pytest.param("penurunan stuntng minimal 1 sampai 2 persen", MatchStatus.fuzzy,
                     "penurunan stunting minimal 1 sampai 2 persen", id="typo-is-fuzzy-not-exact"),
        pytest.param("jumlah kasus malaria sangat tinggi di kota ini", MatchStatus.not_found, None,
                     id="unrelated-sentence"),
        pytest.param("", MatchStatus.not_found, None, id="empty-needle"),
        pytest.param("   ", MatchStatus.not_found, None, id="blank-needle"),
    ],
)
def test_locate_quotes(needle: str, status: MatchStatus, found_text: str | None) -> None:
    match = locate(TEXT, needle)
    assert match.status is status
    if found_text is None:
        assert match.span is None
    else:
        assert match.span is not None
        assert TEXT[match.span.start:match.span.end] == found_text


@pytest.mark.parametrize(
    ("needle", "found"),
    [
        pytest.param("242", True, id="whole-number"),
        pytest.param("24", False, id="prefix-of-a-number"),
        pytest.param("42", False, id="suffix-of-a-number"),
        pytest.param("7", False, id="digit-inside-dotted-number"),
        pytest.param("756", False, id="group-after-thousands-dot"),
        pytest.param("1.022", True, id="dotted-number"),
        pytest.param("2 persen", True, id="number-with-unit"),
        pytest.param("243", False, id="close-number-is-not-fuzzy"),
    ],
)
def test_locate_values_whole_words(needle: str, found: bool) -> None:
    assert locate(TEXT, needle, whole_words=True).found is found


def test_near_prefers_the_closest_occurrence() -> None:
    second = TEXT.rindex("242")
    assert locate(TEXT, "242", whole_words=True).span.start == TEXT.index("242")  # type: ignore[union-attr]
    assert locate(TEXT, "242", near=second - 10, whole_words=True).span.start == second  # type: ignore[union-attr]


ROW = "Baduta: 2.756 didampingi, 242 berisiko."


@pytest.mark.parametrize(
    ("needle", "status", "found_text"),
    [
        pytest.param("242", MatchStatus.exact, "242", id="value-in-the-part"),
        pytest.param("BADUTA: 2.756", MatchStatus.normalized, "Baduta: 2.756",
                     id="normalized-inside-the-part"),
        pytest.param("300", MatchStatus.not_found, None, id="elsewhere-is-not-inside"),
    ],
)
def test_locate_within_a_part_gives_spans_into_the_whole_text(
        needle: str, status: MatchStatus, found_text: str | None) -> None:
    row = Span(start=TEXT.index(ROW), end=TEXT.index(ROW) + len(ROW))
    match = locate(TEXT, needle, whole_words=True, fuzzy=False, within=row)
    assert match.status is status
    if found_text is None:
        assert match.span is None
    else:
        assert match.span is not None and TEXT[match.span.start:match.span.end] == found_text
        assert row.start <= match.span.start and match.span.end <= row.end


def test_within_reads_the_part_as_a_whole_text() -> None:
    """A quote cut after the '1.' of '1.022' still shows its value '022' (as its own text)."""
    cut = TEXT.index("1.022") + 2
    match = locate(TEXT, "022", whole_words=True, within=Span(start=cut, end=cut + 20))
    assert match.span is not None and match.span.start == cut
    assert not locate(TEXT, "022", whole_words=True).found


def test_fuzzy_can_be_turned_off() -> None:
    assert locate(TEXT, "penurunan stuntng minimal 1 sampai 2 persen", fuzzy=False).status is (
        MatchStatus.not_found)


def test_not_found_keeps_best_score() -> None:
    match = locate(TEXT, "jumlah kasus malaria sangat tinggi di kota ini")
    assert match.span is None and 0 < match.score < 90


def test_contains_and_normalize() -> None:
    assert contains("sebanyak  242\nkasus", "sebanyak 242 kasus")
    assert not contains("sebanyak 2420 kasus", "242", whole_words=True)
    assert normalize("  “A”\t\tB  ") == '"a" b'


@given(st.text(min_size=1, max_size=200), st.data())
def test_any_substring_is_found_exactly(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    needle = text[start:end]
    if not needle.strip():
        return
    match = locate(text, needle, near=start)
    assert match.status is MatchStatus.exact
    assert match.span is not None and text[match.span.start:match.span.end] == needle


@given(st.lists(st.sampled_from(["kasus", "stunting", "242", "“turun”", " ", "  ", "\n", "\u00a0"]),
                min_size=1, max_size=40))
def test_normalized_spans_map_back(words: list[str]) -> None:
    text = "".join(words)
    needle = normalize(text)
    if not needle:
        return
    match = locate(text, needle.upper())
    assert match.status in (MatchStatus.exact, MatchStatus.normalized)
    assert match.span is not None
    assert normalize(text[match.span.start:match.span.end]) == needle
