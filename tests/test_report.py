"""The shared report: one file, nothing loaded from anywhere, article text escaped."""

from __future__ import annotations

import re
import shutil
import stat
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from llmextract.dataset.decisions import Action
from llmextract.dataset.reviewed import RunView
from llmextract.dataset.sampling import draw_sample
from llmextract.review.report import write_report

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
TWO_PLACES = Path(__file__).parent / "fixtures" / "run_two_places"
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


class Links(HTMLParser):
    """Every src and href attribute of the page's real tags (escaped article text is none)."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "xlink:href"):
                self.targets.append(value or "")
            elif name == "id" and value:
                self.ids.add(value)


def test_no_external_url_in_src_or_href(html: str, two_places_html: str) -> None:
    for page in (html, two_places_html):
        links = Links()
        links.feed(page)
        assert links.targets and all(t.startswith("#") for t in links.targets)
        assert {t[1:] for t in links.targets} <= links.ids  # and every jump lands somewhere


@pytest.fixture
def two_places_html(tmp_path: Path) -> str:
    """A run with values in two places (and a national figure) for 2023 and 2024."""
    run = Path(shutil.copytree(TWO_PLACES, tmp_path / "two"))
    RunView(run).store.record(
        key="Imetro2023", article_id="dcb6a8872f9a5d24", action=Action.accept, reviewer="ana"
    )
    return write_report(run).read_text(encoding="utf-8")


def test_report_has_a_table_of_contents(two_places_html: str) -> None:
    toc = two_places_html.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    for anchor in ("#summary", "#values", "#charts", "#articles", "#a-dcb6a8872f9a5d24"):
        assert f'href="{anchor}"' in toc
    assert "Stunting di Kota Metro Turun" in toc


def test_report_sums_up_values_by_place_and_year(two_places_html: str) -> None:
    values = two_places_html.split('id="values"', 1)[1].split("</section>", 1)[0]
    header = re.search(r"<tr>(.*?)</tr>", values, re.S)
    assert header and re.findall(r"<th>([^<]*)</th>", header.group(1)) == [
        "place", "indicator", "unit", "2023", "2024"]
    lines = {
        re.sub(r"<[^>]+>", " ", row).split()[0]: row
        for row in re.findall(r"<tr>(.*?)</tr>", values, re.S)[1:]
    }
    assert set(lines) == {"Kabupaten", "Kota", "national"}
    metro = next(row for row in re.findall(r"<tr>(.*?)</tr>", values, re.S) if "Kota Metro" in row)
    assert re.search(r'class="value-reviewed"[^>]*>20.1<', metro)  # accepted
    assert re.search(r'class="value-unreviewed"[^>]*>15.2<', metro)  # nobody looked yet
    assert "≈300" in values
    conflict = re.search(r'<td class="value-conflict">(.*?)</td>', values, re.S)
    assert conflict and ">22.5<" in conflict.group(1) and ">23<" in conflict.group(1)


def test_report_draws_the_values_as_inline_svg(two_places_html: str) -> None:
    charts = two_places_html.split('id="charts"', 1)[1].split("</section>", 1)[0]
    assert charts.count("<svg") == 1
    assert "prevalensi stunting (persen)" in charts
    assert "Kota Metro" in charts and "Kabupaten Uji" in charts


def test_a_run_without_values_has_no_charts_and_says_so(tmp_path: Path) -> None:
    run = Path(shutil.copytree(FIXTURE, tmp_path / "run"))
    page = write_report(run).read_text(encoding="utf-8")
    assert 'id="values"' in page and 'id="charts"' not in page  # one year each: no line


def test_report_is_readable_as_the_umask_allows(
    tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o022)
    run = Path(shutil.copytree(FIXTURE, tmp_path / "run"))
    assert stat.S_IMODE(write_report(run).stat().st_mode) == 0o644


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
