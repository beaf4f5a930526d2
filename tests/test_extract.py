"""Strategies by name, and spans found for every quote the model copied."""

from __future__ import annotations

import pytest

from llmextract.errors import UsageError
from llmextract.extract import attach_spans, strategy_named
from llmextract.models import Extraction, Program

TEXT = "Pemkot menjalankan program Satu Telur Satu Minggu.\nProgram itu menyasar balita."


def program(quote: str) -> Program:
    return Program(name="Satu Telur Satu Minggu", quote=quote)


@pytest.mark.parametrize("name", ["direct", "candidates"])
def test_each_strategy_is_chosen_by_its_name(name: str) -> None:
    assert strategy_named(name).name == name


def test_an_unknown_strategy_names_the_choices() -> None:
    with pytest.raises(UsageError, match="choose read, direct, candidates"):
        strategy_named("magic")


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("program Satu Telur Satu Minggu.", (19, 50)),
        ("program  Satu Telur\nSatu Minggu.", (19, 50)),  # other whitespace, same words
        ("Program unggulan lain.", None),  # not in the text: no span, the checks flag it
    ],
    ids=["exact", "whitespace", "absent"],
)
def test_spans_are_attached_where_the_quote_is(
    quote: str, expected: tuple[int, int] | None
) -> None:
    got = attach_spans(TEXT, Extraction(programs=[program(quote)])).programs[0].span
    assert (None if got is None else (got.start, got.end)) == expected
