"""The sample of unflagged items: reproducible, kept, and turned into a precision estimate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from llmextract.dataset.decisions import Action
from llmextract.dataset.reviewed import RunView
from llmextract.dataset.sampling import (
    draw,
    draw_sample,
    estimate,
    record_estimate,
    unflagged,
    wilson,
)

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"


@pytest.fixture
def view(tmp_path: Path) -> RunView:
    return RunView(Path(shutil.copytree(FIXTURE, tmp_path / "run")))


def test_the_draw_is_reproducible_and_per_article(view: RunView) -> None:
    review = view.review()
    first, again = draw(review, 2, seed=7), draw(review, 2, seed=7)
    assert first == again
    pool = {ri.item.id: ri for ri in unflagged(review)}
    assert set(first) <= set(pool)
    per_article: dict[str, int] = {}
    for item_id in first:
        per_article[pool[item_id].record.id] = per_article.get(pool[item_id].record.id, 0) + 1
    assert set(per_article.values()) == {2}
    assert draw(review, 2, seed=8) != first or len(pool) <= 4


def test_wilson_matches_the_textbook_values() -> None:
    # Wilson (1927) / Newcombe (1998) example: 81 of 263 -> 0.2553 to 0.3662 at 95%.
    low, high = wilson(81 / 263, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    low, high = wilson(1.0, 10)
    assert high == 1.0 and 0.69 < low < 0.73  # no zero-width interval at 100%


def test_verdicts_become_an_estimate_in_run_json(view: RunView) -> None:
    sample = draw_sample(view.store, view.review(), per_article=2, seed=1, reviewer="ana")
    assert estimate(view.review(), sample).precision is None
    right, wrong = sample.item_ids[0], sample.item_ids[1]
    for key, action in ((right, Action.accept), (wrong, Action.reject)):
        item = view.review().item(key)
        assert item is not None
        view.store.record(key=key, article_id=item.record.id, action=action, reviewer="ana")
    found = record_estimate(view.run_dir)
    assert found is not None and (found.judged, found.right, found.wrong) == (2, 1, 1)
    assert found.precision is not None and found.low is not None and found.high is not None
    assert found.low < found.precision < found.high
    saved = json.loads((view.run_dir / "run.json").read_text())["unflagged_precision"]
    assert saved["judged"] == 2 and saved["method"].startswith("Wilson")
    assert view.store.latest_sample() == sample  # kept, not drawn again
