"""Grounding: every value and quote must be in the article, and the value must be what its text
says. A value may be found anywhere in the article, but should sit inside its own quote."""

from __future__ import annotations

import math

from llmextract.checks.context import ArticleContext, LocatedItem, calendar, describe
from llmextract.models import Flag, Indicator, Severity
from llmextract.text.alignment import MatchStatus
from llmextract.text.numbers import MONEY, PERCENT_UNIT, ZERO_TARGET
from llmextract.vocabulary import is_percent_unit


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _quote_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    status = li.quote.status
    if status is MatchStatus.fuzzy:
        return [ctx.flag(li, "quote", "grounding.quote_fuzzy", Severity.warning,
                         f"The quote is not in the article word for word: the closest passage "
                         f"differs slightly (similarity {li.quote.score:.0f}%).", [li.quote.span])]
    if status is MatchStatus.not_found:
        return [ctx.flag(li, "quote", "grounding.quote_not_found", Severity.error,
                         "The quote cannot be found in the article.")]
    span = li.item.span
    if span is not None and span != li.quote.span:
        return [ctx.flag(li, "span", "grounding.span_mismatch", Severity.warning,
                         "The recorded span does not point at the quote in the article.",
                         [span, li.quote.span])]
    return []


def _value_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    written = (li.value_text or "").strip()
    if not written:
        if li.value is None:
            return []
        return [ctx.flag(li, "value_text", "grounding.value_not_found", Severity.error,
                         f"The value {describe(li.value)} has no value text to find in the "
                         f"article.", [li.quote.span])]
    if li.value_span is None:
        return [ctx.flag(li, "value_text", "grounding.value_not_found", Severity.error,
                         f"The value text '{written}' does not appear in the article.",
                         [li.quote.span])]
    flags = []
    if not li.value_verbatim:
        as_written = ctx.text[li.value_span.start:li.value_span.end]
        flags.append(ctx.flag(li, "value_text", "grounding.value_not_verbatim", Severity.warning,
                              f"'{written}' is not written this way in the article; its quote "
                              f"has the same number as '{as_written}'.", [li.value_span]))
    if not li.value_in_quote and li.quote.span is not None:
        flags.append(ctx.flag(li, "value_text", "grounding.value_not_in_quote", Severity.warning,
                              f"'{written}' is in the article but not in the item's quote.",
                              [li.value_span, li.quote.span]))
    parsed = li.parsed
    if parsed is None:
        if li.value is not None:
            flags.append(ctx.flag(li, "value_text", "grounding.value_unreadable", Severity.error,
                                  f"'{written}' is not a number, so the value "
                                  f"{describe(li.value)} cannot be confirmed from the article.",
                                  [li.value_span]))
        return flags
    if calendar(parsed):
        return flags  # a date used as a value is the source checks' business
    if li.value is None:
        flags.append(ctx.flag(li, "value", "grounding.value_mismatch", Severity.error,
                              f"The value is empty although '{written}' reads as "
                              f"{describe(parsed.value)}.", [li.value_span]))
    elif parsed.value is not None and not same(li.value, parsed.value):
        flags.append(ctx.flag(li, "value", "grounding.value_mismatch", Severity.error,
                              f"The value {describe(li.value)} does not match its text "
                              f"'{written}', which reads as {describe(parsed.value)}.",
                              [li.value_span]))
    if not isinstance(li.item, Indicator):
        if parsed.value_max is not None and (li.value_max is None
                                             or not same(li.value_max, parsed.value_max)):
            recorded = ("no upper bound is recorded" if li.value_max is None
                        else f"the upper bound recorded is {describe(li.value_max)}")
            flags.append(ctx.flag(li, "value_max", "grounding.value_mismatch", Severity.error,
                                  f"'{written}' is a range up to {describe(parsed.value_max)} but "
                                  f"{recorded}.", [li.value_span]))
        elif parsed.value_max is None and li.value_max is not None and li.value is not None \
                and not same(li.value_max, li.value):
            flags.append(ctx.flag(li, "value_max", "grounding.value_mismatch", Severity.error,
                                  f"An upper bound {describe(li.value_max)} is recorded but "
                                  f"'{written}' is not a range.", [li.value_span]))
    return flags + _unit_and_hedge_flags(ctx, li)


def _unit_and_hedge_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    mention = li.mention
    if mention is None or li.value_span is None:
        return []
    flags = []
    unit = li.item.unit  # type: ignore[union-attr]
    in_percent = mention.unit == PERCENT_UNIT
    percent_unit = is_percent_unit(unit, ctx.domain)
    if percent_unit and not in_percent and mention.kind != ZERO_TARGET:
        flags.append(ctx.flag(li, "unit", "grounding.unit_mismatch", Severity.warning,
                              f"The unit is '{unit}' but the article does not write "
                              f"'{mention.text}' as a percentage.", [li.value_span]))
    elif in_percent and unit and not percent_unit:
        flags.append(ctx.flag(li, "unit", "grounding.unit_mismatch", Severity.warning,
                              f"The article gives '{mention.text}' as a percentage but the unit "
                              f"recorded is '{unit}'.", [li.value_span]))
    if isinstance(li.item, Indicator):
        if mention.approximate and not li.item.approximate and not _rule_bound(ctx, li):
            flags.append(ctx.flag(li, "approximate", "grounding.hedge_ignored", Severity.warning,
                                  f"The article hedges the value ('{mention.hedge} "
                                  f"{mention.text}') but it is recorded as exact.",
                                  [li.value_span]))
        elif li.item.approximate and not mention.approximate:
            flags.append(ctx.flag(li, "approximate", "grounding.hedge_unsupported", Severity.info,
                                  f"The value is marked approximate but the article writes "
                                  f"'{mention.text}' with no hedge word.", [li.value_span]))
    return flags


def _rule_bound(ctx: ArticleContext, li: LocatedItem) -> bool:
    """'mewajibkan setiap desa mengalokasikan minimal 8 persen', '8 persen dana desa wajib
    dialokasikan': a bound set by a rule is exact, not a hedge on a measurement; so is the
    floor of an allotment ('minimal Rp 50 juta', 'paling sedikit 10 persen Dana Desa'), which
    someone sets rather than measures."""
    mention = li.mention
    if mention is None or mention.hedge is None or li.value_span is None \
            or mention.hedge.lower() not in ctx.vocab.bound_hedges:
        return False
    start, end = ctx.sentence_range(li.value_span.start)
    clause = ctx.clause_of(li.value_span.start)
    return mention.kind == MONEY or ctx.vocab.budget_words.search(ctx.lowered, *clause) \
        is not None or ctx.vocab.rule_words.search(ctx.lowered, start, end) is not None


def check_grounding(ctx: ArticleContext) -> list[Flag]:
    flags: list[Flag] = []
    for li in ctx.items:
        flags += _quote_flags(ctx, li)
        if li.value_text is not None or li.value is not None:
            flags += _value_flags(ctx, li)
    return flags
