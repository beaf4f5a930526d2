from __future__ import annotations

from pathlib import Path

import pytest

from llmextract.articles import article_id, read_articles, read_file
from llmextract.errors import UsageError

from .conftest import FIXTURES, SEEDS

ARTICLES = FIXTURES / "articles"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file"),
        ("binary.txt", "binary file"),
        ("latin1.txt", "not UTF-8 (byte 0xe9"),
    ],
    ids=["empty", "binary", "not-utf8"],
)
def test_bad_file_gives_one_line_error_naming_it(name: str, reason: str) -> None:
    articles, errors = read_file(ARTICLES / name)
    assert articles == []
    [error] = errors
    message = str(error)
    assert message.startswith(str(ARTICLES / name) + ": ")
    assert reason in message
    assert "\n" not in message


def test_jsonl_reads_good_lines_and_names_bad_ones() -> None:
    articles, errors = read_file(ARTICLES / "two.jsonl")
    assert [a.source_path for a in articles] == [f"{ARTICLES / 'two.jsonl'}#a1"]
    assert [str(e).split(": ")[0] for e in errors] == [
        f"{ARTICLES / 'two.jsonl'}:2",
        f"{ARTICLES / 'two.jsonl'}:3",
    ]


def test_html_is_turned_into_text_without_scripts() -> None:
    [article], _ = read_file(ARTICLES / "page.html")
    assert "10,6%" in article.text
    assert "var a" not in article.text


def test_seed_folder_reads_five_articles_with_content_ids() -> None:
    articles, errors = read_articles(SEEDS)
    assert errors == []
    assert len(articles) == 5
    for a in articles:
        assert a.id == article_id(Path(a.source_path).read_text(encoding="utf-8"))


def test_folder_with_bad_files_keeps_the_good_ones() -> None:
    articles, errors = read_articles(ARTICLES)
    assert {Path(a.source_path.split("#")[0]).name for a in articles} == {
        "no_numbers.txt",
        "two.jsonl",
        "page.html",
    }
    assert len(errors) == 5


@pytest.mark.parametrize(
    "make", [lambda p: p / "missing", lambda p: p], ids=["missing-path", "folder-without-articles"]
)
def test_unusable_input_path_is_a_usage_error(tmp_path: Path, make) -> None:
    with pytest.raises(UsageError, match=str(tmp_path)):
        read_articles(make(tmp_path))
