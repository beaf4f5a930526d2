"""The record models: grounding validators that make instructor re-ask, and stable item ids."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from llmextract.models import Extraction, Flag, Indicator, Severity, Span, assign_item_ids

SOURCE = "Jumlah kasus stunting tercatat sebanyak 242 kasus pada 2025."
ITEM = {"name": "kasus stunting", "value": 242, "value_text": "242", "quote": SOURCE}


def test_value_text_absent_from_the_article_is_rejected_with_a_message_for_the_model() -> None:
    with pytest.raises(ValidationError, match="value_text '243' does not appear in the article"):
        Indicator.model_validate({**ITEM, "value_text": "243"}, context={"source": SOURCE})


def test_quote_with_other_spacing_is_accepted_but_a_retyped_quote_is_not() -> None:
    spaced = SOURCE.replace(" sebanyak ", "  sebanyak\n")
    assert Indicator.model_validate({**ITEM, "quote": spaced}, context={"source": SOURCE})
    with pytest.raises(ValidationError, match="quote"):
        Indicator.model_validate({**ITEM, "quote": "Kasus stunting ada 242."},
                                 context={"source": SOURCE})


def test_stored_records_are_read_without_the_article_and_never_rejected() -> None:
    assert Indicator.model_validate({**ITEM, "value_text": "243"}).value_text == "243"


def test_item_ids_are_stable_and_repeats_get_a_counter() -> None:
    twice = Extraction(indicators=[Indicator(**ITEM), Indicator(**ITEM)])  # type: ignore[arg-type]
    first, again = assign_item_ids("a1", twice), assign_item_ids("a1", twice)
    ids = [i.id for i in first.indicators]
    assert ids == [i.id for i in again.indicators]
    assert ids[0].startswith("I") and ids[1] == ids[0] + "-1"
    assert assign_item_ids("a2", twice).indicators[0].id != ids[0]  # ids are per article


def test_flag_id_survives_a_reworded_message_so_review_decisions_stay_attached() -> None:
    def flag(message: str, start: int = 0) -> Flag:
        return Flag(article_id="a1", field="value", kind="grounding.value_not_found",
                    severity=Severity.error, message=message,
                    spans=[Span(start=start, end=start + 3)]).with_id()

    assert flag("The value is missing.").id == flag("Another wording.").id
    assert flag("x").id != flag("x", start=10).id
