"""The one rounding rule: the article's own precision, half a step agrees, the last digit off
by one is a warning, more is an error."""

from __future__ import annotations

import pytest

from llmextract.checks.tolerance import Agreement, agreement, step, written_like
from llmextract.text.numbers import parse_numbers
from llmextract.vocabulary import vocabulary


def mention(text: str):  # type: ignore[no-untyped-def]
    return parse_numbers(text)[0]


@pytest.mark.parametrize(("written", "unit"), [
    ("10,6 persen", 0.1), ("1.248", 1.0), ("Rp8,75 miliar", 1e7), ("Rp 2.800 juta", 1e6),
    ("20 persen", 1.0),
])
def test_step_is_the_last_digit_written(written: str, unit: float) -> None:
    assert step(mention(written)) == pytest.approx(unit)


@pytest.mark.parametrize(("computed", "written", "expected"), [
    (58.46, "58,5 persen", Agreement.agrees),
    (58.46, "58,4 persen", Agreement.rounding),
    (58.46, "58,2 persen", Agreement.differs),
    (10.606, "11%", Agreement.agrees),
    (8.3e9, "Rp8,75 miliar", Agreement.differs),
    (1212, "1.248", Agreement.differs),
    (1249, "1.248", Agreement.rounding),
])
def test_agreement(computed: float, written: str, expected: Agreement) -> None:
    assert agreement(computed, mention(written)) is expected


@pytest.mark.parametrize(("value", "like", "shown"), [
    (8.3e9, "Rp8,75 miliar", "Rp8,30 miliar"), (4437, "1.022", "4.437"),
    (1.3e9, "Rp 2.800 juta", "Rp 1.300 juta"),
])
def test_computed_numbers_are_written_like_the_article(value: float, like: str,
                                                       shown: str) -> None:
    assert written_like(value, mention(like), vocabulary().scales) == shown
