"""Reviewed runs become gold: settled items kept, rejected numbers become not_facts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llmextract.dataset.decisions import Action
from llmextract.dataset.gold import load_gold
from llmextract.dataset.goldify import write_run_gold
from llmextract.dataset.reviewed import RunView
from llmextract.store import load_flags

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
ARTICLE_A, ARTICLE_B = "30eb945147d431ed", "a23b16d49f10b564"
WRONG_VALUE, INVENTED = "Iea03eb26", "I890e473a"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "run"))


def test_an_unreviewed_run_keeps_only_unflagged_items(run_dir: Path, tmp_path: Path) -> None:
    result = write_run_gold(run_dir, tmp_path / "gold.json")
    assert (result.kept, result.not_facts, result.unreviewed) == (6, 0, 2)


def test_a_reviewed_run_is_valid_gold(run_dir: Path, tmp_path: Path) -> None:
    store = RunView(run_dir).store
    store.record(
        key=INVENTED, article_id=ARTICLE_B, action=Action.reject, reviewer="ana", note="invented"
    )
    store.record(
        key=WRONG_VALUE,
        article_id=ARTICLE_A,
        action=Action.accept,
        reviewer="ana",
        flag_ids=[f.id for f in load_flags(run_dir) if f.item_id == WRONG_VALUE],
    )
    result = write_run_gold(run_dir, tmp_path / "gold.json")
    assert (result.kept, result.not_facts, result.unreviewed) == (7, 1, 0)
    gold = load_gold(tmp_path / "gold.json")
    a, b = gold.articles["a.txt"], gold.articles["b.txt"]
    assert (a.article_id, b.article_id) == (ARTICLE_A, ARTICLE_B)
    assert [i.value_text for i in a.indicators] == ["242", "300"]
    assert [p.name for p in b.programs] == ["Satu Telur Satu Minggu (Sate Sami)"]
    assert [(n.value_text, n.why) for n in b.not_facts] == [
        ("5.000", "rejected in review: invented")
    ]
    assert '"id"' not in (tmp_path / "gold.json").read_text(encoding="utf-8")
