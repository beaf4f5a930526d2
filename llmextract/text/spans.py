"""Character ranges in the cleaned text, the one coordinate system of every record.

Offsets are character offsets into the cleaned article text, half-open ``[start, end)``; a
``Segment`` maps a run of them back to the original file."""

from __future__ import annotations

from typing import cast

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """A half-open character range ``[start, end)`` in the cleaned article text."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)


_VALIDATE_SPAN = Span.__pydantic_validator__.validate_python


def span(start: int, end: int) -> Span:
    """``Span(start=start, end=end)``, validated the same, without the model's Python
    ``__init__``, which cost more than the validation itself: every located quote and value
    and many flags make one."""
    return cast(Span, _VALIDATE_SPAN({"start": start, "end": end}))


class Segment(BaseModel):
    """A run of characters kept verbatim by cleaning: ``clean[clean_start:clean_start+length]``
    equals ``original[original_start:original_start+length]``."""

    clean_start: int
    original_start: int
    length: int
