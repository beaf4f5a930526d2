"""The checks across articles at scale: a streamed index gives one conflict record per group
of disagreeing values and flags whose size does not grow with the number of articles."""

from __future__ import annotations

import random

from llmextract.checks import ConflictIndex, check_article
from llmextract.checks.across import MAX_RELATED

from .test_checks_api import record


def index_of(values: list[int], seed: int | None = None) -> ConflictIndex:
    order = list(enumerate(values))
    if seed is not None:
        random.Random(seed).shuffle(order)
    index = ConflictIndex()
    for n, value in order:
        index.add(check_article(record(f"a{n:04d}", value)).reports)
    return index


def test_one_conflict_record_per_group_lists_every_article_once() -> None:
    values = [242 if n % 3 else 241 for n in range(60)] + [300]
    [conflict] = list(index_of(values).conflicts())
    assert conflict.region == "Kota Metro" and conflict.period == "2025"
    assert [v.value for v in conflict.values] == [241, 242, 300]
    ids = [i.article_id for v in conflict.values for i in v.items]
    assert sorted(ids) == [f"a{n:04d}" for n in range(61)]


def test_conflict_flags_stay_small_however_many_articles_disagree() -> None:
    def largest_flag(n: int) -> int:
        flags = list(index_of([242 if k % 2 else 241 for k in range(n)]).flags())
        assert len(flags) == n  # one per disagreeing item
        assert all(0 < len(f.related) <= MAX_RELATED for f in flags)
        return max(len(f.model_dump_json()) for f in flags)

    small, large = largest_flag(20), largest_flag(400)
    assert large <= small + 20  # a few more digits in the counts, nothing more


def test_every_other_value_is_linked_before_a_second_article_of_any() -> None:
    values = [242] * 30 + [241, 240]
    flags = {f.article_id: f for f in index_of(values).flags()}
    assert {"a0030", "a0031"} <= set(flags["a0000"].related)
    assert "241 (1 article), 242 (30 articles)" in flags["a0031"].message


def test_the_index_is_the_same_whatever_order_the_articles_arrive_in() -> None:
    values = [242, 241, 242, 243, 241, 242, 242]
    base = index_of(values)
    for seed in (1, 2, 3):
        shuffled = index_of(values, seed)
        assert list(shuffled.flags()) == list(base.flags())
        assert list(shuffled.conflicts()) == list(base.conflicts())


def test_agreeing_articles_make_no_conflict() -> None:
    index = index_of([242] * 10)
    assert list(index.conflicts()) == [] and list(index.flags()) == []
