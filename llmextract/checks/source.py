"""Source quality: a value must come from the article's prose, not from a related-link line,
a caption, a byline, a view counter or a timestamp, and never from a piece of a date or time."""

from __future__ import annotations

from llmextract.checks.context import ArticleContext, LocatedItem
from llmextract.models import Flag, Severity
from llmextract.numbers import DATE, PERIOD, TIME

_LINE_NAMES = {
    "related_link": "a related-link line",
    "caption": "a photo caption",
    "byline": "a byline",
    "view_counter": "a view counter",
    "timestamp": "a timestamp line",
    "copyright": "a copyright line",
    "share": "a share or comment line",
    "site_chrome": "site navigation",
}
_CALENDAR_NAMES = {DATE: "the date", TIME: "the time", PERIOD: "the period"}


def _boilerplate(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    span = li.value_span
    if span is None:
        return []
    line, category = ctx.line_of(span.start)
    if category is None:
        return []
    return [ctx.flag(li, "value_text", "source.boilerplate", Severity.error,
                     f"The value '{li.value_text}' comes from "
                     f"{_LINE_NAMES.get(category, 'a boilerplate line')}, not from the article's "
                     f"text.", [span, line])]


def _calendar_piece(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    mention = li.mention
    if li.parsed is not None and li.parsed.kind in _CALENDAR_NAMES:
        mention = li.parsed
        span = li.value_span
    elif mention is not None and mention.kind in _CALENDAR_NAMES:
        span = li.value_span
    else:
        return []
    if li.value is None:
        return []
    what = _CALENDAR_NAMES[mention.kind]
    return [ctx.flag(li, "value_text", "source.date_as_quantity", Severity.error,
                     f"'{li.value_text}' is part of {what} '{mention.text}', not a quantity.",
                     [span])]


def check_source(ctx: ArticleContext) -> list[Flag]:
    flags: list[Flag] = []
    for li in ctx.items:
        if li.value_text is None:
            continue
        flags += _boilerplate(ctx, li)
        flags += _calendar_piece(ctx, li)
    return flags
