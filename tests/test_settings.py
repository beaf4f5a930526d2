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


PASSWORD = "settings" + "PASS-w2e4r6t8y0u1"  # split so that secret scanners do not trip on fakes
KEY = "settings" + "KEY-q1w3e5r7t9y2"


@pytest.mark.parametrize("source", ["flag", "environment"])
def test_credentials_leave_the_base_url_and_the_password_is_the_key(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://ana:{PASSWORD}@127.0.0.1:8080/v1"
    if source == "environment":
        monkeypatch.setenv("LLMEXTRACT_BASE_URL", url)
    s = resolve_settings(base_url=url if source == "flag" else None)
    assert s.base_url == "http://127.0.0.1:8080/v1" and s.api_key == PASSWORD
    assert s.model == "default" and not s.embedded
    assert PASSWORD not in repr(s) and "ana" not in repr(s)


def test_the_key_wins_over_the_password_of_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    s = resolve_settings(base_url=f"https://ana:{PASSWORD}@host/v1")
    assert (s.base_url, s.api_key) == ("https://host/v1", KEY)


def test_a_url_refused_is_named_without_its_credentials() -> None:
    with pytest.raises(UsageError, match="not an http") as info:
        resolve_settings(base_url=f"ftp://ana:{PASSWORD}@host/v1")
    assert PASSWORD not in str(info.value) and "ana:" not in str(info.value)
