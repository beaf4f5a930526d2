"""The estimated cost of a run's tokens, from a small price table
(``prompts/tables/prices.yaml``) that the user can extend or override with a file of the same
shape (``--prices``, ``LLMEXTRACT_PRICES``). An estimate only: providers change prices, and a
model not in the table gets none rather than a guess."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from llmextract.errors import UsageError
from llmextract.models import Usage
from llmextract.resources import prompts_dir


@dataclass(frozen=True)
class Price:
    """Currency units per million tokens."""

    model: str
    prompt: float
    completion: float
    currency: str

    def cost(self, usage: Usage) -> float:
        return (usage.prompt_tokens * self.prompt
                + usage.completion_tokens * self.completion) / 1_000_000


def _read(path: Path) -> tuple[str, dict[str, tuple[float, float]]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: cannot read the price table ({exc})") from None
    table = data.get("per_million_tokens") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: a price table needs a 'per_million_tokens' mapping")
    prices = {}
    for model, row in table.items():
        try:
            prices[str(model)] = (float(row["prompt"]), float(row["completion"]))
        except (TypeError, KeyError, ValueError):
            raise UsageError(f"{path}: {model}: give 'prompt' and 'completion' prices as "
                             "numbers") from None
    return str(data.get("currency") or "USD"), prices


def price_of(model: str, override: Path | None = None) -> Price | None:
    """The price of ``model``: exact name first, then the longest listed name it starts with.
    ``override`` (else ``LLMEXTRACT_PRICES``) is read over the shipped table."""
    currency, prices = _read(prompts_dir() / "tables" / "prices.yaml")
    extra = override or (Path(p) if (p := os.environ.get("LLMEXTRACT_PRICES")) else None)
    if extra is not None:
        currency, more = _read(extra)
        prices |= more
    name = model.lower()
    match = name if name in prices else max(
        (m for m in prices if name.startswith(m)), key=len, default=None)
    if match is None:
        return None
    return Price(match, *prices[match], currency)
