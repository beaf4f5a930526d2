"""The merged view of a run under review: statuses, queue order, filters, ids kept across
re-checks. Fixture: tests/fixtures/run_small (two articles, three flagged entries)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llmextract.checks import check_records
from llmextract.dataset.decisions import Action, DecisionStore
from llmextract.dataset.reviewed import RunView, build_review, filter_entries
from llmextract.models import Flag, Severity, Span
from llmextract.store import load_flags, load_records, write_flags

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
ARTICLE_A, ARTICLE_B = "30eb945147d431ed", "a23b16d49f10b564"
WRONG_VALUE, INVENTED, FINE = "Iea03eb26", "I890e473a", "I56e39eed"
UNUSED_NUMBER_FLAG = "F497bbb4fa9"  # '130' (tim) in article A, used by no item


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "run"))


def status_of(view: RunView, item_id: str) -> str:
    return next(ri.status for ri in view.review().items if ri.item.id == item_id)


def record(view: RunView, key: str, action: Action, **kw: object) -> None:
    """A decision on the item as the review page records it: with the flags it was shown."""
    seen = [f.id for f in load_flags(view.run_dir) if f.item_id == key]
    view.store.record(key=key, article_id=ARTICLE_A, action=action, reviewer="ana",
                      item_type="indicator", flag_ids=seen, **kw)  # type: ignore[arg-type]


def test_undecided_items_are_flagged_when_doubted_else_unreviewed(run_dir: Path) -> None:
    view = RunView(run_dir)
    assert status_of(view, WRONG_VALUE) == "flagged"
    assert status_of(view, FINE) == "unreviewed"


CORRECTED = {"id": WRONG_VALUE, "name": "kasus stunting", "value": 300.0, "value_text": "300",
             "unit": "kasus", "period": "2024", "approximate": True,
             "quote": "sekitar 300 kasus pada 2024"}


@pytest.mark.parametrize("history, expected", [
    ([Action.accept], "accepted"),
    ([Action.reject], "rejected"),
    ([Action.correct], "corrected"),
    ([Action.correct, Action.accept], "corrected"),
    ([Action.accept, Action.reject], "rejected"),
    ([Action.reject, Action.accept], "accepted"),
])
def test_status_follows_the_latest_decision(run_dir: Path, history: list[Action],
                                            expected: str) -> None:
    view = RunView(run_dir)
    for action in history:
        record(view, WRONG_VALUE, action, after=CORRECTED if action is Action.correct else None)
    assert status_of(view, WRONG_VALUE) == expected


def test_a_correction_replaces_the_fields_and_keeps_the_original(run_dir: Path) -> None:
    view = RunView(run_dir)
    record(view, WRONG_VALUE, Action.correct, after=CORRECTED)
    record(view, WRONG_VALUE, Action.accept)
    reviewed = next(ri for ri in view.review().items if ri.item.id == WRONG_VALUE)
    assert reviewed.item.value == 300.0
    assert reviewed.original is not None and reviewed.original.value == 30.0


@pytest.mark.parametrize("then, expected", [(None, "added"), (Action.reject, "rejected")])
def test_added_items_join_their_article(run_dir: Path, then: Action | None, expected: str) -> None:
    view = RunView(run_dir)
    added = {**CORRECTED, "id": "Inew00001"}
    view.store.record(key="Inew00001", article_id=ARTICLE_A, action=Action.add, reviewer="ana",
                      item_type="indicator", after=added, flag_ids=[UNUSED_NUMBER_FLAG])
    if then:
        view.store.record(key="Inew00001", article_id=ARTICLE_A, action=then, reviewer="ana")
    review = view.review()
    [item] = [ri for ri in review.items if ri.item.id == "Inew00001"]
    assert (item.record.id, item.status) == (ARTICLE_A, expected)
    flag_entry = review.entry(UNUSED_NUMBER_FLAG)
    assert flag_entry is not None and flag_entry.status == "added"


def test_queue_is_most_severe_first_and_counts_progress(run_dir: Path) -> None:
    view = RunView(run_dir)
    review = view.review()
    assert [e.severity for e in review.entries] == [Severity.error, Severity.error, Severity.info]
    assert [e.key for e in review.entries] == [WRONG_VALUE, INVENTED, UNUSED_NUMBER_FLAG]
    assert review.counts() == {"total": 3, "settled": 0, "open": 3}
    record(view, INVENTED, Action.reject)
    assert view.review().counts() == {"total": 3, "settled": 1, "open": 2}


@pytest.mark.parametrize("filters, keys", [
    ({"article": ARTICLE_A}, [WRONG_VALUE, UNUSED_NUMBER_FLAG]),
    ({"article": ARTICLE_B}, [INVENTED]),
    ({"kind": "roles.period_mismatch"}, [WRONG_VALUE]),
    ({"status": "open"}, [WRONG_VALUE, UNUSED_NUMBER_FLAG]),
    ({"status": "settled"}, [INVENTED]),
    ({"status": "rejected"}, [INVENTED]),
    ({"status": "accepted"}, []),
])
def test_filters(run_dir: Path, filters: dict[str, str], keys: list[str]) -> None:
    view = RunView(run_dir)
    record(view, INVENTED, Action.reject)
    assert [e.key for e in filter_entries(view.review().entries, **filters)] == keys


def test_decisions_stay_attached_when_check_reruns_with_a_new_rule(run_dir: Path) -> None:
    view = RunView(run_dir)
    record(view, WRONG_VALUE, Action.accept)
    records = load_records(run_dir)
    new_rule = Flag(article_id=ARTICLE_A, item_id=FINE, field="indicators[0].value",
                    kind="new.rule", severity=Severity.warning, message="A new rule objects.",
                    spans=[Span(start=0, end=3)]).with_id()
    write_flags(run_dir, [*check_records(records), new_rule])
    review = view.review()
    entry = review.entry(WRONG_VALUE)
    assert entry is not None and entry.status == "accepted"
    new_entry = review.entry(FINE)
    assert new_entry is not None and new_entry.status == "flagged"


def test_a_new_rule_flagging_an_accepted_item_puts_it_back_in_the_queue(run_dir: Path) -> None:
    view = RunView(run_dir)
    record(view, WRONG_VALUE, Action.accept)
    assert status_of(view, WRONG_VALUE) == "accepted"
    new_rule = Flag(article_id=ARTICLE_A, item_id=WRONG_VALUE, field="indicators[0].value",
                    kind="new.rule", severity=Severity.warning, message="A new rule objects.",
                    spans=[Span(start=0, end=3)]).with_id()
    write_flags(run_dir, [*load_flags(run_dir), new_rule])
    entry = view.review().entry(WRONG_VALUE)
    assert entry is not None and entry.status == "flagged"
    assert entry.decision is not None and entry.decision.action is Action.accept  # history kept
    record(view, WRONG_VALUE, Action.accept)
    assert status_of(view, WRONG_VALUE) == "accepted"


def test_build_review_is_pure(run_dir: Path) -> None:
    records, flags = load_records(run_dir), load_flags(run_dir)
    before = [r.model_dump() for r in records]
    build_review(records, flags, DecisionStore(run_dir).all())
    assert [r.model_dump() for r in records] == before


def test_a_flag_about_a_missing_item_stays_in_the_queue(run_dir: Path) -> None:
    stale = Flag(article_id=ARTICLE_B, item_id="Igone0000", field="indicators[9].value",
                 kind="grounding.value_not_found", severity=Severity.error,
                 message="An item that is no longer extracted.").with_id()
    write_flags(run_dir, [*load_flags(run_dir), stale])
    entry = RunView(run_dir).review().entry(stale.id)
    assert entry is not None and entry.reviewed is None and entry.status == "flagged"


def test_a_run_without_flags_has_an_empty_queue(run_dir: Path) -> None:
    write_flags(run_dir, [])
    review = RunView(run_dir).review()
    assert review.entries == () and review.counts() == {"total": 0, "settled": 0, "open": 0}
    assert {ri.status for ri in review.items} == {"unreviewed"}


def test_a_corrected_item_is_checked_again_as_it_stands(run_dir: Path) -> None:
    view = RunView(run_dir)
    careless = {k: v for k, v in CORRECTED.items() if k != "approximate"}
    record(view, WRONG_VALUE, Action.correct, after=careless)
    reviewed = view.review().item(WRONG_VALUE)
    assert reviewed is not None
    assert [f.kind for f in reviewed.flags] == ["grounding.hedge_ignored"]
    assert {f.kind for f in reviewed.run_flags} == {
        "grounding.value_mismatch", "roles.period_mismatch"}
    assert reviewed.status == "flagged"  # a doubt about the corrected fields nobody has seen
    record(view, WRONG_VALUE, Action.correct, after=CORRECTED)
    reviewed = view.review().item(WRONG_VALUE)
    assert reviewed is not None and reviewed.flags == () and reviewed.status == "corrected"


def test_the_progress_total_stays_when_people_decide_and_add(run_dir: Path) -> None:
    view = RunView(run_dir)
    before = view.review().counts()["total"]
    view.store.record(key=FINE, article_id=ARTICLE_A, action=Action.accept, reviewer="ana")
    added = {**CORRECTED, "id": "Inew00002", "value_text": "242", "value": 242.0}
    view.store.record(key="Inew00002", article_id=ARTICLE_A, action=Action.add, reviewer="ana",
                      item_type="indicator", after=added)
    review = view.review()
    assert review.counts() == {"total": before, "settled": 0, "open": before}
    assert review.entry(FINE) is not None and review.entry("Inew00002") is not None


def test_browse_all_lists_every_item(run_dir: Path) -> None:
    review = RunView(run_dir).review()
    every = review.every_entry()
    assert {e.key for e in every} >= {ri.item.id for ri in review.items}
    fine = next(e for e in every if e.key == FINE)
    assert fine.status == "unreviewed" and not fine.queued and not fine.settled
