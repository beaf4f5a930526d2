"""A finished article's whole outcome (record, flags, the reports for the checks across
articles, notes) kept in the cache the model calls use.

A re-run whose model calls were all cached still spent 2.9 ms of CPU an article on this
project's VM (bench/RESULTS.md): cleaning, parsing, the strategy's rules, the metadata and the
checks, all of which give again what they gave. The goal of 500 articles a second leaves 2 ms
for everything. So the pipeline keeps what the per-article function returns under a key of
everything that determines it, and a re-run of the same articles with the same code reads,
looks up and writes.

The key holds: the article as read (its id, where it came from, its text, what the input said
about it), the strategy's name, the model's identity as the model calls' keys hold it (model
name, endpoint fingerprint: the GGUF's sha256 for the embedded model, the answer mode), the
answer format, the prompt's id and hash (its domain and language with it), and a fingerprint
of the code and data the outcome comes from: the package version, every source file of
``llmextract`` and every file of the prompts folder (templates, vocabularies, tables), hashed
once a process. Any edit to a rule, a check, a prompt or a word list therefore misses this
cache; the model calls' own cache, whose keys hold what the model was asked, still answers
what did not change.

The pipeline keeps nothing for an article that failed or stopped the run, nor without a
cache (``--no-cache``), nor for a client other than a ``ModelClient`` or a strategy of the
caller's own, whose code the fingerprint does not cover. An entry that cannot be read back (a
value of another layout, written by another version of a library) is a miss, never misread.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import diskcache

from llmextract.articles import Article
from llmextract.llm import ModelClient
from llmextract.prompts import Prompt
from llmextract.resources import prompts_dir
from llmextract.version import __version__

_PACKAGE = Path(__file__).resolve().parent
# A cache entry of another layout is a miss, never misread.
_LAYOUT = 2


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


def outcome_key(client: ModelClient, article: Article, strategy: str, prompt: Prompt) -> str:
    answer_format = client.format_for(prompt.params, prompt.id).value
    return client.key("outcome", {
        "article": [article.id, article.source_path, article.text,
                    article.source.model_dump(mode="json"), list(article.notes)],
        "strategy": strategy, "answer_format": answer_format, "prompt": prompt.id,
        "prompt_hash": prompt.hash, "code": code_fingerprint()})


def recall(store: diskcache.Cache, key: str) -> Any | None:
    """What ``keep`` stored under ``key``, or None."""
    entry = store.get(key)
    if not isinstance(entry, tuple) or len(entry) != 2 or entry[0] != _LAYOUT:
        return None
    try:
        return pickle.loads(zlib.decompress(entry[1]))
    except Exception:  # not ours, or pickled by another version of a library
        return None


def keep(store: diskcache.Cache, key: str, value: Any) -> None:
    """``value`` pickled and compressed: a seed article's outcome is 12 KB pickled and 4.5 KB
    compressed at level 1 (160 us to compress, 42 us to decompress), and the cache holds one for
    every article a run has seen."""
    store.set(key, (_LAYOUT, zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)))
