"""text/sentences.py: the one splitter the extraction rules and the checks share."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from llmextract.checks.context import build_context
from llmextract.extract.candidates.propose import clause_bounds
from llmextract.models import Extraction
from llmextract.text.numbers import parse_numbers
from llmextract.text.sentences import clause_within, sentence_ends, split_sentences

TEXT = "Judul berita\n\nKata dr. Budi, jumlahnya 242 kasus. Namun angka itu turun."


def test_an_abbreviation_does_not_end_a_sentence() -> None:
    assert [s.text for s in split_sentences(TEXT)] == [
        "Judul berita", "Kata dr. Budi, jumlahnya 242 kasus.", "Namun angka itu turun."]
    assert sentence_ends(TEXT) == [s.end for s in split_sentences(TEXT)]


def test_the_checks_and_the_extraction_see_the_same_sentence_and_clause() -> None:
    ctx = build_context(TEXT, Extraction())
    offset = TEXT.index("242")
    mention = next(m for m in parse_numbers(TEXT) if m.text == "242")
    sentence = next(s for s in split_sentences(TEXT) if s.start <= offset < s.end)
    assert ctx.sentence_range(offset) == (sentence.start, sentence.end)
    assert clause_bounds(sentence, mention) == ctx.clause_of(offset)
    assert TEXT[slice(*ctx.clause_of(offset))].strip() == "jumlahnya 242 kasus."


def test_a_clause_is_cut_at_the_nearest_breaks_around_it() -> None:
    assert clause_within([(0, 2), (5, 6), (9, 10)], 0, 12, 6, 8) == (6, 9)
    assert clause_within([], 3, 12, 6, 8) == (3, 12)


_PIECES = [*"aA1 .!?\n\t\u00a0\"”’“(", "dr.", "Jl.", "M.", "Kab. "]
_SENTENCE_STUFF = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(_SENTENCE_STUFF)
def test_the_fast_sentence_ends_agree_with_the_sentences_on_any_text(text: str) -> None:
    # sentence_ends scans the whole text at once, split_sentences line by line: both must cut
    # at the same places, abbreviations, blank lines and trailing spaces included.
    assert sentence_ends(text) == [s.end for s in split_sentences(text)]
