"""Trend: a word of change between two values of one measure must agree with them. In
"941 anak, turun menjadi 771" the later value must be the smaller; "naik" there is a mismatch.

Pairs are indicators of the same measure whose values sit next to each other in one sentence,
ordered by their periods; the words of change are those written between the two values.

The flag goes on the item that is probably wrong: when one item's period is not a year written
in its own clause, its period is what contradicts the word of change, so that item; otherwise
the values are in doubt, and the flag goes on the later one (the value the change leads to)."""

from __future__ import annotations

import itertools

from llmextract.checks.arithmetic import measure_key
from llmextract.checks.context import ArticleContext, LocatedItem, describe
from llmextract.models import Flag, Indicator, Severity, Span
from llmextract.text.words import years_in
from llmextract.vocabulary import period_key


def _series(ctx: ArticleContext) -> list[list[LocatedItem]]:
    """Indicators grouped by sentence and measure, in text order."""
    groups: dict[tuple[int, str], list[LocatedItem]] = {}
    for li in ctx.items:
        item = li.item
        if not isinstance(item, Indicator) or li.value is None or li.value_span is None:
            continue
        if period_key(item.period) is None:
            continue
        sentence_start, _ = ctx.sentence_range(li.value_span.start)
        key = (
            sentence_start,
            measure_key(item.name, item.population, ctx.domain) or item.name.lower(),
        )
        groups.setdefault(key, []).append(li)
    return [
        sorted(g, key=lambda li: li.value_span.start)  # type: ignore[union-attr]
        for g in groups.values()
        if len(g) > 1
    ]


def _period_written(ctx: ArticleContext, li: LocatedItem) -> bool:
    """The item's period names a year its own clause writes (or names no year at all)."""
    assert li.value_span is not None and isinstance(li.item, Indicator)
    years = set(years_in(li.item.period or ""))
    return not years or bool(years & set(ctx.years_near(*ctx.clause_of(li.value_span.start),
                                                        relative=True)))


def _suspect(ctx: ArticleContext, earlier: LocatedItem, later: LocatedItem) -> LocatedItem:
    """The item of a contradicted pair the flag belongs on (see the module docstring)."""
    written = {id(li): _period_written(ctx, li) for li in (earlier, later)}
    if written[id(earlier)] != written[id(later)]:
        return earlier if not written[id(earlier)] else later
    return later


def check_trend(ctx: ArticleContext) -> list[Flag]:
    vocab = ctx.vocab
    flags = []
    for series in _series(ctx):
        for first, second in itertools.pairwise(series):
            assert first.value_span and second.value_span
            between = ctx.lowered[first.value_span.end : second.value_span.start]
            down, up = vocab.down.search(between), vocab.up.search(between)
            if bool(down) == bool(up):
                continue
            earlier, later = sorted((first, second), key=lambda li: period_key(li.item.period))  # type: ignore[arg-type, union-attr, return-value]
            if period_key(earlier.item.period) == period_key(later.item.period):  # type: ignore[union-attr]
                continue
            rose = (later.value or 0) > (earlier.value or 0)
            fell = (later.value or 0) < (earlier.value or 0)
            word = (down or up).group()  # type: ignore[union-attr]
            if (down and rose) or (up and fell):
                start = first.value_span.end + (down or up).start()  # type: ignore[union-attr]
                flags.append(
                    ctx.flag(
                        _suspect(ctx, earlier, later),
                        "value",
                        "trend.direction_mismatch",
                        Severity.warning,
                        f"The article says '{word}' but the value goes from "
                        f"{describe(earlier.value)} ({earlier.item.period}) to "  # type: ignore[union-attr]
                        f"{describe(later.value)} ({later.item.period}).",  # type: ignore[union-attr]
                        [
                            earlier.value_span,
                            later.value_span,
                            Span(start=start, end=start + len(word)),
                        ],
                    )
                )
    return flags
