"""The one rounding rule of the consistency checks, and how their arithmetic is written.

A number the article states is compared with the number its other figures give (a sum, a
share, a change). The article's own precision sets the tolerance: the step of the last digit it
writes (``58,4`` -> 0,1; ``Rp8,75 miliar`` -> 0,01 miliar; ``1.248`` -> 1). Within half a step
the two agree (58,46 is written 58,5). Within one step and a half, the last digit is off by
one: a rounding slip or a typo, a warning that shows the arithmetic, never silence and never an
error. Beyond that, the article's figures contradict each other: an error.
"""

from __future__ import annotations

import math
import re
from enum import Enum

from llmextract.checks.context import describe
from llmextract.models import Severity
from llmextract.text.numbers import NumberMention

_DIGITS = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_SEPARATOR = re.compile(r"[.,]")
_GROUPED = re.compile(r"[0-9]([.,])[0-9]{3}(?![0-9])")  # '1.022': how the article groups


class Agreement(str, Enum):
    agrees = "agrees"
    rounding = "rounding"  # the last digit off by one
    differs = "differs"


SEVERITY = {Agreement.rounding: Severity.warning, Agreement.differs: Severity.error}


def step(mention: NumberMention) -> float:
    """The value of one unit of the last digit written: '10,6' -> 0.1, 'Rp3,1 miliar' -> 1e8,
    '2.800 juta' -> 1e6."""
    digits = _DIGITS.search(mention.text)
    if digits is None or not mention.value:
        return 1.0
    plain = int(_SEPARATOR.sub("", digits.group()) or 0)
    return abs(mention.value) / plain if plain else 1.0


def agreement(computed: float, stated: NumberMention) -> Agreement:
    unit = step(stated)
    gap = abs(computed - (stated.value or 0.0))
    if gap <= unit / 2 + 1e-9 * max(1.0, abs(computed)):
        return Agreement.agrees
    if gap <= 1.5 * unit + 1e-9 * max(1.0, abs(computed)):
        return Agreement.rounding
    return Agreement.differs


def written_like(value: float, like: NumberMention, scales: dict[str, float], *,
                 extra_decimals: int = 0) -> str:
    """``value`` the way ``like`` writes its number: its currency and scale word, its
    decimals (plus ``extra_decimals``), its grouping, a decimal comma: 8.3e9 like 'Rp8,75
    miliar' is 'Rp8,30 miliar'; 4437 like '1.022' is '4.437'. ``scales``: the scale words."""
    digits = _DIGITS.search(like.text)
    if digits is None or not like.value:
        return describe(round(value, 2))
    tail = like.text[digits.end():].lower().split()
    scale = next((scales[w] for w in tail if w in scales), 1.0)
    decimals = max(0, round(math.log10(scale / step(like)))) + extra_decimals
    grouped = _GROUPED.search(digits.group())
    number = f"{value / scale:,.{decimals}f}".replace(",", " ").replace(".", ",")
    number = number.replace(" ", grouped.group(1) if grouped else ".")
    return like.text[: digits.start()] + number + like.text[digits.end():]


def percent_text(value: float) -> str:
    """A computed share or change, to one decimal, written the Indonesian way: '16,7 %'."""
    return f"{value:.1f}".replace(".", ",") + " %"


def rounding_note(found: Agreement) -> str:
    """What a reviewer should know of a difference within the rounding band."""
    return " (the last digit is off by one: a rounding slip?)" \
        if found is Agreement.rounding else ""
