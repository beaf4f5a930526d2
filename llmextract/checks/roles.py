"""Roles: a value bound to the wrong year or role. A figure for 2024 reported as the period
2025, a 2024 baseline reported as the 2026 target, a quote stitched from two places, a
'zero stunting' goal that was not read as a target of 0.

The year bound to a value is the year written in the value's own clause (the sentence cut at
commas, brackets and 'dan'); day-month-year dates are left out, as they date the event."""

from __future__ import annotations

import re

from llmextract.checks.context import ArticleContext, LocatedItem
from llmextract.extract.candidates.propose import count_doubt, is_count
from llmextract.models import Flag, Indicator, Program, Scope, Severity, Span, Target
from llmextract.text.alignment import MatchStatus, contains
from llmextract.text.numbers import DATE, PERIOD, YEAR, ZERO_TARGET
from llmextract.text.words import inside_a_name, may_hold, search_words, years_in

_MIN_PIECE_WORDS = 3
_BRACKETS = re.compile(r"\([^)]*\)")


def _period_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    item = li.item
    if not isinstance(item, Indicator) or li.value_span is None:
        return []
    recorded = years_in(item.period)
    if not recorded:
        return []
    clause = ctx.clause_of(li.value_span.start)
    written = ctx.years_near(*clause, relative=True)
    if written and not set(recorded) & set(written):
        clause = _own_part(ctx, clause, li.value_span.start)
        written = ctx.years_near(*clause, relative=True)
    # The years dated after the value are read only when the clause's own do not agree.
    if written and not set(recorded) & set(written) \
            and not set(recorded) & _dated_after(ctx, li.value_span.end):
        return [ctx.flag(li, "period", "roles.period_mismatch", Severity.warning,
                         f"The value {li.value_text} is recorded for {item.period}, but its own "
                         f"clause gives {', '.join(map(str, sorted(set(written))))}.",
                         [li.value_span, Span(start=clause[0], end=clause[1])])]
    if not set(recorded) & ctx.article_years and not set(recorded) & ctx.relative_years:
        return [ctx.flag(li, "period", "roles.period_not_in_article", Severity.warning,
                         f"The period {item.period} is not mentioned anywhere in the article.",
                         [li.value_span])]
    return []


def _dated_after(ctx: ArticleContext, value_end: int) -> set[int]:
    """The years after the value up to the next figure of its sentence: a source named after a
    value dates it, past the brackets of its short form ('dari 24,6 persen hasil Survei
    Kesehatan Indonesia (SKI) 2023', where the clause ends at the bracket)."""
    _, end = ctx.sentence_range(value_end)
    figures = [m.start for m in ctx.mentions_in(value_end, end)
               if m.kind not in (YEAR, DATE, PERIOD)]
    return set(ctx.years_near(value_end, figures[0] if figures else end))


def _own_part(ctx: ArticleContext, clause: tuple[int, int], value: int) -> tuple[int, int]:
    """The clause from the last word of a change's end before the value ('dari 27,4 persen
    pada SKI 2023 menjadi 24,1 persen'): the years before it date the value the change starts
    from."""
    start, end = clause
    reached = [m.end() for m in ctx.vocab.change_to.finditer(ctx.lowered, start, value)]
    return (reached[-1], end) if reached else clause


def _target_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    item = li.item
    if not isinstance(item, Target) or li.value_span is None:
        return []
    flags = []
    start, end = ctx.sentence_range(li.value_span.start)
    if not search_words(ctx.vocab.target_words, ctx.lowered, start, end) \
            and not search_words(ctx.vocab.goal_verbs, ctx.lowered, start, end):
        flags.append(ctx.flag(li, "value_text", "roles.target_without_goal", Severity.warning,
                              f"The target value {li.value_text} comes from a sentence that states "
                              f"no goal.", [li.value_span, Span(start=start, end=end)]))
    clause = ctx.clause_of(li.value_span.start)
    written = ctx.years_near(*clause, relative=True)
    if item.deadline_year is not None and written and item.deadline_year not in written:
        flags.append(ctx.flag(li, "deadline_year", "roles.deadline_mismatch", Severity.warning,
                              f"The target is recorded for {item.deadline_year}, but its value's "
                              f"clause gives {', '.join(map(str, sorted(set(written))))}.",
                              [li.value_span, Span(start=clause[0], end=clause[1])]))
    measured = ctx.measured_at.get((li.value_span.start, li.value_span.end))
    if measured is not None:
        flags.append(ctx.flag(li, "value", "roles.baseline_as_target", Severity.warning,
                              f"The target reuses the measured value {li.value_text} of "
                              f"'{measured.name}' ({measured.item.period or 'no period'}).",  # type: ignore[union-attr]
                              [li.value_span]))
    return flags


