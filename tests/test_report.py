"""The shared report: one file, nothing loaded from anywhere, article text escaped."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from llmextract.dataset.decisions import Action
from llmextract.dataset.reviewed import RunView
from llmextract.dataset.sampling import draw_sample
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


def test_the_report_says_nobody_checked_the_unflagged_rows(html: str) -> None:
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    assert "nobody has judged a sample of them" in " ".join(text.split())
    assert "unflagged-ok" not in html and 'status-accepted">accepted' not in html
    assert '<span class="status status-unreviewed">unreviewed</span>' in html


def test_the_report_gives_the_sample_estimate(tmp_path: Path) -> None:
    run = Path(shutil.copytree(FIXTURE, tmp_path / "run"))
    view = RunView(run)
    sample = draw_sample(view.store, view.review(), per_article=1, seed=2, reviewer="ana")
    for key in sample.item_ids:
        item = view.review().item(key)
        assert item is not None
        view.store.record(key=key, article_id=item.record.id, action=Action.accept,
                          reviewer="ana")
    html = write_report(run).read_text(encoding="utf-8")
    found = re.search(r'<p id="unflagged-estimate">(.*?)</p>', html, re.S)
    assert found is not None
    assert "2 right, 0 wrong of 2 judged" in unescape(found.group(1))
    assert "Wilson score interval" in found.group(1)
