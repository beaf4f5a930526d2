"""The compiled word lists: the fast trie form finds exactly what a plain whole-word
alternation finds, longest phrase first."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmextract.resources import DEFAULT_LANGUAGE, load_vocab
from llmextract.text.words import words_pattern
from llmextract.vocabulary import (
    _literal_start,
    holds_any,
    holds_word_start,
    phrase_windows,
    vocabulary,
)

WORDS = ["target", "targetkan", "tahun ini", "tahun lalu", "tahun", "gizi buruk", "gizi",
         "ibu hamil", "ibu", "cita-cita", "kk", "k"]


def plain(words: list[str]) -> re.Pattern[str]:
    """The reference: whole words, longest first, a look-behind at every position."""
    items = sorted({w.lower() for w in words}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in items)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("target tahun ini", ["target", "tahun ini"], id="longest-phrase"),
        pytest.param("ditargetkan targetkan", ["targetkan"], id="not-inside-a-word"),
        pytest.param("tahun\n  lalu", ["tahun\n  lalu"], id="any-whitespace-between-words"),
        pytest.param("gizi-buruk gizi_buruk", ["gizi"], id="hyphen-is-a-boundary"),
        pytest.param("kkk k kk", ["k", "kk"], id="one-letter-word"),
    ],
)
def test_words_pattern_finds_whole_phrases(text: str, found: list[str]) -> None:
    assert [m.group() for m in words_pattern(WORDS).finditer(text)] == found


@settings(max_examples=300)
@given(st.lists(st.sampled_from(
    [*WORDS, " ", "  ", "\n", "-", "_", "1", "é", "di", "(", ".", "x"]), max_size=30).map("".join))
def test_words_pattern_agrees_with_a_plain_alternation(text: str) -> None:
    fast, reference = words_pattern(WORDS), plain(WORDS)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in reference.finditer(text)]


def test_empty_word_list_matches_nothing() -> None:
    assert words_pattern([]).search("apa saja") is None


@pytest.mark.parametrize(("words", "keys"), [
    pytest.param("money_breakdown_words", "money_breakdown_keys", id="money-breakdown"),
    pytest.param("instruction_marks", "instruction_words", id="instructions"),
])
def test_every_gated_phrase_holds_one_of_its_keys(words: str, keys: str) -> None:
    """A phrase holding none of its keys would never be scanned for: the gate would hide it."""
    vocab = load_vocab(DEFAULT_LANGUAGE)
    assert [w for w in vocab[words] if not any(k.lower() in w.lower() for k in vocab[keys])] == []


@pytest.mark.parametrize(("text", "held"), [
    pytest.param("kata pemerintah daerah", False, id="inside-a-word"),
    pytest.param("judul\nrinciannya, dinas kesehatan", True, id="opening-a-line"),
    pytest.param("rinciannya dulu", True, id="opening-the-text"),
    pytest.param('ia berkata "rinciannya begini"', True, id="after-a-quote"),
    pytest.param("kata pemerintah, lalu perintah", True, id="after-an-occurrence-inside-a-word"),
])
def test_a_word_start_is_found_wherever_a_word_may_start(text: str, held: bool) -> None:
    assert holds_word_start(text, ("rinciannya", "perintah")) is held


@pytest.mark.parametrize(("pattern", "start"), [
    pytest.param(r"dibaca\s*:?\s*\d", "dibaca", id="a-class-ends-it"),
    pytest.param(r"views?\b", "view", id="an-optional-letter-is-left-out"),
    pytest.param(r"\(foto\s*:", "(foto", id="an-escaped-mark-is-a-letter"),
    pytest.param(r"x+y", "x", id="a-repeated-letter-ends-it"),
    pytest.param(r"(?:senin|selasa),?\s+\d", "", id="a-group"),
    pytest.param(r"copy|right", "", id="an-alternation"),
])
def test_the_literal_start_of_a_pattern(pattern: str, start: str) -> None:
    assert _literal_start(pattern) == start


@given(st.text(alphabet="abc-(:© 1dibacviewsfoto", max_size=30))
@settings(max_examples=300, deadline=None)
def test_the_anywhere_keys_gate_no_boilerplate_line(line: str) -> None:
    """A line the keys say holds no boilerplate mark holds none: the search is skipped only
    where it would find nothing."""
    vocab = vocabulary()
    if vocab.any_boilerplate_anywhere.search(line):
        assert holds_any(line, vocab.boilerplate_anywhere_keys)


@given(st.lists(st.sampled_from(["dengan", "rincian", "rinciannya", "di", "antaranya", "terdiri",
                                 "atas", "dari", "xdi", "terbagi", "untuk", " ", "\n", ",", "(",
                                 "_", "5", "-"]), max_size=14))
@settings(max_examples=500, deadline=None)
def test_a_breakdown_scan_around_its_heads_finds_every_phrase(pieces: list[str]) -> None:
    """Scanning the windows of ``phrase_windows`` finds what a scan of the whole text finds."""
    text = " ".join(pieces) if len(pieces) % 2 else "".join(pieces)
    vocab = vocabulary()
    whole = [m.span() for m in vocab.breakdown.finditer(text)]
    windows = phrase_windows(text, vocab.breakdown_heads, vocab.breakdown_head_reach, len(text))
    assert bool(windows) is holds_word_start(text, vocab.breakdown_heads)
    assert [m.span() for start, end in windows
            for m in vocab.breakdown.finditer(text, start, end)] == whole


@pytest.mark.parametrize(("before", "windows"), [
    pytest.param(40, [(0, 38)], id="around-each-head-merged"),
    pytest.param(10, [(0, 22)], id="a-head-starting-before-the-bound"),
    pytest.param(9, [], id="no-head-before-the-bound"),
])
def test_a_breakdown_is_looked_for_before_the_last_number_only(
        before: int, windows: list[tuple[int, int]]) -> None:
    """'dibagi' starts at 9 (after 'anggaran', the word a phrase may write before its head),
    'rincian' at 23."""
    text = "anggaran dibagi dengan rincian berikut"
    vocab = vocabulary()
    assert phrase_windows(text, vocab.breakdown_heads, vocab.breakdown_head_reach,
                          before) == windows
