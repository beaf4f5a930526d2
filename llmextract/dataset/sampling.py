"""How wrong are the rows nobody checked? A random sample of the unflagged items, judged by a
person, estimates the precision of the unflagged part of the dataset.

The sample is drawn per article (``per_article`` items, or all of them when an article has
fewer), from the items of the extraction the run's checks did not flag, with
``random.Random(f"{seed}:{article_id}")`` over the sorted item ids: the same run and seed give
the same sample on any machine. The draw is kept in ``review.sqlite``, so a later ``check``
does not change which items were drawn.

A judged sample item counts as right when a person accepted it as extracted, as wrong when it
was rejected or corrected. Because every article gets the same number of draws, an item of a
short article stands for fewer unflagged items than one of a long article: the estimate is
stratified by article (each article weighted by its unflagged items, with the finite-population
correction, so an article judged in full adds no uncertainty). The 95% interval is the Wilson
score interval on the effective sample size of that stratified estimate (Kish); it stays inside
[0, 1] and behaves at 0 and 100% where the normal interval does not. It is a few lines of
arithmetic on ``statistics.NormalDist``, so no statistics package is needed for it.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

from llmextract.dataset.decisions import DecisionStore, SampleDraw
from llmextract.dataset.reviewed import ItemStatus, Review, ReviewedItem, RunView
from llmextract.errors import UsageError
from llmextract.store import REVIEW_KEYS, load_run_info, write_run_info

CONFIDENCE = 0.95
METHOD = "Wilson score interval, stratified by article (effective sample size)"
RIGHT = frozenset({ItemStatus.accepted})
WRONG = frozenset({ItemStatus.rejected, ItemStatus.corrected})
RUN_INFO_KEY = REVIEW_KEYS[0]


def unflagged(review: Review) -> list[ReviewedItem]:
    """The items of the extraction no check flagged in the run (added items are a person's)."""
    return [ri for ri in review.items if ri.original is not None and not ri.run_flags]


def draw(review: Review, per_article: int, seed: int) -> list[str]:
    """The ids of a reproducible random sample of unflagged items, ``per_article`` per article."""
    if per_article < 1:
        raise UsageError("--sample: draw at least 1 item per article")
    pools: dict[str, list[str]] = defaultdict(list)
    for ri in unflagged(review):
        pools[ri.record.id].append(ri.item.id)
    out: list[str] = []
    for record in review.records:
        pool = sorted(pools.get(record.id, []))
        rng = random.Random(f"{seed}:{record.id}")
        out.extend(rng.sample(pool, min(per_article, len(pool))))
    return out


def draw_sample(store: DecisionStore, review: Review, *, per_article: int, seed: int,
                reviewer: str) -> SampleDraw:
    """Draw a sample and keep it as the one under review."""
    ids = draw(review, per_article, seed)
    if not ids:
        raise UsageError("no unflagged items to sample: every item is flagged")
    return store.record_sample(seed=seed, per_article=per_article, reviewer=reviewer,
                               item_ids=ids)


def wilson(p: float, n: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``p`` observed on ``n`` trials."""
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Estimate:
    """The estimated precision of the unflagged items, from the judged part of the sample."""

    seed: int
    per_article: int
    population: int  # unflagged items in the dataset
    drawn: int
    judged: int
    right: int
    wrong: int
    precision: float | None
    low: float | None
    high: float | None
    confidence: float = CONFIDENCE
    method: str = METHOD

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def sentence(self) -> str:
        """The estimate in words, as the page, the report and the CLI print it."""
        if self.precision is None or self.low is None or self.high is None:
            return (f"{self.judged} of {self.drawn} sampled items judged: no estimate yet "
                    f"({self.population} unflagged items)")
        return (
            f"precision of the {self.population} unflagged items: {self.precision:.0%} "
            f"({self.confidence:.0%} interval {self.low:.0%}–{self.high:.0%}; {self.right} right, "
            f"{self.wrong} wrong of {self.judged} judged, {self.drawn} drawn)"
        )


def estimate(review: Review, sample: SampleDraw) -> Estimate:
    """The precision of the unflagged items estimated from the sample's verdicts."""
    pool = unflagged(review)
    by_article: dict[str, int] = defaultdict(int)
    for ri in pool:
        by_article[ri.record.id] += 1
    items = {ri.item.id: ri for ri in pool}
    drawn = [items[i] for i in sample.item_ids if i in items]  # a new rule may flag one
    judged: dict[str, list[bool]] = defaultdict(list)
    for ri in drawn:
        if ri.status in RIGHT or ri.status in WRONG:
            judged[ri.record.id].append(ri.status in RIGHT)
    right = sum(v for verdicts in judged.values() for v in verdicts)
    n = sum(len(v) for v in judged.values())

    def made(precision: float | None, low: float | None, high: float | None) -> Estimate:
        return Estimate(seed=sample.seed, per_article=sample.per_article, population=len(pool),
                        drawn=len(drawn), judged=n, right=right, wrong=n - right,
                        precision=precision, low=low, high=high)

    if n == 0:
        return made(None, None, None)
    covered = sum(by_article[a] for a in judged)
    p = variance = 0.0
    for article, verdicts in judged.items():
        weight, n_a, size = by_article[article] / covered, len(verdicts), by_article[article]
        p_a = sum(verdicts) / n_a
        p += weight * p_a
        spread = p_a * (1 - p_a) / (n_a - 1) if n_a > 1 else 0.0  # unbiased within the article
        variance += weight * weight * spread * (1 - n_a / size)
    if all(len(judged[a]) == by_article[a] for a in judged) and covered == len(pool):
        low = high = p  # every unflagged item judged: nothing left to estimate
    else:
        effective = p * (1 - p) / variance if variance > 0 else n
        low, high = wilson(p, max(effective, 1.0))
    return made(p, low, high)


def current_estimate(view: RunView) -> Estimate | None:
    """The estimate of the run's latest sample, None before a sample is drawn."""
    sample = view.store.latest_sample()
    return None if sample is None else estimate(view.review(), sample)


def record_estimate(run_dir: Path) -> Estimate | None:
    """Write the current estimate into ``run.json`` (key ``unflagged_precision``), so the run
    says how wrong its unchecked rows probably are; called after every sample verdict."""
    found = current_estimate(RunView(run_dir))
    if found is not None:
        info = load_run_info(run_dir)
        info[RUN_INFO_KEY] = found.as_dict()
        write_run_info(run_dir, info)
    return found
