from __future__ import annotations

from pathlib import Path

import pytest

from llmextract.errors import UsageError
from llmextract.settings import resolve_settings


def test_nothing_configured_means_the_embedded_default_and_its_strategy() -> None:
    s = resolve_settings()
    assert s.embedded and s.embedded_name == "embedded:gemma-3-270m"
    assert s.strategy_name == "candidates"
    assert s.prompt_name == "candidates"


@pytest.mark.parametrize(
    ("model", "strategy"),
    [("embedded:qwen2.5-coder-1.5b", "read"), ("embedded:gemma-3-270m", "candidates")],
)
def test_an_embedded_model_is_chosen_by_name_without_a_key(model: str, strategy: str) -> None:
    s = resolve_settings(model=model)
    assert s.embedded and s.embedded_name == model and s.strategy_name == strategy


def test_an_embedded_name_with_a_base_url_is_a_server_model_name() -> None:
    s = resolve_settings(model="embedded:gemma-3-270m", base_url="http://127.0.0.1:8080/v1")
    assert not s.embedded


def test_flags_beat_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMEXTRACT_BASE_URL", "http://env:1/v1")
    monkeypatch.setenv("LLMEXTRACT_MODEL", "env-model")
    s = resolve_settings(model="flag-model")
    assert (s.model, s.base_url) == ("flag-model", "http://env:1/v1")
    assert not s.embedded and s.strategy_name == "read"


def test_key_alone_selects_openai_default_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-" + "test-not-a-real-key-000000")
    s = resolve_settings()
    assert s.model == "gpt-4o-mini" and s.base_url is None
    assert "sk-test" not in repr(s)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "gpt-4o-mini"}, "needs OPENAI_API_KEY"),
        ({"base_url": "localhost:8080"}, "not an http"),
        ({"strategy": "magic"}, "choose read, direct, candidates"),
    ],
    ids=["model-without-key-or-url", "url-without-scheme", "unknown-strategy"],
)
def test_unusable_settings_are_usage_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve_settings(**kwargs)


def test_cache_dir_from_environment(isolated_user_dirs: Path) -> None:
    assert resolve_settings().cache_dir == isolated_user_dirs
