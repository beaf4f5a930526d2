"""The checks over every gold set in the repository, as a run would check them: the gold items
are right, so no error or warning may fall on them, except where the gold marks the article's
own inconsistency; and every inconsistency the gold marks is flagged, once.

A flag is on an inconsistency when every number it points at is one of the inconsistency's
numbers; an inconsistency is flagged when one flag points at all of its numbers.
"""

from __future__ import annotations

from functools import cache

import pytest

from llmextract.articles import Article, read_file
from llmextract.checks import check
from llmextract.dataset.gold import GoldArticle, load_gold
from llmextract.extract.base import attach_spans
from llmextract.metadata import read_metadata
from llmextract.models import Extraction, Flag, Severity, assign_item_ids
from llmextract.text.clean import clean_text
from tests.test_gold_files import GOLD_SETS

NUMBER_SPAN_CHARS = 40  # longer spans are sentences or clauses, shown for context


def _cases() -> list[tuple[str, str]]:
    return [(name, article) for name, (path, _) in sorted(GOLD_SETS.items())
            for article in sorted(load_gold(path).articles)]


@cache
def _checked(gold_set: str, article: str) -> tuple[str, GoldArticle, list[Flag]]:
    path, folder = GOLD_SETS[gold_set]
    gold = load_gold(path).articles[article]
    [record] = read_file(folder / article)
    assert isinstance(record, Article), record
    cleaned = clean_text(record.text)
    extraction = Extraction.model_validate(gold.model_dump())  # GoldProgram -> Program
    extraction = assign_item_ids(record.id, attach_spans(cleaned.text, extraction))
    flags = check(cleaned.text, extraction, article_id=record.id,
                  date=read_metadata(cleaned).date)
    serious = [f for f in flags if f.severity in (Severity.error, Severity.warning)]
    return cleaned.text, gold, serious


def _numbers(text: str, flag: Flag) -> list[str]:
    """The numbers a flag points at, as written."""
    return [text[s.start:s.end] for s in flag.spans
            if s.end - s.start <= NUMBER_SPAN_CHARS and any(c.isdigit() for c in
                                                             text[s.start:s.end])]


def _same(written: str, marked: str) -> bool:
    """Case aside: a headline's '17,2 Persen' is the gold's '17,2 persen'."""
    written, marked = written.lower(), marked.lower()
    return written in marked or marked in written


# Known misses, each failing for its reason (strict: the day one passes, this list must shrink).
KNOWN_FALSE_ALARMS: dict[tuple[str, str], str] = {}


def _expecting_no_false_alarm() -> list[object]:
    return [pytest.param(*case, marks=pytest.mark.xfail(strict=True, reason=why))
            if (why := KNOWN_FALSE_ALARMS.get(case)) else case for case in _cases()]


@pytest.mark.parametrize(("gold_set", "article"), _expecting_no_false_alarm())
def test_no_error_or_warning_on_correct_gold_items(gold_set: str, article: str) -> None:
    text, gold, flags = _checked(gold_set, article)
    unexplained = [
        f"{f.kind} {f.field}: {f.message}" for f in flags
        if not any(_numbers(text, f) and all(any(_same(n, m) for m in marked.numbers)
                                              for n in _numbers(text, f))
                   for marked in gold.inconsistencies)]
    assert unexplained == []


def _expecting_flagged_inconsistencies() -> list[tuple[str, str]]:
    return [case for case in _cases() if _checked(*case)[1].inconsistencies]


@pytest.mark.parametrize(("gold_set", "article"), _expecting_flagged_inconsistencies())
def test_every_marked_inconsistency_is_flagged_once(gold_set: str, article: str) -> None:
    text, gold, flags = _checked(gold_set, article)
    for marked in gold.inconsistencies:
        covering = [f for f in flags if all(any(_same(n, m) for n in _numbers(text, f))
                                            for m in marked.numbers)]
        assert len(covering) == 1, (marked.what, [f.message for f in covering])
        assert covering[0].arithmetic, covering[0].kind


def test_the_gold_sets_mark_inconsistencies() -> None:
    """The property above is not empty: the seeds and blind4 mark four between them."""
    marked = sum(len(_checked(*c)[1].inconsistencies) for c in _cases())
    assert marked >= 4
