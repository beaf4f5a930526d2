"""Reading the input: a file or a folder of ``.txt``, ``.md``, ``.html``, ``.jsonl``, ``.csv`` and
``.parquet`` files, as one stream of ``Article``s and ``ArticleError``s.

The stream is lazy: the first article comes as soon as its file (or row) is read, and memory
stays bounded whatever the input's size (one folder listing, one row or a small Parquet batch
at a time). A bad file or row never stops the others: it is one ``ArticleError`` naming it and
the reason, in the stream where it was met. The one thing kept for the whole input is the set
of ids already given (one integer each, about 6 MB for 100,000 articles), so that no two
articles ever share an id, and so overwrite each other in the run folder, without a message.

Ids and the source name they are made of: ``base.py``. The walk, symlinks and text files:
``files.py``. Rows of JSONL, CSV and Parquet files: ``rows.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from llmextract.articles.base import (
    DEFAULT_MAX_CHARS,
    Article,
    InputOptions,
    article_id,
    shown,
)
from llmextract.articles.files import ROW_SUFFIXES, SUFFIXES, read_text_file, source_name, walk
from llmextract.articles.rows import read_rows
from llmextract.errors import ArticleError, UsageError

Read = Article | ArticleError
DEFAULTS = InputOptions()


def read_file(path: Path, options: InputOptions = DEFAULTS, *,
              root: Path | None = None) -> Iterator[Read]:
    """The articles of one file (a ``.jsonl``, ``.csv`` or ``.parquet`` file holds many), with
    ids named after its path inside ``root`` (the folder being read; default: the file)."""
    name = source_name(path, root or path)
    if path.suffix.lower() in ROW_SUFFIXES:
        yield from read_rows(path, name, options)
        return
    try:
        yield read_text_file(path, name, options)
    except ArticleError as exc:
        yield exc


def _stream(path: Path, options: InputOptions) -> Iterator[Read]:
    if path.is_dir():
        for found in walk(path):
            if isinstance(found, ArticleError):
                yield found
            else:
                yield from read_file(found, options, root=path)
    else:
        yield from read_file(path, options)


def _distinct(stream: Iterator[Read]) -> Iterator[Read]:
    seen: set[int] = set()
    for item in stream:
        if isinstance(item, Article):
            key = int(item.id, 16)
            if key in seen:
                yield ArticleError(item.source_path, "the same text under the same name as an "
                                                     "article already read; read once")
                continue
            seen.add(key)
        yield item


def read_inputs(path: Path, options: InputOptions = DEFAULTS) -> Iterator[Read]:
    """Every article under ``path`` (a file or a folder, searched recursively), lazily.

    Raises ``UsageError`` at once when ``path`` does not exist or holds no article file: that is
    a wrong argument, not a bad article."""
    if not path.exists():
        reason = "a dangling symlink" if path.is_symlink() else "no such file or folder"
        raise UsageError(f"{shown(path)}: {reason}")
    stream = _distinct(_stream(path, options))
    first = next(stream, None)
    if first is None:
        raise UsageError(f"{shown(path)}: no articles found (looked for {', '.join(SUFFIXES)})")
    return itertools.chain([first], stream)


__all__ = ["DEFAULTS", "DEFAULT_MAX_CHARS", "Article", "InputOptions", "Read", "article_id",
           "read_file", "read_inputs"]
