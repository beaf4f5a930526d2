"""Extraction strategies: how a model turns one cleaned article into an ``Extraction``.

Two strategies share one interface and end in the same Pydantic-validated record:
- ``direct``: the model writes the whole record (for capable chat models);
- ``candidates``: the number parser proposes every number with its sentence and the model only
  labels each one (for small base models; it cannot invent a number because it never writes one).
The model client and the prompt are passed in, so tests and other endpoints swap them freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .grounding import locate
from .llm import ModelClient
from .models import Extraction, Usage
from .prompts import Prompt

SOURCE_PLACEHOLDER = "{{ source }}"


@dataclass
class StrategyResult:
    extraction: Extraction
    problems: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)


class Strategy(Protocol):
    name: str

    def extract(self, text: str, client: ModelClient, prompt: Prompt) -> StrategyResult: ...


class DirectStrategy:
    """The model writes the record; validators re-ask it when a value or quote is not verbatim."""

    name = "direct"

    def extract(self, text: str, client: ModelClient, prompt: Prompt) -> StrategyResult:
        # The article reaches the model through instructor's context as {{ source }}: pasting it
        # into the message would break instructor's template rendering on a literal "{{".
        messages = [
            {"role": "system", "content": prompt.render("system")},
            {"role": "user", "content": prompt.render("user", source=SOURCE_PLACEHOLDER)},
        ]
        got = client.structured(messages, Extraction, source=text, params=prompt.params,
                                prompt_version=prompt.id)
        extraction = got.value if isinstance(got.value, Extraction) else Extraction()
        return StrategyResult(extraction, got.problems, got.usage)


def strategy_named(name: str) -> Strategy:
    if name == "direct":
        return DirectStrategy()
    if name == "candidates":
        from .candidates import CandidatesStrategy

        return CandidatesStrategy()
    if name == "read":
        from .reading import ReadStrategy

        return ReadStrategy()
    from .errors import UsageError

    raise UsageError(f"unknown strategy {name!r}; choose read, direct or candidates")


def attach_spans(text: str, extraction: Extraction) -> Extraction:
    """Locate every quote in the text (exact, then whitespace-normalized, then fuzzy) and record
    its span; a quote that cannot be found keeps ``span=None`` and the checks flag it."""
    out = extraction.model_copy(deep=True)
    for item in [*out.indicators, *out.targets, *out.programs]:
        if item.span is None and item.quote:
            item.span = locate(text, item.quote).span
    return out
