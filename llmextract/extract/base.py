"""What every extraction strategy shares: the ``Strategy`` protocol, its ``StrategyResult``, and
``attach_spans``, which locates each item's quote in the text. A strategy module imports this
one, never the registry in ``llmextract.extract`` that lists it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from llmextract.client import Client
from llmextract.models import Extraction, Item, Usage
from llmextract.prompts import Prompt
from llmextract.text.alignment import locate

SOURCE_PLACEHOLDER = "{{ source }}"


@dataclass
class StrategyResult:
    extraction: Extraction
    problems: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)


class Strategy(Protocol):
    name: str

    def extract(self, text: str, client: Client, prompt: Prompt) -> StrategyResult: ...


def attach_spans(text: str, extraction: Extraction) -> Extraction:
    """Locate every quote in the text (exact, then whitespace-normalized, then fuzzy) and record
    its span; a quote that cannot be found keeps ``span=None`` and the checks flag it."""
    out = extraction.items_copied()
    items: list[Item] = [*out.indicators, *out.targets, *out.programs]
    for item in items:
        if item.span is None and item.quote:
            item.span = locate(text, item.quote).span
    return out
