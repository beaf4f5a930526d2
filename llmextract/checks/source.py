"""Source quality: a value must come from the article's prose, not from a related-link line,
a caption, a byline, a view counter or a timestamp, and never from a piece of a date or time."""

from __future__ import annotations

from llmextract.checks.context import ArticleContext, LocatedItem, span
from llmextract.models import Flag, Severity
from llmextract.text.numbers import DATE, ORDINAL, PERIOD, TIME

_LINE_NAMES = {
    "related_link": "related link",
    "caption": "photo caption",
    "byline": "byline",
    "view_counter": "view counter",
    "timestamp": "timestamp",
    "copyright": "copyright notice",
    "share": "share or comment widget",
    "site_chrome": "site navigation",
}
_CALENDAR_NAMES: dict[str, str] = {DATE: "the date", TIME: "the time", PERIOD: "the period"}


def _boilerplate(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    value = li.value_span
    if value is None:
        return []
    category = ctx.line_category(value.start)
    if category is None:
        return []
    line = span(*ctx.line_range(value.start))
    what = " and ".join(_LINE_NAMES.get(c, c) for c in category.split("+"))
    return [ctx.flag(li, "value_text", "source.boilerplate", Severity.error,
                     f"The value '{li.value_text}' comes from a line that is a {what}, not "
                     f"from the article's text.", [value, line])]


def _calendar_piece(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    parsed = li.parsed
    mention = parsed if parsed is not None and parsed.kind in _CALENDAR_NAMES else li.mention
    if mention is None or mention.kind not in _CALENDAR_NAMES or li.value is None:
        return []
    what = _CALENDAR_NAMES[mention.kind]
    return [ctx.flag(li, "value_text", "source.date_as_quantity", Severity.error,
                     f"'{li.value_text}' is part of {what} '{mention.text}', not a quantity.",
                     [li.value_span])]


def _rank(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    mention = li.mention
    if mention is None or mention.kind != ORDINAL:
        return []
    return [ctx.flag(li, "value_text", "source.ordinal_as_quantity", Severity.error,
                     f"'{mention.text}' is a rank (an ordinal), not a quantity.", [li.value_span])]


def _program_name(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    """'Satu Telur Satu Minggu' is a program's name: its 'satu' counts nothing."""
    value = li.value_span
    if value is None:
        return []
    for name, where in ctx.program_names:
        if where.start <= value.start and value.end <= where.end:
            return [ctx.flag(li, "value_text", "source.program_name", Severity.error,
                             f"'{li.value_text}' is part of the program name '{name}', not a "
                             f"quantity.", [value, where])]
    return []


def check_source(ctx: ArticleContext) -> list[Flag]:
    flags: list[Flag] = []
    for li in ctx.items:
        if li.value_text is None:
            continue
        flags += _boilerplate(ctx, li) + _calendar_piece(ctx, li) + _rank(ctx, li)
        flags += _program_name(ctx, li)
    return flags
