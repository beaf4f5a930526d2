from __future__ import annotations

from pathlib import Path

import pytest

from llmextract.errors import UsageError
from llmextract.settings import resolve_settings


def test_nothing_configured_means_embedded_model_and_candidates() -> None:
    s = resolve_settings()
    assert s.embedded
    assert s.strategy_name == "candidates"
    assert s.prompt_name == "candidates"


def test_flags_beat_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMEXTRACT_BASE_URL", "http://env:1/v1")
    monkeypatch.setenv("LLMEXTRACT_MODEL", "env-model")
    s = resolve_settings(model="flag-model")
    assert (s.model, s.base_url) == ("flag-model", "http://env:1/v1")
    assert not s.embedded and s.strategy_name == "direct"


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
        ({"strategy": "magic"}, "choose direct or candidates"),
    ],
    ids=["model-without-key-or-url", "url-without-scheme", "unknown-strategy"],
)
def test_unusable_settings_are_usage_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve_settings(**kwargs)


def test_cache_dir_from_environment(isolated_user_dirs: Path) -> None:
    assert resolve_settings().cache_dir == isolated_user_dirs
