"""What a run counts as its articles stream past: counts, the seconds of each article (eight
bytes an article, for the percentiles), tokens and the estimated cost. ``run.json`` and the
command's summary are built from this, never from a list of the records, so their size does
not grow with the run."""

from __future__ import annotations

import statistics
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from llmextract.models import ArticleRecord, Flag, Severity, Usage
from llmextract.prices import Price


def percentiles(values: array[float]) -> dict[str, float]:
    """mean, p50, p90, p99, max and total of ``values`` (empty: all zero)."""
    if not values:
        return {"mean": 0.0, "p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "total": 0.0}
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else (
        [values[0]] * 99)
    return {"mean": round(statistics.fmean(values), 3), "p50": round(cuts[49], 3),
            "p90": round(cuts[89], 3), "p99": round(cuts[98], 3), "max": round(max(values), 3),
            "total": round(sum(values), 3)}


@dataclass
class Tally:
    """The running totals of one run."""

    read: int = 0  # inputs read: articles and unreadable files
    processed: int = 0  # records this run produced or took from the run folder
    resumed: int = 0  # of those, taken from the run folder (``--out`` on an earlier run)
    failed: int = 0
    not_attempted: int = 0
    indicators: int = 0
    targets: int = 0
    programs: int = 0
    with_problems: int = 0
    conflicts: int = 0
    flags: Counter[Severity] = field(default_factory=Counter)
    seconds: array[float] = field(default_factory=lambda: array("d"))
    usage: Usage = field(default_factory=Usage)  # what this run asked of the model

    def add(self, record: ArticleRecord, flags: list[Flag], *, resumed: bool) -> None:
        self.processed += 1
        self.resumed += resumed
        self.indicators += len(record.indicators)
        self.targets += len(record.targets)
        self.programs += len(record.programs)
        self.with_problems += bool(record.problems)
        self.add_flags(flags)
        if not resumed:  # a resumed record's seconds and tokens were spent by an earlier run
            self.seconds.append(record.seconds)
            self.usage = self.usage.add(record.usage)

    def add_flags(self, flags: list[Flag]) -> None:
        self.flags.update(f.severity for f in flags)

    @property
    def flag_count(self) -> int:
        return sum(self.flags.values())

    def counts(self) -> dict[str, Any]:
        return {
            "articles": self.read,
            "processed": self.processed,
            "resumed": self.resumed,
            "failed": self.failed,
            "not_attempted": self.not_attempted,
            "indicators": self.indicators,
            "targets": self.targets,
            "programs": self.programs,
            "with_problems": self.with_problems,
            "flags": {s.value: self.flags[s] for s in Severity},
            "conflicts": self.conflicts,
        }

    def timings(self, wall: float) -> dict[str, Any]:
        return {"seconds": round(wall, 2),
                "articles_per_second": round(self.processed / wall, 2) if wall > 0 else None,
                "seconds_per_article": percentiles(self.seconds)}

    def usage_info(self, price: Price | None) -> dict[str, Any]:
        u = self.usage
        n = len(self.seconds)
        return {
            **u.model_dump(),
            "total_tokens": u.prompt_tokens + u.completion_tokens,
            "per_article": {
                "prompt_tokens": round(u.prompt_tokens / n, 1) if n else 0.0,
                "completion_tokens": round(u.completion_tokens / n, 1) if n else 0.0,
            },
            "cost": cost_info(u, price),
        }


def cost_info(usage: Usage, price: Price | None) -> dict[str, Any] | None:
    """The estimated cost of ``usage``, with the price it used; None when the model has none."""
    if price is None:
        return None
    return {"estimated": round(price.cost(usage), 6), "currency": price.currency,
            "priced_as": price.model,
            "per_million_tokens": {"prompt": price.prompt, "completion": price.completion}}
