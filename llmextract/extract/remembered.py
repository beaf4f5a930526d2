"""A strategy's whole result per article, kept in the cache the model calls use.

A re-run whose model calls are all cached still spent half its time in the strategy (the sure
rules, the field rules, rendering and hashing the questions, reading two answers back): about
2 ms of CPU an article, where the goal of 500 articles a second leaves 2 ms for everything
(bench/RESULTS.md). ``Remembered`` wraps a built-in strategy and keeps what it returns, spans
located, under a key of everything that determines it, so a cached re-run only cleans, parses,
checks and writes.

The key holds: the article's text after cleaning, the strategy's name, the model's identity as
the model calls' keys hold it (model name, endpoint fingerprint: the GGUF's sha256 for the
embedded model, the answer mode), the prompt's id and hash, and a fingerprint of the code and
data the result comes from: the package version, every source file of ``llmextract`` and every
file of the prompts folder (templates, vocabularies, tables), hashed once a process. Any edit
to a rule, a prompt or a word list therefore misses this cache (the model calls' own cache,
whose keys hold what the model was asked, still answers what did not change).

What a hit gives is what a run answered from the model calls' cache gives: the same
extraction and problems, and usage of one cached call for each call the strategy made (no
tokens, no requests). Nothing is kept for an article whose extraction failed, nor without a
cache (``--no-cache``), nor for a client other than a ``ModelClient`` or a strategy of the
caller's own, whose code the fingerprint does not cover.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import diskcache
from pydantic import BaseModel

from llmextract.client import Client
from llmextract.extract.base import Strategy, StrategyResult, attach_spans
from llmextract.llm import Endpoint, ModelClient, Structured
from llmextract.models import Extraction, Usage
from llmextract.prompts import Prompt
from llmextract.resources import prompts_dir
from llmextract.version import __version__

_PACKAGE = Path(__file__).resolve().parent.parent
# A cache entry of another layout is a miss, never misread.
_LAYOUT = 1


def code_fingerprint() -> str:
    """The sha256 of the package version, the package's source files and the prompts folder's
    files, in this process's prompts folder (``LLMEXTRACT_PROMPTS_DIR`` may move it)."""
    return _fingerprint(_PACKAGE, prompts_dir())


@cache
def _fingerprint(package: Path, prompts: Path) -> str:
    digest = hashlib.sha256(f"llmextract {__version__} layout {_LAYOUT}".encode())
    files = [("code", p, package) for p in package.rglob("*.py")]
    files += [("data", p, prompts) for p in prompts.rglob("*") if p.is_file()]
    for kind, path, root in sorted(files, key=lambda f: (f[0], str(f[1]))):
        body = path.read_bytes()
        digest.update(f"\0{kind}:{path.relative_to(root).as_posix()}:{len(body)}\0".encode())
        digest.update(body)
    return digest.hexdigest()


@dataclass
class _Counting:
    """The client, counting the calls the strategy makes: a hit reports one cached call for
    each, as the model calls' cache would."""

    client: Client
    calls: int = 0

    @property
    def endpoint(self) -> Endpoint:
        return self.client.endpoint

    def structured(self, messages: list[dict[str, str]], response_model: type[BaseModel], *,
                   source: str, params: dict[str, Any], prompt_version: str,
                   context: dict[str, str] | None = None) -> Structured:
        self.calls += 1
        return self.client.structured(messages, response_model, source=source, params=params,
                                      prompt_version=prompt_version, context=context)

    def complete(self, prompt: str, *, params: dict[str, Any],
                 prompt_version: str) -> tuple[str, Usage]:
        self.calls += 1
        return self.client.complete(prompt, params=params, prompt_version=prompt_version)


class Remembered:
    """``inner``'s results kept in the model client's cache (see the module's docstring)."""

    def __init__(self, inner: Strategy) -> None:
        self.inner = inner
        self.name = inner.name

    def extract(self, text: str, client: Client, prompt: Prompt) -> StrategyResult:
        if not isinstance(client, ModelClient) or client.cache is None:
            return self.inner.extract(text, client, prompt)
        store = client.cache
        key = client.key("strategy", {"strategy": self.name, "text": text, "prompt": prompt.id,
                                      "prompt_hash": prompt.hash, "code": code_fingerprint()})
        hit = _recall(store, key)
        if hit is not None:
            return hit
        counting = _Counting(client)
        result = self.inner.extract(text, counting, prompt)
        located = attach_spans(text, result.extraction)
        store.set(key, (_LAYOUT, located.model_dump_json(), list(result.problems),
                        counting.calls))
        return StrategyResult(located, result.problems, result.usage)


def _recall(store: diskcache.Cache, key: str) -> StrategyResult | None:
    entry = store.get(key)
    if not isinstance(entry, tuple) or len(entry) != 4 or entry[0] != _LAYOUT:
        return None
    _, extraction, problems, calls = entry
    return StrategyResult(Extraction.model_validate_json(extraction), list(problems),
                          Usage(cached_calls=calls))

