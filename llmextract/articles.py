"""Reading a folder of articles: one ``Article`` per document, one ``ArticleError`` per bad file.

A bad file never stops the others: the reader returns what it could read and, separately, a
one-line error per file it could not. Article ids are content hashes (first 16 hex digits of the
sha256 of the UTF-8 text), so the same article gets the same id wherever it lives.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from llmextract.errors import ArticleError, UsageError

SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")


@dataclass(frozen=True)
class Article:
    id: str
    source_path: str
    text: str


def article_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise ArticleError(str(path), "empty file")
    if b"\x00" in data[:8192]:
        raise ArticleError(str(path), "binary file (contains NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            str(path),
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save it as UTF-8",
        ) from None


def _html_to_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "noscript"]):
        tag.decompose()
    return soup.get_text("\n")


def _read_jsonl(path: Path, text: str) -> tuple[list[Article], list[ArticleError]]:
    articles: list[Article] = []
    errors: list[ArticleError] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(ArticleError(where, f"invalid JSON ({exc.msg})"))
            continue
        body = obj.get("text") if isinstance(obj, dict) else None
        if not isinstance(body, str) or not body.strip():
            errors.append(ArticleError(where, 'no non-empty "text" field'))
            continue
        label = obj.get("id", n)
        articles.append(Article(article_id(body), f"{path}#{label}", body))
    if not articles and not errors:
        errors.append(ArticleError(str(path), "empty file"))
    return articles, errors


def read_file(path: Path) -> tuple[list[Article], list[ArticleError]]:
    """Read one file into zero or more articles (a ``.jsonl`` file holds many)."""
    try:
        text = _decode(path, path.read_bytes())
    except ArticleError as exc:
        return [], [exc]
    except OSError as exc:
        return [], [ArticleError(str(path), f"cannot read ({exc.strerror})")]
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _read_jsonl(path, text)
    if suffix in (".html", ".htm"):
        text = _html_to_text(text)
        if not text.strip():
            return [], [ArticleError(str(path), "HTML with no text")]
    return [Article(article_id(text), str(path), text)], []


def find_files(path: Path) -> list[Path]:
    """The article files under ``path`` (a file or a folder, searched recursively), sorted."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not files:
        raise UsageError(f"{path}: no articles found (looked for {', '.join(SUFFIXES)})")
    return files


def read_articles(path: Path) -> tuple[list[Article], list[ArticleError]]:
    articles: list[Article] = []
    errors: list[ArticleError] = []
    for file in find_files(path):
        got, bad = read_file(file)
        articles.extend(got)
        errors.extend(bad)
    return articles, errors
