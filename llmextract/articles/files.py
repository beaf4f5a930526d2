"""Finding the input files under a folder, and reading a text, Markdown or HTML file.

The walk is lazy (one folder listing at a time, sorted so runs are repeatable) and reports what
it cannot follow instead of skipping it: a dangling symlink, a symlink loop, a folder it may not
open. A symlink is followed like the file or folder it points to (a link is read like a copy);
a folder link pointing back to a folder being walked is a loop, reported once.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

from llmextract.articles.base import (
    MARKUP_FACTOR,
    UTF8_MAX_BYTES,
    Article,
    InputOptions,
    article_id,
    check_size,
    html_to_text,
    name_note,
    shown,
    too_long,
)
from llmextract.errors import ArticleError

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
ROW_SUFFIXES = (".jsonl", ".csv", ".parquet")
SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, *ROW_SUFFIXES)


def _link_error(path: Path) -> ArticleError | None:
    """Why a symlink cannot be followed, or None when it can."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return ArticleError(shown(path), f"dangling symlink (points to {shown(os.readlink(path))},"
                                         " which does not exist)")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return ArticleError(shown(path), "symlink loop (the link points back to itself)")
        return ArticleError(shown(path), f"cannot follow the symlink ({exc.strerror})")
    return None


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def walk(folder: Path) -> Iterator[Path | ArticleError]:
    """The article files under ``folder``, depth first in name order, and an error for each
    entry that should have been read and could not be reached."""
    yield from _walk(folder, [_dir_key(folder)])


def _dir_key(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _walk(folder: Path, ancestors: list[tuple[int, int]]) -> Iterator[Path | ArticleError]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: os.fsencode(e.name))
    except OSError as exc:
        yield ArticleError(shown(folder), f"cannot open the folder ({exc.strerror})")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            err = _link_error(path)
            if err is not None:
                if _wanted(path) or not path.suffix:
                    yield err
                continue
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield ArticleError(shown(path), f"cannot read ({exc.strerror})")
            continue
        if is_dir:
            key = _dir_key(path)
            if key in ancestors:
                yield ArticleError(shown(path), "symlink loop (the folder link points back to a "
                                                "folder that contains it); not followed")
                continue
            yield from _walk(path, [*ancestors, key])
        elif _wanted(path) and entry.is_file():
            yield path


def source_name(path: Path, root: Path) -> str:
    """The name that goes into the article id: the path inside the input folder, or the file
    name when the input is the file itself."""
    inside = path.name if path == root else path.relative_to(root).as_posix()
    return shown(inside)


def _decode(where: str, data: bytes) -> str:
    if not data.strip():
        raise ArticleError(where, "empty file")
    if b"\x00" in data[:8192]:
        raise ArticleError(where, "binary file (contains NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            where,
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save it as UTF-8",
        ) from None


def read_text_file(path: Path, name: str, options: InputOptions) -> Article:
    """One ``.txt``, ``.md`` or ``.html`` file as one article; raises ``ArticleError``."""
    where = shown(path)
    html = path.suffix.lower() in HTML_SUFFIXES
    limit = UTF8_MAX_BYTES * options.max_chars * (MARKUP_FACTOR if html else 1) + 3
    try:
        with path.open("rb") as fh:
            check_size(where, os.fstat(fh.fileno()).st_size, limit, options)
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ArticleError(where, f"cannot read ({exc.strerror})") from None
    check_size(where, len(data), limit, options)  # a file that grew, or a device
    text = _decode(where, data)
    if html:
        text = html_to_text(text, where)
        if not text.strip():
            raise ArticleError(where, "HTML with no text")
    refusal = too_long(text, options)
    if refusal:
        raise ArticleError(where, refusal)
    return Article(article_id(text, name), where, text, notes=name_note(path))
