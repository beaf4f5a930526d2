"""Across articles: within one run, the same region, indicator and period reported with
different values by different articles is a conflict (242 in one, 241 in another). Each side
is flagged, with the other articles in ``related`` so the reviewer can open them side by side.
Approximate values and items without a region or period are left out: they cannot conflict."""

from __future__ import annotations

import re
from collections import defaultdict

from llmextract.checks.context import ArticleContext, LocatedItem, describe
from llmextract.checks.grounding import same
from llmextract.models import Flag, Indicator, Severity
from llmextract.vocabulary import is_percent_unit, period_key, vocabulary

_BRACKETS = re.compile(r"\([^)]*\)")

Key = tuple[str, str, str, tuple[int, int]]


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


def check_across(articles: list[tuple[ArticleContext, str | None]]) -> list[Flag]:
    """``articles``: each article's context with its region."""
    reports: dict[Key, list[tuple[ArticleContext, LocatedItem]]] = defaultdict(list)
    regions: dict[str, str] = {}
    for ctx, region in articles:
        regions[ctx.article_id] = region or ""
        for li in ctx.items:
            key = _key(region, li, ctx.domain)
            if key is not None:
                reports[key].append((ctx, li))
    flags = []
    for found in reports.values():
        for ctx, li in found:
            others = [(o_ctx, o_li) for o_ctx, o_li in found
                      if o_ctx.article_id != ctx.article_id
                      and not same(o_li.value or 0.0, li.value or 0.0)]
            if not others:
                continue
            values = ", ".join(sorted({describe(o.value) for _, o in others}))
            flags.append(ctx.flag(
                li, "value", "across.conflict", Severity.warning,
                f"Another article reports '{li.name}' in {regions[ctx.article_id]} for "
                f"{li.item.period} "  # type: ignore[union-attr]
                f"as {values}, not {describe(li.value)}.", [li.anchor],
                related=[o_ctx.article_id for o_ctx, _ in others]))
    return flags