def _scope_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    """'target nasional untuk menurunkan kasus stunting 14 persen per tahun': a national goal,
    not the city's own, unless the item says so."""
    if li.value_span is None or li.value_text is None:
        return []
    if getattr(li.item, "scope", Scope.local) is not Scope.local:
        return []  # the item says whose figure it is: a comparison figure, not an error
    start, end = ctx.clause_of(li.value_span.start)
    if not may_hold(ctx.vocab.scope_words, ctx.lowered, start, end):
        return []  # the clause's words are read once, below, when they may hold one
    scopes = [m for m in ctx.vocab.scope_words.finditer(ctx.lowered, start, end)
              if not (m.group() in ctx.vocab.provincial_scope_words and ctx.provincial_article)
              and not inside_a_name(ctx.text, m.start())]
    if not scopes:
        return []
    before = [m for m in scopes if m.start() < li.value_span.start]
    word = (before[-1] if before else scopes[0]).group().lower()  # the nearest before the value
    said = " ".join(filter(None, [li.name, getattr(li.item, "population", None)])).lower()
    if word in said:
        return []
    return [ctx.flag(li, "value_text", "roles.scope_not_local", Severity.warning,
                     f"The article gives {li.value_text} as a {word} figure, not the region's "
                     f"own, but the item does not say so.",
                     [li.value_span, Span(start=start, end=end)])]


def _zero_flags(ctx: ArticleContext) -> list[Flag]:
    flags = []
    for li in ctx.items:
        if isinstance(li.item, Indicator) and li.mention is not None \
                and li.mention.kind == ZERO_TARGET:
            flags.append(ctx.flag(li, "value_text", "roles.zero_target_as_indicator",
                                  Severity.warning,
                                  f"'{li.mention.text}' is a goal, recorded here as a measured "
                                  f"indicator.", [li.value_span]))
    zero_targets = [li for li in ctx.items if isinstance(li.item, Target) and li.value == 0]
    if zero_targets:
        return flags
    goals = [m for m in ctx.mentions
             if m.kind == ZERO_TARGET and ctx.line_category(m.start) is None
             and not _not_set(ctx, m.start)]
    if goals:
        flags.append(ctx.flag(None, "targets", "roles.zero_target_missed", Severity.warning,
                              f"The article sets the goal '{goals[0].text}' but no target of 0 "
                              f"was extracted.", [Span(start=m.start, end=m.end) for m in goals]))
    return flags


def _not_set(ctx: ArticleContext, offset: int) -> bool:
    """A goal asked about ('Apakah ... menargetkan zero stunting?') or denied ('tidak mau
    menjanjikan zero stunting') is not set."""
    start, end = ctx.sentence_range(offset)
    if ctx.text[start:end].rstrip().endswith("?"):
        return True
    clause_start, _ = ctx.clause_of(offset)
    return ctx.vocab.negations.search(ctx.lowered, clause_start, offset) is not None


