"""The price table: exact names, dated model names, the user's own table, and bad tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmextract.errors import UsageError
from llmextract.models import Usage
from llmextract.prices import price_of


def test_a_dated_model_name_is_priced_as_its_family() -> None:
    price = price_of("gpt-4o-mini-2024-07-18")
    assert price is not None and price.model == "gpt-4o-mini"
    assert price.cost(Usage(prompt_tokens=1_000_000, completion_tokens=500_000)) == pytest.approx(
        price.prompt + price.completion / 2)


def test_an_unknown_model_gets_no_estimate() -> None:
    assert price_of("qwen2.5:7b") is None


def test_the_users_table_adds_and_replaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    own = tmp_path / "prices.yaml"
    own.write_text("currency: EUR\nper_million_tokens:\n  gpt-4o-mini: {prompt: 1, completion: 2}\n"
                   "  qwen2.5:7b: {prompt: 0.1, completion: 0.2}\n")
    assert price_of("gpt-4o-mini", own) == price_of("gpt-4o-mini", own)
    mini = price_of("gpt-4o-mini", own)
    assert mini is not None and (mini.prompt, mini.completion, mini.currency) == (1, 2, "EUR")
    monkeypatch.setenv("LLMEXTRACT_PRICES", str(own))
    qwen = price_of("qwen2.5:7b")
    assert qwen is not None and qwen.prompt == 0.1


def test_a_bad_table_is_a_usage_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("per_million_tokens:\n  m: {prompt: cheap}\n")
    with pytest.raises(UsageError, match="bad.yaml: m: give 'prompt' and 'completion'"):
        price_of("m", bad)
