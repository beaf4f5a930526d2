"""Extraction strategies: how a model turns one cleaned article into an ``Extraction``.

Every strategy shares one interface (``base.Strategy``) and ends in the same Pydantic-validated
record:
- ``read``: the parser proposes every number, the model reads the article and labels them by
  id and names its programs (the default for instruct models);
- ``direct``: the model writes the whole record (for capable chat models);
- ``candidates``: the number parser proposes every number with its sentence and the model only
  labels each one (for small base models; it cannot invent a number because it never writes one).
The model client and the prompt are passed in, so tests and other endpoints swap them freely.

A new strategy is a module of this package and one line in ``STRATEGIES``.
"""

from __future__ import annotations

from collections.abc import Callable

from llmextract.errors import UsageError
from llmextract.extract.base import SOURCE_PLACEHOLDER, Strategy, StrategyResult, attach_spans
from llmextract.extract.candidates import CandidatesStrategy
from llmextract.extract.direct import DirectStrategy
from llmextract.extract.read import ReadStrategy

# name -> factory: the strategies ``--strategy`` and ``llmextract.extract()`` can name.
STRATEGIES: dict[str, Callable[[], Strategy]] = {
    "read": ReadStrategy,
    "direct": DirectStrategy,
    "candidates": CandidatesStrategy,
}

__all__ = ["SOURCE_PLACEHOLDER", "STRATEGIES", "Strategy", "StrategyResult", "attach_spans",
           "strategy_named"]


def strategy_named(name: str) -> Strategy:
    factory = STRATEGIES.get(name)
    if factory is None:
        raise UsageError(f"unknown strategy {name!r}; choose {', '.join(STRATEGIES)}")
    return factory()
