"""Coverage: numbers in sentences about the topic that no extracted item uses, so a reviewer
sees what the model missed. Dates, times, years, periods and ordinals are not quantities to
extract; numbers in boilerplate lines are not the article's. Severity is info: a missed number
is worth a look, not an error in what was extracted."""

from __future__ import annotations

from llmextract.checks.context import ArticleContext
from llmextract.models import Flag, Severity, Span
from llmextract.numbers import CALENDAR_KINDS, ORDINAL


def _overlaps(start: int, end: int, spans: list[Span]) -> bool:
    return any(s.start < end and start < s.end for s in spans)


def check_coverage(ctx: ArticleContext) -> list[Flag]:
    used_spans = [li.value_span for li in ctx.items if li.value_span is not None]
    used_spans += [where for _, where in ctx.program_names]
    used_values = {v for li in ctx.items for v in (li.value, li.value_max) if v is not None}
    about_topic: dict[int, bool] = {}
    flags = []
    for mention in ctx.mentions:
        if mention.kind in CALENDAR_KINDS or mention.kind == ORDINAL or mention.value is None:
            continue
        if mention.value in used_values or _overlaps(mention.start, mention.end, used_spans):
            continue
        start, end = ctx.sentence_range(mention.start)
        if start not in about_topic:
            about_topic[start] = ctx.vocab.topic.search(ctx.lowered, start, end) is not None
        if not about_topic[start] or ctx.line_category(mention.start) is not None:
            continue
        flags.append(ctx.flag(
            None, "text", "coverage.unused_number", Severity.info,
            f"'{mention.text}' appears in a sentence about the topic but no extracted item "
            f"uses it.", [Span(start=mention.start, end=mention.end)]))
    return flags
