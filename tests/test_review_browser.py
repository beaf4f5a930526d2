"""The review page in a real browser: Debian's Chromium driven by Playwright (never a browser
Playwright downloads). Needs ``apt-get install -y chromium``; the screenshot of the page is
kept in test-artifacts/review.png (not committed)."""

from __future__ import annotations

import csv
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmextract.dataset.decisions import DecisionStore
from llmextract.dataset.export import export_run
from llmextract.review.server import bind, create_app

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
TOKEN = "browser-test-token-0123456789"
WRONG_VALUE, INVENTED, UNUSED_NUMBER_FLAG = "Iea03eb26", "I890e473a", "F497bbb4fa9"
FINE = "I56e39eed"  # 242 kasus in 2025: no check doubts it

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install -y chromium)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "run"))


@pytest.fixture
def base_url(run_dir: Path) -> Iterator[str]:
    """The review app served by uvicorn in a thread on a free loopback port."""
    import uvicorn

    sock = bind(0)
    server = uvicorn.Server(
        uvicorn.Config(create_app(run_dir, TOKEN, "ana"), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join()
    sock.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    opened = context.new_page()
    opened.dialogs = []  # type: ignore[attr-defined]
    opened.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def status_in_queue(page: Any, key: str) -> str:
    return page.locator(f'#queue li[data-key="{key}"] .status').inner_text()


def goto(page: Any, base_url: str, key: str | None = None) -> None:
    page.goto(f"{base_url}/?token={TOKEN}" + (f"&key={key}" if key else ""))


def test_accept_one_correct_another_reload_and_export(
    page: Any, base_url: str, run_dir: Path
) -> None:
    goto(page, base_url)
    assert page.locator("body").get_attribute("data-key") == WRONG_VALUE

    # Correct the misread value with the keyboard only: c opens the form on the value field.
    page.keyboard.press("c")
    assert page.evaluate("document.activeElement.name") == "value"
    page.keyboard.type("300")
    page.keyboard.press("Tab")  # value_text
    page.keyboard.press("Tab")  # unit
    page.keyboard.press("Tab")  # population
    page.keyboard.press("Tab")  # period
    page.keyboard.press("Control+a")
    page.keyboard.type("2024")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("body").get_attribute("data-key") == INVENTED

    # Next without the mouse, then dismiss the unused-number flag with a click: a flag about
    # the whole article offers Dismiss, not Accept.
    with page.expect_navigation():
        page.keyboard.press("j")
    assert page.locator("body").get_attribute("data-key") == UNUSED_NUMBER_FLAG
    assert page.get_by_role("button", name="Accept").count() == 0
    with page.expect_navigation():
        page.get_by_role("button", name="Dismiss").click()

    page.reload()
    assert status_in_queue(page, WRONG_VALUE) == "corrected"
    assert status_in_queue(page, UNUSED_NUMBER_FLAG) == "dismissed"
    assert status_in_queue(page, INVENTED) == "flagged"
    assert page.locator("#settled").inner_text() == "2"
    assert page.locator("#left").inner_text() == "1"

    goto(page, base_url, WRONG_VALUE)
    history = page.locator("#history").inner_text()
    assert "ana" in history and "correct" in history and "2025 → 2024" in history
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)

    path, _ = export_run(run_dir, "csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = {r["item_id"]: r for r in csv.DictReader(fh)}
    assert (
        rows[WRONG_VALUE]["status"],
        rows[WRONG_VALUE]["value"],
        rows[WRONG_VALUE]["period"],
        rows[WRONG_VALUE]["reviewer"],
    ) == ("corrected", "300.0", "2024", "ana")
    assert rows[INVENTED]["status"] == "flagged"
    assert [d.key for d in DecisionStore(run_dir).all()] == [WRONG_VALUE, UNUSED_NUMBER_FLAG]


def test_a_refused_correction_shows_why_and_saves_nothing(
    page: Any, base_url: str, run_dir: Path
) -> None:
    goto(page, base_url, WRONG_VALUE)
    page.keyboard.press("c")
    page.keyboard.press("Tab")  # value_text
    page.keyboard.press("Control+a")
    page.keyboard.type("999")
    page.keyboard.press("Enter")
    error = page.locator("#correct-form .form-error")
    error.wait_for(state="visible")
    assert "does not appear in the article" in error.inner_text()
    assert DecisionStore(run_dir).all() == []


def test_add_a_missed_item_from_selected_words(page: Any, base_url: str, run_dir: Path) -> None:
    goto(page, base_url, UNUSED_NUMBER_FLAG)
    # A mouse selection across chunks: the flagged "130" and the words after it.
    page.evaluate("""() => {
        const chunks = [...document.querySelectorAll('#article-text [data-s]')];
        const first = chunks.find(s => s.textContent === '130');
        const next = chunks[chunks.indexOf(first) + 1].firstChild;
        const range = document.createRange();
        range.setStart(first.firstChild, 0);
        range.setEnd(next, ' tim pendamping keluarga'.length);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""")
    page.keyboard.press("n")
    form = page.locator("#add-form")
    assert form.locator("[name=quote]").input_value() == "130 tim pendamping keluarga"
    form.locator("[name=name]").fill("tim pendamping keluarga")
    form.locator("[name=value_text]").fill("130")
    form.locator("[name=value]").fill("130")
    form.locator("[name=unit]").fill("tim")
    with page.expect_navigation():
        form.locator("[name=unit]").press("Enter")
    [added] = DecisionStore(run_dir).all()
    assert added.action.value == "add" and added.flag_ids == (UNUSED_NUMBER_FLAG,)
    assert added.after is not None and added.after["quote"] == "130 tim pendamping keluarga"
    assert added.after["span"]["start"] == 249  # where the checker found the unused '130'
    page.reload()
    assert status_in_queue(page, UNUSED_NUMBER_FLAG) == "added"


def test_markup_in_an_article_renders_as_text(page: Any, base_url: str) -> None:
    goto(page, base_url, INVENTED)
    article = page.locator("#article-text")
    assert "<script>alert(1)</script>" in article.inner_text()
    assert "<img src=x onerror=alert(1)>" in article.inner_text()
    assert article.locator("script, img").count() == 0
    page.wait_for_timeout(200)
    assert page.dialogs == []


def test_a_request_without_the_token_is_refused(page: Any, base_url: str) -> None:
    response = page.goto(f"{base_url}/")
    assert response is not None and response.status == 403
    assert page.locator("#queue").count() == 0


def test_a_queue_row_reads_as_a_sentence(page: Any, base_url: str) -> None:
    goto(page, base_url)
    row = page.locator(f'#queue li[data-key="{WRONG_VALUE}"]').inner_text()
    # severity, the number as written, the article, the reason in words, then the code
    for before, after in [("ERROR", "300"), ("300", "Kasus Stunting di Kota Contoh Turun"),
                          ("Kasus Stunting di Kota Contoh Turun", "does not match its text"),
                          ("does not match its text", "grounding.value_mismatch")]:
        assert row.index(before) < row.index(after), row
    unused = page.locator(f'#queue li[data-key="{UNUSED_NUMBER_FLAG}"]').inner_text()
    assert "130" in unused and "no extracted item uses it" in unused
    assert unused.index("no extracted item uses it") < unused.index("coverage.unused_number")


def test_dismiss_an_article_flag_with_the_keyboard(
    page: Any, base_url: str, run_dir: Path
) -> None:
    goto(page, base_url, UNUSED_NUMBER_FLAG)
    with page.expect_navigation():
        page.keyboard.press("d")
    [made] = DecisionStore(run_dir).all()
    assert made.key == UNUSED_NUMBER_FLAG and made.action.value == "accept"
    page.reload()
    assert status_in_queue(page, UNUSED_NUMBER_FLAG) == "dismissed"
    assert page.locator("#total").inner_text() == "3"


def test_browse_all_items_and_the_total_stays(page: Any, base_url: str, run_dir: Path) -> None:
    goto(page, base_url)
    assert page.locator(f'#queue li[data-key="{FINE}"]').count() == 0  # not flagged
    with page.expect_navigation():
        page.locator('#views a[data-view="all"]').click()
    assert page.locator("#queue li").count() == 8 + 1  # every item, and the article flag
    assert status_in_queue(page, FINE) == "unreviewed"
    with page.expect_navigation():
        page.locator(f'#queue li[data-key="{FINE}"] a').click()
    assert "No check doubts this item" in page.locator("#flags-now").inner_text()
    with page.expect_navigation():
        page.keyboard.press("a")
    page.reload()
    assert status_in_queue(page, FINE) == "accepted"
    assert page.locator("#total").inner_text() == "3"  # deciding an unflagged item adds nothing
    assert page.locator("#settled").inner_text() == "0"


def test_sampling_mode_draws_and_estimates(page: Any, base_url: str, run_dir: Path) -> None:
    page.goto(f"{base_url}/?token={TOKEN}&view=sample")
    assert page.locator("#estimate").inner_text() == "No sample drawn yet."
    page.locator("#sample-form [name=per_article]").fill("2")
    page.locator("#sample-form [name=seed]").fill("5")
    with page.expect_navigation():
        page.get_by_role("button", name="Draw a sample").click()
    keys = page.locator("#queue li").evaluate_all("rows => rows.map(r => r.dataset.key)")
    sample = DecisionStore(run_dir).latest_sample()
    assert sample is not None and sorted(keys) == sorted(sample.item_ids) and len(keys) == 4
    assert "0 of 4 sampled items judged" in page.locator("#estimate").inner_text()
    # Judge all four: three right, one wrong; the page moves to the next unjudged sample item.
    for n, key in enumerate(["a", "a", "a", "r"]):
        assert page.locator("body").get_attribute("data-key") in sample.item_ids
        with page.expect_navigation():
            page.keyboard.press(key)
        assert len(DecisionStore(run_dir).all()) == n + 1
    page.goto(f"{base_url}/?token={TOKEN}&view=sample")
    text = page.locator("#estimate").inner_text()
    assert "3 right, 1 wrong of 4 judged" in text and "interval" in text
    saved = json.loads((run_dir / "run.json").read_text())["unflagged_precision"]
    assert (saved["judged"], saved["right"]) == (4, 3)
    assert f"{saved['precision']:.0%}" in text


def test_a_correction_that_raises_a_new_flag_shows_it(
    page: Any, base_url: str, run_dir: Path
) -> None:
    goto(page, base_url, WRONG_VALUE)
    page.keyboard.press("c")
    form = page.locator("#correct-form")
    form.locator("[name=value]").fill("300")
    form.locator("[name=period]").fill("2024")
    form.locator("[name=approximate]").uncheck()  # the article says 'sekitar 300'
    with page.expect_navigation():
        form.locator("[name=period]").press("Enter")
    goto(page, base_url, WRONG_VALUE)
    now = page.locator("#flags-now").inner_text()
    assert "hedges the value ('sekitar 300')" in now and "grounding.hedge_ignored" in now
    before = page.locator("#flags-before").inner_text()
    assert "does not match its text" in before
    assert "No flag" not in page.locator(".detail").inner_text()
    assert page.locator("#entry-status").inner_text() == "corrected"


def test_d_on_an_item_decides_nothing(page: Any, base_url: str, run_dir: Path) -> None:
    goto(page, base_url, WRONG_VALUE)
    page.keyboard.press("d")
    page.wait_for_timeout(300)
    assert DecisionStore(run_dir).all() == []
