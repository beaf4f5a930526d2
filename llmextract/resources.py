"""Where prompt templates and vocabulary files live.

Domain words (indicator names, units, boilerplate patterns, few-shot examples) are data in
``prompts/``, not code, so a second domain is a new folder of files. Installed from a wheel they
sit in ``llmextract/_data/prompts``; from a checkout, in the repository's ``prompts/``.
``LLMEXTRACT_PROMPTS_DIR`` points the tool at a folder of one's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from llmextract.errors import VocabularyError

_PACKAGE = Path(__file__).resolve().parent

# The domain vocabulary (``prompts/vocab/<domain>.yaml``) used when a prompt names none.
DEFAULT_DOMAIN = "stunting"
# The language vocabulary (``prompts/vocab/<language>.yaml``) used when a prompt names none.
DEFAULT_LANGUAGE = "id"


def prompts_dir() -> Path:
    return _prompts_dir(os.environ.get("LLMEXTRACT_PROMPTS_DIR"))


@cache
def _prompts_dir(override: str | None) -> Path:
    """Decided once per override: the rules ask for their words thousands of times a run, and
    a file system look-up each time was a tenth of a cached re-run."""
    if override:
        return Path(override)
    installed = _PACKAGE / "_data" / "prompts"
    return installed if installed.is_dir() else _PACKAGE.parent / "prompts"


@cache
def _load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


class VocabFile(Mapping[str, Any]):
    """One vocabulary file, read once. Every key the code reads must be there: a missing key
    (or one of the wrong type) is a ``VocabularyError`` naming the file and the key, never an
    empty list. ``words``, ``table``, ``number`` and ``flag`` say which type a key holds."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self._data = data

    def __getitem__(self, key: str) -> Any:
        if key not in self._data:
            raise VocabularyError(f"{self.path}: no key {key!r}")
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def _typed(self, key: str, kind: type | tuple[type, ...], what: str) -> Any:
        value = self[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise VocabularyError(f"{self.path}: {key!r} should be {what}, not {value!r}")
        return value

    def words(self, key: str) -> list[str]:
        """A list of words or phrases (numbers allowed; a YAML ``no`` or ``yes`` read as a
        boolean is an error: quote it)."""
        words = self._typed(key, list, "a list")
        odd = [w for w in words if not isinstance(w, str | int | float) or isinstance(w, bool)]
        if odd:
            raise VocabularyError(f"{self.path}: {key!r} holds {odd!r}, not words (quote them)")
        return [str(w) for w in words]

    def table(self, key: str) -> dict[str, Any]:
        """A mapping (of word lists, numbers or patterns)."""
        return dict(self._typed(key, dict, "a mapping"))

    def text(self, key: str) -> str:
        """One word or phrase."""
        return str(self._typed(key, str, "a word"))

    def number(self, key: str) -> int:
        return int(self._typed(key, int, "a whole number"))

    def flag(self, key: str) -> bool:
        return bool(self._typed(key, bool, "true or false"))


@cache
def _vocab_file(path: Path) -> VocabFile:
    return VocabFile(path, _load_yaml(path))


def load_vocab(name: str) -> VocabFile:
    """The vocabulary file ``prompts/vocab/<name>.yaml`` (a language such as ``id``, a domain
    such as ``stunting``, or ``boilerplate``/``metadata``), read once per path."""
    return _vocab_named(os.environ.get("LLMEXTRACT_PROMPTS_DIR"), name)


@cache
def _vocab_named(override: str | None, name: str) -> VocabFile:
    """The file for a name, found once per prompts folder: the rules ask for their words some
    seven times an article, and building the path each time was a sixth of a cached re-run
    once the strategy's result came from the cache."""
    return _vocab_file(_prompts_dir(override) / "vocab" / f"{name}.yaml")
