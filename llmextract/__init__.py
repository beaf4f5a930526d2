"""llmextract: news articles in, a checked dataset of indicators, targets and programs out.

    import llmextract
    record = llmextract.extract(text)          # the embedded model, or model=/base_url=/client=
    flags = llmextract.check(record)
    result = llmextract.run("seeds/", out="runs/seeds")
    run = llmextract.load_run("runs/seeds")

The names below are loaded on first use, so importing a submodule (or running the command)
does not import the whole pipeline.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from llmextract.version import __version__

if TYPE_CHECKING:
    from llmextract.api import Run, check, load_run, run
    from llmextract.client import Client
    from llmextract.models import ArticleRecord, Extraction, Flag, Indicator, Program, Target
    from llmextract.pipeline import RunResult

__all__ = [
    "ArticleRecord", "Client", "Extraction", "Flag", "Indicator", "Program", "Run", "RunResult",
    "Target", "__version__", "check", "extract", "load_run", "run",
]

_HOMES = {
    "Run": "llmextract.api", "check": "llmextract.api",
    "load_run": "llmextract.api", "run": "llmextract.api", "Client": "llmextract.client",
    "RunResult": "llmextract.pipeline", "ArticleRecord": "llmextract.models",
    "Extraction": "llmextract.models", "Flag": "llmextract.models",
    "Indicator": "llmextract.models", "Program": "llmextract.models",
    "Target": "llmextract.models",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'llmextract' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def extract(text: str, **options: Any) -> ArticleRecord:
    """``llmextract.api.extract``: one text in, one record out (see there for the options)."""
    from llmextract.api import extract as extract_text

    return extract_text(text, **options)


class _Package(types.ModuleType):
    """``llmextract.extract`` is the function above, also once the ``llmextract.extract``
    subpackage (the strategies) is imported: Python would bind the subpackage to the name."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "extract" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
