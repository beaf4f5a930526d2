"""What every reader yields: an ``Article`` (or an ``ArticleError`` for input that cannot be
one), its id, the options that pick input columns, and the caps that keep one article bounded.

An article's id is the sha256 of its source name, a NUL byte and its text (first 16 hex
digits). The text alone is not enough: two outlets printing the same press release are two
articles with their own URL and date, and two input files with the same text must not
overwrite each other in the run folder. The source name is the path inside the input folder (or
the file name when the input is one file), plus ``#<id>`` for a row of a JSONL, CSV or Parquet
file, so the id stays the same when the folder moves and differs between copies.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.exceptions import ParserRejectedMarkup

from llmextract.errors import ArticleError
from llmextract.models import Source

# A news article is a few thousand characters; a long report tens of thousands. Above this a
# file is a dump or a mistake, not an article: it is refused with a message (a 50 MB "article"
# once cost 1 GB of memory and a 50 MB prompt).
DEFAULT_MAX_CHARS = 100_000
# UTF-8 takes at most 4 bytes a character: a file larger than this many bytes per allowed
# character is over the cap before it is read.
UTF8_MAX_BYTES = 4
# An HTML page may hold ten times its text in markup and scripts.
MARKUP_FACTOR = 10
# A JSONL line or CSV row holds the text, escaped (``\\ud83d\\ude00`` is 12 bytes for one
# character), and its metadata.
ROW_BYTES_PER_CHAR = 12
ROW_METADATA_BYTES = 1 << 20

DEFAULT_TEXT_COLUMN = "text"
DEFAULT_ID_COLUMN = "id"


@dataclass(frozen=True)
class InputOptions:
    """How to read the input: which column holds the text and which the id (JSONL, CSV,
    Parquet), and the largest article accepted, in characters."""

    text_column: str = DEFAULT_TEXT_COLUMN
    id_column: str | None = None  # None: the "id" column when there is one, else the row number
    max_chars: int = DEFAULT_MAX_CHARS

    @property
    def row_bytes(self) -> int:
        """The longest JSONL line or CSV row read (in bytes) before it is refused unparsed."""
        return ROW_BYTES_PER_CHAR * self.max_chars + ROW_METADATA_BYTES


@dataclass(frozen=True)
class Article:
    """One article as read: its id, where it came from, its text and what the input said about
    it. ``notes``: things the user should know that do not stop it (an odd file name)."""

    id: str
    source_path: str
    text: str
    source: Source = field(default_factory=Source)
    notes: tuple[str, ...] = ()


def article_id(text: str, source_name: str) -> str:
    data = source_name.encode("utf-8", "backslashreplace") + b"\0" + text.encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


def shown(path: Path | str) -> str:
    """A path as text that can be written anywhere: bytes of a file name that are not UTF-8
    (Linux allows any bytes) appear as ``\\xe9``, where the raw name would make the record
    impossible to write as JSON."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def name_note(path: Path) -> tuple[str, ...]:
    raw = os.fsencode(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return ("the file name is not UTF-8; its other bytes are shown as \\xNN",)
    return ()


def too_long(text: str, options: InputOptions) -> str | None:
    """The refusal of an article over the cap (chunking would split sentences, spans and the
    article's metadata across records: a file that large is not one news article)."""
    if len(text) <= options.max_chars:
        return None
    return (
        f"{len(text):,} characters, over the cap of {options.max_chars:,} for one article; "
        "split it, or raise the cap with --max-chars"
    )


def check_size(where: str, size: int, limit: int, options: InputOptions) -> None:
    """Refuse input larger than ``limit`` bytes before reading it."""
    if size > limit:
        raise ArticleError(
            where,
            f"{size:,} bytes, more than an article of at most {options.max_chars:,} characters "
            "can take; split it, or raise the cap with --max-chars",
        )


# Tags whose content is never article text: code, styling, site chrome, embedded objects.
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg",
                       "canvas", "nav", "footer", "form", "button", "select"})
# Tags that end a line: their text must not run into the next block's.
_BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "article",
                     "section", "header", "blockquote", "pre", "table", "ul", "ol", "title",
                     "figcaption", "dd", "dt"})
_LOOKS_LIKE_HTML = re.compile(
    r"<(?:html|body|head|p|div|br|span|script|style|article|section|table|a|h[1-6])\b[^>]*>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """A text field of a JSONL, CSV or Parquet row that holds HTML markup (scraped pages often
    do): it is read as HTML, so a script's numbers never reach the model."""
    return bool(_LOOKS_LIKE_HTML.search(text))


def html_to_text(html: str, where: str) -> str:
    """The readable text of a page: scripts, styles and site chrome removed, one line per block
    (inline tags such as ``<b>`` do not break a sentence), comments dropped. Raises
    ``ArticleError`` naming ``where`` for markup the parser refuses.

    One walk over the tree with a stack, not edits to it: inserting a line break after each
    block (bs4's ``insert_after``) or removing each script (``decompose``) costs time in the
    number of siblings or the depth, which made 40 kB of ``<p>1</p>`` take a second and 100 kB
    of unclosed ``<p>`` minutes; a walk is linear, and deep nesting cannot hit the recursion
    limit."""
    try:
        soup = BeautifulSoup(html, "html.parser")
    except ParserRejectedMarkup as exc:
        reason = str(exc).strip().splitlines()[-1].strip()
        raise ArticleError(where, f"HTML the parser cannot read ({reason})") from None
    wanted = soup.interesting_string_types or Tag.MAIN_CONTENT_STRING_TYPES
    pieces: list[str] = []
    stack: list[tuple[Iterator[PageElement], bool]] = [(iter(soup.contents), False)]
    while stack:
        children, block = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if block:
                pieces.append("\n")
        elif isinstance(node, NavigableString):
            if type(node) is wanted if isinstance(wanted, type) else type(node) in wanted:
                pieces.append(node)
        elif isinstance(node, Tag) and node.name not in _NOT_TEXT:
            if node.name == "br":
                pieces.append("\n")
            else:
                stack.append((iter(node.contents), node.name in _BLOCKS))
    lines = (line.strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)
