"""The direct strategy on small made-up articles, with hand-made model replies (named fixtures
below, never cassettes): the model quotes each figure and names the programs, and every value,
unit and span comes from the parser; what the parser did not find is left out and said."""

from __future__ import annotations

from typing import Any

from llmextract.extract.direct import DirectAnswer, DirectStrategy
from llmextract.models import Scope
from llmextract.prompts import load_prompt

from .test_extract_read import ARTICLE, ReplyingClient

PROMPT = load_prompt("direct")

SENTENCE_1 = ("Dinas Kesehatan mencatat 512 balita stunting pada 2024, turun dari 640 balita pada "
              "2023.")
# What a model might answer for ARTICLE (test_extract_read): the number as written, with or
# without its unit word, and one figure whose quote is a little off (fuzzy, still located).
REPLY_READING_THE_ARTICLE = {
    "indicators": [
        {"quote": SENTENCE_1, "value_text": "512 balita", "what": "balita stunting",
         "period": "2024"},
        {"quote": SENTENCE_1, "value_text": "640", "what": "balita stunting", "period": "2023"},
        {"quote": "Angka nasional 19,8 persen", "value_text": "19,8 persen",
         "what": "Angka nasional", "scope": "national"},
    ],
    "targets": [
        {"quote": "Pemkot menargetkan prevalensi stunting 12 persen pada 2026.",
         "value_text": "12 persen", "what": "prevalensi stunting", "period": "2026"},
    ],
    "programs": [{"name": "Dapur Sehat"}],
}
# A number that is not in the article, a date (set aside by the parser's sure rules) and a
# program name the article does not have.
REPLY_WITH_NUMBERS_THE_PARSER_DID_NOT_FIND = {
    "indicators": [
        {"quote": "tercatat 987 balita stunting", "value_text": "987"},
        {"quote": "Rapat pada Senin, 3 Maret 2025 itu dihadiri 80 peserta.",
         "value_text": "3 Maret 2025"},
    ],
    "targets": [],
    "programs": [{"name": "Gerakan Makan Ikan"}],
}
TWICE = ("Desa Arga mencatat 30 balita stunting pada 2023.\n\n"
         "Desa Bumi juga mencatat 30 balita stunting pada 2024.")
REPLY_QUOTING_THE_SECOND_30 = {
    "indicators": [{"quote": "Desa Bumi juga mencatat 30 balita stunting pada 2024.",
                    "value_text": "30", "what": "balita stunting", "period": "2024"}],
}

# What Qwen2.5-Coder-1.5B answers (docs/quality.md): the right sentences, the number null or a
# word. The national figure's quote holds one number; the target's holds 12 persen and a year
# (set aside); the first sentence holds 512 and 640, and only 512's clause has both words of
# "balita stunting".
REPLY_QUOTING_WITHOUT_NUMBERS = {
    "indicators": [
        {"quote": "Angka nasional 19,8 persen.", "value_text": None, "what": "Angka nasional",
         "scope": "national"},
        {"quote": SENTENCE_1, "value_text": None, "what": "balita stunting", "period": "2024"},
    ],
    "targets": [
        {"quote": "Pemkot menargetkan prevalensi stunting 12 persen pada 2026.",
         "value_text": "komitmen", "what": "prevalensi", "period": "2026"},
    ],
    "programs": [],
}
# Two figures without a number quoting the sentence of two numbers: one each, in text order.
REPLY_QUOTING_ONE_SENTENCE_TWICE_WITHOUT_NUMBERS = {
    "indicators": [{"quote": SENTENCE_1, "value_text": None},
                   {"quote": SENTENCE_1, "value_text": None}],
}
# One figure without a number or words quoting the sentence of two numbers: which is meant?
REPLY_QUOTING_TWO_NUMBERS_ONCE_WITHOUT_SAYING_WHICH = {
    "indicators": [{"quote": SENTENCE_1, "value_text": None}],
}
# The figure that wrote 512 takes it first, though it comes second; the one without a number
# quoting the same sentence then has 640, the quote's only number left.
REPLY_QUOTING_A_SENTENCE_WITH_AND_WITHOUT_ITS_NUMBER = {
    "indicators": [{"quote": SENTENCE_1, "value_text": None},
                   {"quote": SENTENCE_1, "value_text": "512", "period": "2024"}],
}
# A number-less figure whose quote is not the article's (a paraphrase), and one quoting the
# sentence of a single number twice: the second finds it taken.
REPLY_WITHOUT_NUMBERS_QUOTING_BADLY = {
    "indicators": [
        {"quote": "Dinkes mencatat ada 512 anak stunting.", "value_text": None},
        {"quote": "Angka nasional 19,8 persen.", "value_text": None},
        {"quote": "Angka nasional 19,8 persen.", "value_text": "angka"},
    ],
}

# Numbers that are part of the article's ('51' of 512, '9,8' of 19,8), not any of its numbers.
REPLY_WRITING_PART_OF_A_NUMBER = {
    "indicators": [{"quote": SENTENCE_1, "value_text": "51"},
                   {"quote": "Angka nasional 19,8 persen.", "value_text": "9,8 persen"}],
}


