"""Prompt templates are files: every shipped one loads, names vocabulary that exists, and a
change to a file changes the id that run.json and the cache keys record."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmextract.errors import UsageError
from llmextract.prompts import available_prompts, load_prompt
from llmextract.resources import load_vocab, prompts_dir


@pytest.mark.parametrize("name", available_prompts())
def test_every_shipped_prompt_loads_and_its_domain_vocabulary_exists(name: str) -> None:
    prompt = load_prompt(name)
    assert prompt.strategy in ("read", "direct", "candidates")
    assert load_vocab(prompt.domain), f"prompts/vocab/{prompt.domain}.yaml is missing or empty"


def test_editing_a_prompt_file_changes_its_id(tmp_path: Path) -> None:
    original = prompts_dir() / "direct.yaml"
    copy = tmp_path / "direct.yaml"
    copy.write_bytes(original.read_bytes())
    before = load_prompt(str(copy)).id
    copy.write_bytes(original.read_bytes() + b"\n# one more line\n")
    after = load_prompt(str(copy)).id
    assert before.startswith("direct@2#") and after != before


def test_a_prompt_file_without_a_version_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("strategy: direct\nsystem: hi\n", "utf-8")
    with pytest.raises(UsageError, match=r"mine.yaml: prompt file lacks 'version'"):
        load_prompt(str(path))


def test_a_missing_template_key_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="has no 'nope' template"):
        load_prompt("direct").render("nope")
