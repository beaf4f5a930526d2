"""Decisions made through the actions: checked corrections, added items, batch decisions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llmextract.dataset.decisions import Action
from llmextract.dataset.reviewed import RunView
from llmextract.errors import UsageError
from llmextract.models import Span
from llmextract.review.actions import (
    CorrectionRefused,
    add_item,
    correct_item,
    decide,
    decide_many,
)

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
ARTICLE_A, ARTICLE_B = "30eb945147d431ed", "a23b16d49f10b564"
WRONG_VALUE, INVENTED, SHARE = "Iea03eb26", "I890e473a", "I0bbd025c"
WRONG_VALUE_FLAG, UNUSED_NUMBER_FLAG = "F2ed968badb", "F497bbb4fa9"
TEAMS_QUOTE = "Program Bapak Asuh Anak Stunting melibatkan 130 tim pendamping keluarga."


@pytest.fixture
def view(tmp_path: Path) -> RunView:
    return RunView(Path(shutil.copytree(FIXTURE, tmp_path / "run")))


def test_a_flag_id_decides_the_item_it_points_at(view: RunView) -> None:
    made = decide(view.store, view.review(), WRONG_VALUE_FLAG, Action.accept, "ana")
    assert made.key == WRONG_VALUE
    assert made.flag_ids == ("F2ed968badb", "F3c3e61232e")
    assert made.before is not None and made.before["value"] == 30.0


def test_an_article_flag_can_be_dismissed_but_not_rejected(view: RunView) -> None:
    with pytest.raises(UsageError, match="whole article"):
        decide(view.store, view.review(), UNUSED_NUMBER_FLAG, Action.reject, "ana")
    decide(view.store, view.review(), UNUSED_NUMBER_FLAG, Action.accept, "ana", "not a count")
    entry = view.review().entry(UNUSED_NUMBER_FLAG)
    assert entry is not None and entry.status == "dismissed"


def test_an_unknown_id_is_a_usage_error(view: RunView) -> None:
    with pytest.raises(UsageError, match="no such item or flag"):
        decide(view.store, view.review(), "F000", Action.accept, "ana")


def test_a_batch_with_a_typo_decides_nothing(view: RunView) -> None:
    with pytest.raises(UsageError):
        decide_many(
            view.store, view.review(), [(INVENTED, Action.reject), ("Ityp0", Action.accept)], "ana"
        )
    assert view.store.all() == []


@pytest.mark.parametrize(
    "changes, value, period",
    [
        ({"value": "300"}, 300.0, "2025"),
        ({"value": "300", "period": "2024"}, 300.0, "2024"),
        ({"value": "300,0"}, 300.0, "2025"),  # written the Indonesian way
    ],
)
def test_corrections_that_pass_the_checks_are_kept(
    view: RunView, changes: dict[str, str], value: float, period: str
) -> None:
    correct_item(view.store, view.review(), WRONG_VALUE, changes, "ana")
    item = next(ri for ri in view.review().items if ri.item.id == WRONG_VALUE)
    assert (item.status, item.item.value, item.item.model_dump()["period"]) == (
        "corrected",
        value,
        period,
    )


def test_a_correction_the_checks_refute_needs_a_note(view: RunView) -> None:
    with pytest.raises(CorrectionRefused) as refused:
        correct_item(
            view.store, view.review(), WRONG_VALUE, {"value_text": "999", "value": "999"}, "ana"
        )
    assert [f.kind for f in refused.value.flags] == ["grounding.value_not_found"]
    assert view.store.all() == []
    made = correct_item(
        view.store,
        view.review(),
        WRONG_VALUE,
        {"value_text": "999", "value": "999"},
        "ana",
        note="printed figure",
    )
    assert made.after is not None and made.after["value_text"] == "999"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"value": "banyak"}, "value"),
        ({"quote": ""}, "quote"),
        ({}, "changes nothing"),
    ],
)
def test_bad_corrections_are_usage_errors(
    view: RunView, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        correct_item(view.store, view.review(), SHARE, changes, "ana")


def test_a_corrected_quote_gets_its_new_span(view: RunView) -> None:
    quote = "Sebanyak 30.980 keluarga (10,6%) berisiko stunting"
    made = correct_item(view.store, view.review(), SHARE, {"quote": quote}, "ana")
    assert made.after is not None and made.after["span"] == {"start": 44, "end": 44 + len(quote)}


def test_add_a_missed_item_from_selected_words(view: RunView) -> None:
    review = view.review()
    record = review.record(ARTICLE_A)
    assert record is not None
    start = record.text.index(TEAMS_QUOTE)
    made = add_item(
        view.store,
        review,
        ARTICLE_A,
        "indicator",
        {
            "name": "tim pendamping keluarga",
            "value_text": "130",
            "value": "130",
            "unit": "tim",
            "quote": "",
        },
        "ana",
        selection=Span(start=start, end=start + len(TEAMS_QUOTE)),
        flag_id=UNUSED_NUMBER_FLAG,
    )
    assert made.key.startswith("I") and made.after is not None
    assert made.after["quote"] == TEAMS_QUOTE
    assert made.after["span"] == {"start": start, "end": start + len(TEAMS_QUOTE)}
    review = view.review()
    entry = review.entry(UNUSED_NUMBER_FLAG)
    assert entry is not None and entry.status == "added"
    with pytest.raises(UsageError, match="already in the run"):
        add_item(
            view.store,
            review,
            ARTICLE_A,
            "indicator",
            {
                "name": "tim pendamping keluarga",
                "value_text": "130",
                "value": "130",
                "unit": "tim",
                "quote": TEAMS_QUOTE,
            },
            "ana",
        )


@pytest.mark.parametrize(
    "kind, fields, error",
    [
        (
            "indicator",
            {"name": "x", "value_text": "777", "value": "777", "quote": TEAMS_QUOTE},
            CorrectionRefused,
        ),
        ("indicator", {"name": "x", "value_text": "130", "value": "130", "quote": ""}, UsageError),
        ("gadget", {"name": "x", "quote": TEAMS_QUOTE}, UsageError),
    ],
)
def test_added_items_are_checked(
    view: RunView, kind: str, fields: dict[str, str], error: type[Exception]
) -> None:
    with pytest.raises(error):
        add_item(view.store, view.review(), ARTICLE_A, kind, fields, "ana")
    assert view.store.all() == []


def test_a_correction_that_raises_a_new_flag_keeps_it_on_the_item(view: RunView) -> None:
    # The value is right now, but the reviewer dropped the article's hedge ('sekitar 300').
    made = correct_item(view.store, view.review(), WRONG_VALUE,
                        {"value": "300", "period": "2024", "approximate": False}, "ana")
    item = view.review().item(WRONG_VALUE)
    assert item is not None and [f.kind for f in item.flags] == ["grounding.hedge_ignored"]
    assert item.flags[0].id in made.flag_ids  # shown with the decision: seen, not reopened
    assert item.status == "corrected"
    entry = view.review().entry(WRONG_VALUE)
    assert entry is not None and entry.flags == item.flags and entry.queued
