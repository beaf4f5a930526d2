"""Shared test setup: every test gets its own cache folder and no real key; model traffic is
replayed from ``cassettes/`` (run with ``--record-mode=none --block-network``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from .faultserver import FaultServer
from .faultserver import start as start_fault_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Property tests assert what holds, never how fast: hypothesis's per-example deadline is a
# timing assertion that a loaded machine fails (speed lives in bench/), so it is off.
settings.register_profile("llmextract", deadline=None)
settings.load_profile("llmextract")

SECRET_HEADERS = [("authorization", "Bearer DUMMY"), ("openai-organization", None),
                  ("openai-project", None), ("cookie", None), ("api-key", None)]


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads the developer's cache or key, or the environment's model settings."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("LLMEXTRACT_CACHE_DIR", str(cache))
    for name in ("OPENAI_API_KEY", "LLMEXTRACT_MODEL", "LLMEXTRACT_BASE_URL", "LLMEXTRACT_STRATEGY",
                 "LLMEXTRACT_PROMPT", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return cache


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for one test (``umask(0o022)``); the old one comes back after."""
    before = os.umask(0o022)
    os.umask(before)
    yield os.umask
    os.umask(before)


def _drop_cookies(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in ("set-cookie", "openai-organization", "openai-project"):
            del headers[name]
    return response


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    # No record_mode here: it would override --record-mode on the command line.
    return {
        "match_on": ["method", "path", "body"],
        "filter_headers": SECRET_HEADERS,
        "before_record_response": _drop_cookies,
        "decode_compressed_response": True,
        "ignore_localhost": False,
    }


@pytest.fixture(scope="session")
def vcr_cassette_dir() -> str:
    return str(ROOT / "cassettes")


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    """A misbehaving OpenAI-compatible server on a loopback port (``tests/faultserver.py``)."""
    state, server = start_fault_server()
    yield state
    server.shutdown()
    server.server_close()
