"""Lower case that keeps every offset: the word lists run on the lowered text and report
spans into the original."""

from __future__ import annotations


def lower_same_length(text: str) -> str:
    """Lower case that keeps every offset (a letter whose lower case is longer, such as the
    Turkish dotted I, is left as it is)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered
