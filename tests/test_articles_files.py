"""Finding and reading input files: bad files named one by one, symlinks followed or reported,
text and HTML files read within the size cap."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llmextract.articles import Article, InputOptions, article_id, read_file, read_inputs
from llmextract.errors import ArticleError, UsageError

from .conftest import FIXTURES, SEEDS

ARTICLES = FIXTURES / "articles"
TEXT = "Kasus stunting di Kota Metro tercatat 242 kasus pada 2025.\n"


def read_all(path: Path, options: InputOptions | None = None) -> tuple[list[Article], list[str]]:
    articles: list[Article] = []
    errors: list[str] = []
    for got in read_inputs(path, options or InputOptions()):
        (articles if isinstance(got, Article) else errors).append(got)  # type: ignore[arg-type]
    return articles, [str(e) for e in errors]


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
    [error] = list(read_file(ARTICLES / name))
    assert isinstance(error, ArticleError)
    message = str(error)
    assert message.startswith(str(ARTICLES / name) + ": ")
    assert reason in message
    assert "\n" not in message


def test_html_is_turned_into_text_without_scripts() -> None:
    [article] = list(read_file(ARTICLES / "page.html"))
    assert isinstance(article, Article)
    assert "10,6%" in article.text
    assert "var a" not in article.text


def test_html_with_scripts_styles_and_handlers_keeps_only_the_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Stunting turun</title><style>p{width:999px}</style>"
        "<script>var cases = 999; document.write('777 kasus')</script></head>"
        "<body onload=\"alert(555)\"><p>Prevalensi <b>stunting</b> di Kota Bogor mencapai "
        "10,6% pada 2024.</p><noscript>Aktifkan 444 skrip</noscript><!-- 333 komentar -->"
        "<template><p>888 kasus</p></template><p>Target 2026 adalah 5 persen.</p></body></html>",
        encoding="utf-8",
    )
    [article] = list(read_file(page))
    assert isinstance(article, Article)
    assert "Prevalensi stunting di Kota Bogor mencapai 10,6% pada 2024." in article.text
    assert "Target 2026 adalah 5 persen." in article.text
    for hidden in ("999", "777", "555", "444", "333", "888", "alert", "width"):
        assert hidden not in article.text


def test_seed_folder_reads_five_articles_with_ids_from_name_and_text() -> None:
    articles, errors = read_all(SEEDS)
    assert errors == []
    assert len(articles) == 5
    for a in articles:
        path = Path(a.source_path)
        assert a.id == article_id(path.read_text(encoding="utf-8"), path.name)


def test_id_is_the_path_inside_the_folder_so_it_survives_moving_the_folder(
    tmp_path: Path,
) -> None:
    for root in (tmp_path / "a", tmp_path / "b" / "c"):
        (root / "sub").mkdir(parents=True)
        (root / "sub" / "x.txt").write_text(TEXT, encoding="utf-8")
    [one], _ = read_all(tmp_path / "a")
    [two], _ = read_all(tmp_path / "b" / "c")
    assert one.id == two.id == article_id(TEXT, "sub/x.txt")


def test_two_files_with_the_same_text_are_two_articles(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(TEXT, encoding="utf-8")
    articles, errors = read_all(tmp_path)
    assert errors == []
    assert len({a.id for a in articles}) == 2
    assert [Path(a.source_path).name for a in articles] == ["a.txt", "b.txt"]


def test_folder_with_bad_files_keeps_the_good_ones() -> None:
    articles, errors = read_all(ARTICLES)
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
        read_inputs(make(tmp_path))


def test_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(TEXT.encode("utf-8"))
    (tmp_path / "ok.txt").write_text(TEXT, encoding="utf-8")
    articles, errors = read_all(tmp_path)
    assert errors == []
    odd = next(a for a in articles if "caf" in a.source_path)
    assert odd.source_path.endswith("caf\\xe9.txt")
    odd.source_path.encode("utf-8")  # writable as JSON, unlike the raw name
    assert odd.notes and "not UTF-8" in odd.notes[0]
    assert len(articles) == 2


def test_dangling_symlink_and_symlink_loops_are_reported(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)
    articles, errors = read_all(tmp_path)
    assert [Path(a.source_path).name for a in articles] == ["good.txt"]
    assert len(errors) == 3
    [gone] = [e for e in errors if "gone.txt" in e]
    assert "dangling symlink" in gone and "nowhere.txt" in gone
    [itself] = [e for e in errors if "self.txt" in e]
    assert "symlink loop" in itself
    [up] = [e for e in errors if e.startswith(str(tmp_path / "sub" / "up"))]
    assert "symlink loop" in up


def test_symlinked_file_and_folder_are_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.txt").write_text(TEXT, encoding="utf-8")
    root = tmp_path / "in"
    root.mkdir()
    (root / "linked").symlink_to(elsewhere)
    (root / "y.txt").symlink_to(elsewhere / "x.txt")
    articles, errors = read_all(root)
    assert errors == []
    assert sorted(Path(a.source_path).relative_to(root).as_posix() for a in articles) == [
        "linked/x.txt", "y.txt"]


def test_article_over_the_cap_is_refused_with_its_size(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("kata " * 300, encoding="utf-8")
    (tmp_path / "small.txt").write_text(TEXT, encoding="utf-8")
    articles, [error] = read_all(tmp_path, InputOptions(max_chars=1000))
    assert [Path(a.source_path).name for a in articles] == ["small.txt"]
    assert error.startswith(str(tmp_path / "big.txt") + ": 1,500 characters, over the cap of 1,000")
    assert "--max-chars" in error


def test_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB that cost nothing to write
    [error] = list(read_file(big, InputOptions(max_chars=1000)))
    assert isinstance(error, ArticleError)
    assert "52,428,800 bytes" in str(error)
