"""Across articles: within one run, the same region, indicator and period reported with
different values by different articles is a conflict (242 in one, 241 in another).

The run streams: each article gives its ``Report``s (one per indicator that could conflict,
small and picklable, so an engine can send them from a worker) as soon as it is checked, and
a ``ConflictIndex`` keeps only those, grouped by (region, indicator, unit, period), never the
articles. At the end a group whose articles disagree becomes one ``Conflict`` (every article
and item of every value, listed once) and one flag per disagreeing item. A flag names the other
values with their counts and links a bounded sample of the other articles in ``related``
(``MAX_RELATED``), so a flag's size does not grow with the run and the flags file grows
linearly with the articles; the conflict record holds the whole list.

Approximate values and items without a region or period are left out: they cannot conflict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, zip_longest

from pydantic import BaseModel

from llmextract.checks.context import ArticleContext, LocatedItem, describe
from llmextract.models import Flag, Indicator, Severity, Span, short_hash
from llmextract.vocabulary import is_percent_unit, period_key, vocabulary

_BRACKETS = re.compile(r"\([^)]*\)")
MAX_RELATED = 10  # other articles a conflict flag links; the conflict record lists them all
MAX_VALUES_NAMED = 5  # other values a conflict flag's message names

Key = tuple[str, str, str, tuple[int, int]]


@dataclass(frozen=True)
class Report:
    """One indicator that could conflict with another article's: what its conflict flag needs."""

    key: Key
    value: float
    article_id: str
    item_id: str | None
    path: str
    span: tuple[int, int] | None
    name: str
    region: str
    period: str


class ConflictItem(BaseModel):
    article_id: str
    item_id: str | None = None


class ConflictValue(BaseModel):
    value: float
    items: list[ConflictItem]


class Conflict(BaseModel):
    """One group of disagreeing values: one line of the run's ``conflicts.jsonl``."""

    id: str
    region: str
    indicator: str
    unit: str
    period: str
    values: list[ConflictValue]


def _key(region: str | None, li: LocatedItem, domain: str) -> Key | None:
    item = li.item
    if not isinstance(item, Indicator) or item.approximate or li.value is None or not region:
        return None
    period = period_key(item.period)
    if period is None:
        return None
    drop = vocabulary(domain).total_words
    name = " ".join(w for w in _BRACKETS.sub(" ", item.name.lower()).split() if w not in drop)
    unit = "percent" if is_percent_unit(item.unit, domain) else "count"
    return " ".join(region.lower().split()), name, unit, period


def reports(ctx: ArticleContext, region: str | None) -> list[Report]:
    """The indicators of one checked article that take part in the checks across articles."""
    found = []
    for li in ctx.items:
        key = _key(region, li, ctx.domain)
        if key is None or li.value is None:
            continue
        anchor = li.anchor
        found.append(Report(
            key=key, value=li.value, article_id=ctx.article_id, item_id=li.item_id,
            path=li.path, span=(anchor.start, anchor.end) if anchor else None, name=li.name,
            region=region or "", period=li.item.period or ""))  # type: ignore[union-attr]
    return found


def _value_key(value: float) -> float:
    """Values the checks call the same (``grounding.same``) fall into one group."""
    return float(f"{value:.12g}")


_SEP = "\x1f"


@dataclass
class _Group:
    """One key's reports, each reduced to a single string (article, item, path, span): at
    100,000 articles the index is a few tens of megabytes."""

    name: str
    region: str
    period: str
    by_value: dict[float, list[str]] = field(default_factory=dict)


def _pack(r: Report) -> str:
    start, end = r.span if r.span else ("", "")
    return _SEP.join((r.article_id, r.item_id or "", r.path, str(start), str(end)))


def _unpack(packed: str) -> tuple[str, str | None, str, Span | None]:
    article_id, item_id, path, start, end = packed.split(_SEP)
    span = Span(start=int(start), end=int(end)) if start else None
    return article_id, item_id or None, path, span


def _articles(n: int) -> str:
    return "1 article" if n == 1 else f"{n} articles"


class ConflictIndex:
    """The reports of a run so far, grouped by region, indicator, unit and period."""

    def __init__(self) -> None:
        self._groups: dict[Key, _Group] = {}

    def add(self, found: Iterable[Report]) -> None:
        for r in found:
            group = self._groups.get(r.key)
            if group is None:
                group = self._groups[r.key] = _Group(r.name, r.region, r.period)
            else:  # the smallest wording: the same whatever order the articles finish in
                group.name = min(group.name, r.name)
                group.region = min(group.region, r.region)
                group.period = min(group.period, r.period)
            group.by_value.setdefault(_value_key(r.value), []).append(_pack(r))

    def _disagreeing(self) -> Iterator[tuple[Key, _Group, list[tuple[float, list[str]]]]]:
        for key in sorted(self._groups):
            group = self._groups[key]
            values = sorted((v, sorted(set(items))) for v, items in group.by_value.items())
            # A value reported by only one article cannot disagree with itself across articles.
            if len(values) > 1 and len({_unpack(p)[0] for _, ps in values for p in ps}) > 1:
                yield key, group, values

    def conflicts(self) -> Iterator[Conflict]:
        for key, group, values in self._disagreeing():
            yield Conflict(
                id=_conflict_id(key), region=group.region, indicator=group.name, unit=key[2],
                period=group.period,
                values=[ConflictValue(value=v, items=[
                    ConflictItem(article_id=a, item_id=i)
                    for a, i, _, _ in map(_unpack, packed)]) for v, packed in values])

    def flags(self) -> Iterator[Flag]:
        for key, group, values in self._disagreeing():
            yield from _group_flags(_conflict_id(key), group, values)


def _conflict_id(key: Key) -> str:
    return "C" + short_hash(list(key), 10)


def _first_distinct(ids: Iterable[str | None], n: int) -> list[str]:
    """The first ``n`` different ids of ``ids`` (None left out), in order, reading no further."""
    found: dict[str, None] = {}
    for a in ids:
        if a is not None:
            found[a] = None
            if len(found) == n:
                break
    return list(found)


def _group_flags(cid: str, group: _Group,
                 values: list[tuple[float, list[str]]]) -> Iterator[Flag]:
    articles = {v: [_unpack(p) for p in packed] for v, packed in values}
    for value, items in articles.items():
        others = [(v, [a for a, _, _, _ in its]) for v, its in articles.items() if v != value]
        named = ", ".join(f"{describe(v)} ({_articles(len(set(ids)))})"
                          for v, ids in others[:MAX_VALUES_NAMED])
        if len(others) > MAX_VALUES_NAMED:
            named += f" and {len(others) - MAX_VALUES_NAMED} other values"
        # Every other value is represented before a second article of any value is. One more
        # than a flag links, since a flag leaves out its own article: the same for every item
        # of this value, so found once (per item it made 100,000 articles quadratic).
        sample = _first_distinct(chain.from_iterable(zip_longest(*(ids for _, ids in others))),
                                 MAX_RELATED + 1)
        for article_id, item_id, path, span in items:
            related = [a for a in sample if a != article_id][:MAX_RELATED]
            if not related:
                continue
            yield Flag(
                article_id=article_id, item_id=item_id, field=f"{path}.value",
                kind="across.conflict", severity=Severity.warning,
                message=f"Other articles report '{group.name}' in {group.region} for "
                f"{group.period} as {named}, not {describe(value)}; conflict {cid} lists "
                "every article.",
                spans=[span] if span else [], related=sorted(related),
            ).with_id()
