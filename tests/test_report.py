"""The shared report: one file, nothing loaded from anywhere, article text escaped."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from llmextract.dataset.decisions import Action
from llmextract.dataset.reviewed import RunView
from llmextract.review.report import write_report

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
INVENTED = "I890e473a"


@pytest.fixture
def html(tmp_path: Path) -> str:
    run = Path(shutil.copytree(FIXTURE, tmp_path / "run"))
    RunView(run).store.record(
        key=INVENTED,
        article_id="a23b16d49f10b564",
        action=Action.reject,
        reviewer="ana",
        note="not in the article",
    )
    path = write_report(run)
    assert path == run / "report.html"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "pattern",
    [
        r"<script",
        r"<img",
        r"<link",
        r"<iframe",
        r"@import",
        r"url\(",
        r"""\b(src|href)\s*=\s*["']?https?:""",
    ],
)
def test_report_loads_nothing(html: str, pattern: str) -> None:
    assert not re.search(pattern, html, re.IGNORECASE)


def test_report_forbids_loading_by_policy(html: str) -> None:
    assert "content=\"default-src 'none'" in unescape(html)


def test_article_markup_is_escaped(html: str) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_report_shows_items_flags_and_decisions(html: str) -> None:
    assert "Kasus Stunting di Kota Contoh Turun" in html
    assert "The value 30 does not match its text" in html
    assert "not in the article" in html and "status-rejected" in html
    assert "1</b> of 3 settled" in html
    for kind in ("indicator", "target", "program"):
        assert re.search(rf'<span class="[^"]*hl-{kind}', html)
    assert re.search(r'<span class="[^"]*hl-rejected', html)
