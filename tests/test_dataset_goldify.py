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


def test_an_unreviewed_run_gives_empty_gold(run_dir: Path, tmp_path: Path) -> None:
    result = write_run_gold(run_dir, tmp_path / "gold.json")
    assert (result.kept, result.not_facts, result.unreviewed) == (0, 0, 8)
    gold = load_gold(tmp_path / "gold.json")
    assert all(not (a.indicators or a.targets or a.programs) for a in gold.articles.values())


def test_include_unreviewed_keeps_the_rest_marked(run_dir: Path, tmp_path: Path) -> None:
    RunView(run_dir).store.record(
        key=INVENTED, article_id=ARTICLE_B, action=Action.accept, reviewer="ana",
        flag_ids=[f.id for f in load_flags(run_dir) if f.item_id == INVENTED],
    )
    result = write_run_gold(run_dir, tmp_path / "gold.json", include_unreviewed=True)
    assert (result.kept, result.unreviewed) == (8, 7)
    gold = load_gold(tmp_path / "gold.json")
    marks = {i.value_text: i.unreviewed for a in gold.articles.values() for i in a.indicators}
    assert marks["5.000"] is False and marks["242"] is True
    assert (tmp_path / "gold.json").read_text(encoding="utf-8").count('"unreviewed": true') == 7


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
    assert (result.kept, result.not_facts, result.unreviewed) == (1, 1, 6)
    gold = load_gold(tmp_path / "gold.json")
    a, b = gold.articles["a.txt"], gold.articles["b.txt"]
    assert (a.article_id, b.article_id) == (ARTICLE_A, ARTICLE_B)
    assert [i.value_text for i in a.indicators] == ["300"]
    assert b.programs == []
    assert [(n.value_text, n.why) for n in b.not_facts] == [
        ("5.000", "rejected in review: invented")
    ]
    assert '"id"' not in (tmp_path / "gold.json").read_text(encoding="utf-8")
