"""The HTML reader every HTML file and HTML text field goes through: what it keeps, that it
reads any markup without an exception other than a named ``ArticleError``, and that a hostile
page (deep nesting, thousands of unclosed or sibling blocks) is read in one walk: the old
tree edits took seconds to minutes on these; ``bench/bench_parser.py`` times them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmextract.articles import read_inputs
from llmextract.articles.base import html_to_text
from llmextract.errors import ArticleError

_TAGS = ["p", "div", "br", "script", "style", "b", "span", "li", "table", "tr", "td", "nav",
         "template", "title", "a", "pre", "svg", "h1"]
_MARKUP = st.lists(st.one_of(
    st.sampled_from([f"<{t}>" for t in _TAGS] + [f"</{t}>" for t in _TAGS] + [
        "<br/>", "<p class='x'>", "<!-- c -->", "<![CDATA[x]]>", "<![if x]>", "&amp;", "&nbsp;",
        "&#1234567;", " ", "\n", "\r", "x", "12", "<", ">", "</", "<!", "<?x?>",
        "<!DOCTYPE html>", '"', "<a href='", "="]),
    st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=300, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_MARKUP)
def test_any_markup_is_read_or_refused_by_name(html: str) -> None:
    try:
        text = html_to_text(html, "page.html")
    except ArticleError as error:
        assert str(error).startswith("page.html")
        return
    assert all(line == line.strip() and line for line in text.split("\n") if text)
    assert "<script>" not in text.lower()


def test_blocks_and_line_breaks_end_lines_and_inline_tags_do_not() -> None:
    html = ("<title>Judul</title><div>Tercatat <b>242</b> kasus<br>di desa</div><p>Target"
            "</p><script>var a = 999;</script><template><p>888</p></template><ul><li>satu</li>"
            "<li>dua</li></ul>")
    assert html_to_text(html, "x.html").split("\n") == [
        "Judul", "Tercatat 242 kasus", "di desa", "Target", "satu", "dua"]


@pytest.mark.parametrize("unit", ["<div>", "<p>x", "<p>1</p>", "x<br>", "<span>a"],
                         ids=["deep", "unclosed", "siblings", "line-breaks", "inline-deep"])
def test_hostile_structure_is_read_whole(unit: str) -> None:
    # 30,000 levels of nesting is far past the recursion limit: a recursive walk would fail.
    count = max(30_000, 2 * sys.getrecursionlimit())
    text = html_to_text(unit * count, "x.html")
    letters = unit.replace("<", " ").replace(">", " ").split()
    kept = [w for w in letters if w not in ("div", "p", "/p", "br", "span")]
    assert text.replace("\n", "") == "".join(kept) * count


def test_markup_the_parser_refuses_is_a_named_error_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text("<p>5 kasus</p><![A-Za-z]>", encoding="utf-8")
    (tmp_path / "good.html").write_text("<p>7 kasus</p>", encoding="utf-8")
    read = list(read_inputs(tmp_path))
    [error] = [r for r in read if isinstance(r, ArticleError)]
    assert str(error).startswith(f"{tmp_path / 'bad.html'}: HTML the parser cannot read (")
    assert "\n" not in str(error)
    assert [a.text for a in read if not isinstance(a, ArticleError)] == ["7 kasus"]
