"""Plausibility: values that cannot be right whatever the article says: a share above 100 %,
a negative count, a deadline before the article was written, a year recorded as a count."""

from __future__ import annotations

from llmextract.checks.context import ArticleContext, LocatedItem, describe
from llmextract.models import Flag, Indicator, Scope, Severity, Target
from llmextract.text.numbers import PERCENT_UNIT, YEAR
from llmextract.vocabulary import is_percent_unit


def _is_share(ctx: ArticleContext, li: LocatedItem) -> bool:
    unit = li.item.unit  # type: ignore[union-attr]
    if is_percent_unit(unit, ctx.domain):
        return True
    if li.parsed is not None and li.parsed.unit == PERCENT_UNIT:
        return True
    return unit is None and ctx.vocab.share_names.search(li.name.lower()) is not None


def _value_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    flags = []
    for field_name, value in (("value", li.value), ("value_max", li.value_max)):
        if value is None:
            continue
        if value < 0:
            flags.append(ctx.flag(li, field_name, "plausibility.negative", Severity.error,
                                  f"The value {describe(value)} is negative; counts and shares "
                                  f"cannot be.", [li.anchor]))
        elif value > 100 and _is_share(ctx, li):
            flags.append(ctx.flag(li, field_name, "plausibility.share_over_100", Severity.error,
                                  f"{describe(value)} % is more than the whole population.",
                                  [li.anchor]))
    mention = li.mention if li.mention is not None else li.parsed
    if mention is not None and mention.kind == YEAR and li.value is not None \
            and mention.value == li.value:
        flags.append(ctx.flag(li, "value", "plausibility.year_as_count", Severity.error,
                              f"The value {describe(li.value)} is a year in the article, not a "
                              f"count.", [li.value_span]))
    return flags


def _deadline_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    item = li.item
    if not isinstance(item, Target) or item.deadline_year is None or ctx.year is None:
        return []
    if item.scope is not Scope.local:
        return []  # a national or provincial goal quoted for comparison may have passed
    if item.deadline_year < ctx.year:
        return [ctx.flag(li, "deadline_year", "plausibility.deadline_in_past", Severity.warning,
                         f"The deadline {item.deadline_year} is before the article's own year "
                         f"({ctx.year}).", [li.anchor])]
    return []


def check_plausibility(ctx: ArticleContext) -> list[Flag]:
    flags: list[Flag] = []
    for li in ctx.items:
        if isinstance(li.item, (Indicator, Target)):
            flags += _value_flags(ctx, li) + _deadline_flags(ctx, li)
    return flags
