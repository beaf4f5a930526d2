"""resources.py: vocabulary files read once, every key the code reads checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmextract.errors import VocabularyError
from llmextract.resources import DEFAULT_LANGUAGE, VocabFile, load_vocab


def test_a_missing_key_names_the_file_and_the_key() -> None:
    with pytest.raises(VocabularyError, match=r"id\.yaml: no key 'tpyo_words'"):
        load_vocab(DEFAULT_LANGUAGE).words("tpyo_words")


def test_a_key_of_the_wrong_type_is_an_error(tmp_path: Path) -> None:
    vocab = VocabFile(tmp_path / "x.yaml", {"words": "not a list", "n": True, "t": {"a": 1}})
    with pytest.raises(VocabularyError, match="'words' should be a list"):
        vocab.words("words")
    with pytest.raises(VocabularyError, match="should be a whole number"):
        vocab.number("n")
    assert vocab.table("t") == {"a": 1}


def test_a_file_is_read_once() -> None:
    assert load_vocab(DEFAULT_LANGUAGE) is load_vocab(DEFAULT_LANGUAGE)
    assert "months" in load_vocab(DEFAULT_LANGUAGE)


def test_a_yaml_no_read_as_false_is_an_error(tmp_path: Path) -> None:
    vocab = VocabFile(tmp_path / "x.yaml", {"words": ["rt", False]})
    with pytest.raises(VocabularyError, match=r"'words' holds \[False\], not words"):
        vocab.words("words")
