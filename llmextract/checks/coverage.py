"""Coverage: numbers in sentences about the topic that no extracted item uses, so a reviewer
sees what the model missed. Dates, times, years, periods and ordinals are not quantities to
extract; numbers in boilerplate lines are not the article's. Severity is info: a missed number
is worth a look, not an error in what was extracted.

A sentence is about the topic when it names it, when it is a list row under an opening line
naming it ('Kabupaten A: 31,2 persen' under 'Prevalensi stunting per kabupaten:'), or when it
points back ('Angka itu ...') to the sentence before it in its paragraph that names it: the
same subjects the labelling rules give a bare number, so what they miss is shown."""

from __future__ import annotations

from llmextract.checks.context import ArticleContext
from llmextract.checks.source import program_quotes
from llmextract.models import Flag, Severity, Span
from llmextract.text.layout import LIST_NUMBER, list_intro
from llmextract.text.numbers import CALENDAR_KINDS, ORDINAL
from llmextract.text.words import search_words


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """A loop: asked of every number, where ``any()`` over a generator costs more than the
    few spans it tests."""
    for s, e in spans:
        if s < end and start < e:
            return True
    return False


def _about_topic(ctx: ArticleContext, start: int, end: int) -> bool:
    """Whether the sentence at ``[start, end)`` is about the topic (see the module's note)."""
    topic, lowered = ctx.vocab.topic, ctx.lowered
    if search_words(topic, lowered, start, end):
        return True
    line_start = ctx.text.rfind("\n", 0, start) + 1
    intro = list_intro(ctx.text, line_start)
    if intro is not None:
        return search_words(topic, lowered, *intro) is not None
    before = ctx.text[line_start:start].rstrip()
    if not before or not search_words(ctx.vocab.anaphora, lowered, start, end):
        return False
    prev_start, prev_end = ctx.sentence_range(line_start + len(before) - 1)
    return prev_start >= line_start and \
        search_words(topic, lowered, prev_start, prev_end) is not None


def check_coverage(ctx: ArticleContext) -> list[Flag]:
    used_spans = [(li.value_span.start, li.value_span.end) for li in ctx.items
                  if li.value_span is not None]
    quotes = [(where.start, where.end) for where in program_quotes(ctx)]
    names: list[tuple[int, int]] | None = None  # the programs' names: read for a number in a quote
    instructions = ctx.instruction_sentences
    used_values = {v for li in ctx.items for v in (li.value, li.value_max) if v is not None}
    about_topic: dict[int, bool] = {}
    flags = []
    for mention in ctx.mentions:
        if mention.kind in CALENDAR_KINDS or mention.kind == ORDINAL or mention.value is None:
            continue
        if mention.value in used_values or _overlaps(mention.start, mention.end, used_spans):
            continue
        if _overlaps(mention.start, mention.end, quotes):
            if names is None:
                names = [(where.start, where.end) for _, where in ctx.program_names]
            if _overlaps(mention.start, mention.end, names):
                continue
        if instructions and any(s <= mention.start < e for s, e in instructions):
            continue  # the source check says so
        if ctx.name_ending_at(mention) is not None:
            continue
        start, end = ctx.sentence_range(mention.start)
        if start not in about_topic:
            about_topic[start] = _about_topic(ctx, start, end)
        if not about_topic[start] or ctx.line_category(mention.start) is not None:
            continue
        item_number = LIST_NUMBER.match(ctx.text, ctx.text.rfind("\n", 0, mention.start) + 1)
        if item_number and mention.start < item_number.end():
            continue
        flags.append(ctx.flag(
            None, "text", "coverage.unused_number", Severity.info,
            f"'{mention.text}' appears in a sentence about the topic but no extracted item "
            f"uses it.", [Span(start=mention.start, end=mention.end)]))
    return flags