def _stitched_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    """A quote that is not in the article but whose beginning and end are, apart."""
    if li.quote.status is not MatchStatus.not_found and li.quote.status is not MatchStatus.fuzzy:
        return []
    words = li.item.quote.split()
    if len(words) < 2 * _MIN_PIECE_WORDS:
        return []
    low, high = 0, len(words)  # the longest prefix found: binary search (found is monotone)
    while low < high:
        mid = (low + high + 1) // 2
        if contains(ctx.text, " ".join(words[:mid])):
            low = mid
        else:
            high = mid - 1
    rest = " ".join(words[low:])
    pieces_long_enough = low >= _MIN_PIECE_WORDS and len(words) - low >= _MIN_PIECE_WORDS
    if pieces_long_enough and contains(ctx.text, rest):
        return [ctx.flag(li, "quote", "roles.stitched_quote", Severity.error,
                         f"The quote joins two separate passages of the article: "
                         f"'{' '.join(words[:low])}' and '{rest}'.")]
    return []


def _office_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    """'Dinas Kesehatan', 'Tim Pendamping Keluarga', 'Camat Pekalongan Barat': an office, a
    team or an official named as a program (the name starts with one of ``office_heads`` and
    says no activity): the reader decides whether the article means a program."""
    if not isinstance(li.item, Program):
        return []
    name = li.item.name
    words = (_BRACKETS.sub(" ", name) if "(" in name else name).split()
    head = words[0].lower() if words else ""
    place = head in ctx.vocab.place_heads and len(words) == 1
    if not (place or head in ctx.vocab.office_heads) or \
            ctx.vocab.activity_words.search(name.lower()):
        return []
    return [ctx.flag(li, "name", "roles.office_as_program", Severity.warning,
                     f"'{li.item.name}' names an office, team or official, not what is done: "
                     "is it a program?", [li.item.span])]


def _doubt_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    """A number a model kept as a figure that the candidates' rules read as no count of people
    (a duration, an audience, a count of places, a rule per unit...): the two disagree, so a
    reviewer decides; neither overrides the other. Items the rules themselves kept never meet
    their own doubt."""
    mention = li.mention
    if mention is None or li.value_span is None or not is_count(mention):
        return []
    sentence = ctx.sentence_range(mention.start)
    if not sentence[0] <= mention.start < sentence[1]:
        return []
    clause_start, _ = ctx.clause_around(mention.start, mention.end)
    reason = count_doubt(ctx.text, mention, sentence, clause_start, ctx.domain)
    if reason is None:
        return []
    role = "an indicator" if isinstance(li.item, Indicator) else "a target"
    return [ctx.flag(li, "value", "roles.rules_doubt_count", Severity.warning,
                     f"The rules read {li.value_text} as {reason}; it was kept as {role}. "
                     "Keep it only if it is a figure of the topic.", [li.value_span])]


def _model_doubt_flags(ctx: ArticleContext, li: LocatedItem) -> list[Flag]:
    """The extraction's own doubt (``Indicator.doubt``): the model read the number as no figure
    where the rules could not tell, and the number was kept for a reviewer to decide. Only an
    indicator has one: asked of a target or a program, pydantic's ``__getattr__`` would raise
    and catch an AttributeError for every item."""
    doubt = li.item.doubt if isinstance(li.item, Indicator) else None
    if not doubt:
        return []
    return [ctx.flag(li, "value", "roles.model_doubt", Severity.warning,
                     f"Kept as a figure though {doubt}; keep it only if it is one.",
                     [li.value_span] if li.value_span else [])]


# The rules each kind of item meets, in one order: a rule is not called for a kind it says
# nothing of (seven calls an item, most of them returning at once, cost more than the rules).
_INDICATOR_RULES = (_period_flags, _stitched_flags, _scope_flags, _doubt_flags,
                    _model_doubt_flags)
_TARGET_RULES = (_target_flags, _stitched_flags, _scope_flags, _doubt_flags)
_PROGRAM_RULES = (_stitched_flags, _office_flags)


def check_roles(ctx: ArticleContext) -> list[Flag]:
    flags: list[Flag] = []
    for li in ctx.items:
        item = li.item
        rules = _INDICATOR_RULES if isinstance(item, Indicator) else (
            _TARGET_RULES if isinstance(item, Target) else _PROGRAM_RULES)
        for rule in rules:
            flags += rule(ctx, li)
    return flags + _zero_flags(ctx)