def extract(reply: dict[str, Any], text: str = ARTICLE) -> Any:
    return DirectStrategy().extract(text, ReplyingClient(reply), PROMPT)  # type: ignore[arg-type]


def test_every_value_comes_from_the_parser_and_the_words_from_the_model() -> None:
    result = extract(REPLY_READING_THE_ARTICLE)
    got = [(i.value, i.value_text, i.unit, i.period, i.scope)
           for i in result.extraction.indicators]
    assert got == [
        (512, "512", "balita", "2024", Scope.local),
        (640, "640", "balita", "2023", Scope.local),
        (19.8, "19,8 persen", "persen", None, Scope.national),
    ]
    [target] = result.extraction.targets
    assert (target.value, target.value_text, target.deadline_year) == (12, "12 persen", 2026)
    [program] = result.extraction.programs
    assert program.name == "Dapur Sehat" and "Dapur Sehat" in program.quote
    for item in [*result.extraction.indicators, *result.extraction.targets, program]:
        assert item.span is not None and ARTICLE[item.span.start:item.span.end] == item.quote
    assert result.problems == []


def test_what_the_parser_did_not_find_is_left_out_and_said() -> None:
    result = extract(REPLY_WITH_NUMBERS_THE_PARSER_DID_NOT_FIND)
    assert result.extraction.indicators == [] and result.extraction.programs == []
    assert [p.split(" is ")[0] for p in result.problems] == [
        "the model's indicator '987'",
        "the model's indicator '3 Maret 2025'",
        "the model's program 'Gerakan Makan Ikan'",
    ]


def test_the_quote_picks_which_of_two_equal_numbers_is_meant() -> None:
    [item] = extract(REPLY_QUOTING_THE_SECOND_30, TWICE).extraction.indicators
    assert item.quote.startswith("Desa Bumi") and item.span is not None
    assert item.span.start > TWICE.index("Desa Bumi") - 1 and item.year == 2024


def test_the_answer_has_only_what_the_model_writes() -> None:
    """No ids, offsets, values or years in the answer's schema: the parser gives those, and a
    model shown them in a schema copies them (docs/quality.md)."""
    schema = DirectAnswer.model_json_schema()
    figure = schema["$defs"]["Figure"]["properties"]
    assert list(figure)[:2] == ["quote", "value_text"]
    assert not {"id", "span", "value", "year"} & set(figure)
    assert PROMPT.params["answer_format"] == "text"


def test_a_figure_without_a_number_takes_the_one_its_quote_holds() -> None:
    result = extract(REPLY_QUOTING_WITHOUT_NUMBERS)
    got = [(i.value, i.value_text, i.unit, i.scope) for i in result.extraction.indicators]
    assert got == [(512, "512", "balita", Scope.local), (19.8, "19,8 persen", "persen",
                                                         Scope.national)]
    [target] = result.extraction.targets
    assert (target.value, target.value_text, target.deadline_year) == (12, "12 persen", 2026)
    for item in [*result.extraction.indicators, target]:
        assert item.span is not None and ARTICLE[item.span.start:item.span.end] == item.quote
    assert result.problems == []


def test_as_many_figures_as_numbers_in_a_quote_take_one_each() -> None:
    result = extract(REPLY_QUOTING_ONE_SENTENCE_TWICE_WITHOUT_NUMBERS)
    assert [i.value for i in result.extraction.indicators] == [512, 640]
    assert result.problems == []


def test_a_quote_of_several_numbers_the_answer_does_not_choose_from_is_left_out() -> None:
    result = extract(REPLY_QUOTING_TWO_NUMBERS_ONCE_WITHOUT_SAYING_WHICH)
    assert result.extraction.indicators == []
    [problem] = result.problems
    assert "gave no number" in problem and "'512', '640'" in problem and "left out" in problem


def test_a_written_number_is_matched_before_the_quotes_give_theirs() -> None:
    result = extract(REPLY_QUOTING_A_SENTENCE_WITH_AND_WITHOUT_ITS_NUMBER)
    assert [(i.value, i.year) for i in result.extraction.indicators] == [(512, 2024), (640, 2023)]
    assert result.problems == []


def test_a_quote_not_in_the_article_or_already_taken_gives_no_number() -> None:
    result = extract(REPLY_WITHOUT_NUMBERS_QUOTING_BADLY)
    assert [i.value for i in result.extraction.indicators] == [19.8]
    assert [p.split(", and ")[1] for p in result.problems] == [
        "its quote is not in the article; left out",
        "its quote's numbers are another figure's already; left out",
    ]
    assert "wrote 'angka' for the number" in result.problems[1]


def test_a_number_written_inside_another_is_not_that_number() -> None:
    result = extract(REPLY_WRITING_PART_OF_A_NUMBER)
    assert result.extraction.indicators == []
    assert [p.split(" is ")[0] for p in result.problems] == [
        "the model's indicator '51'", "the model's indicator '9,8 persen'"]
