"""Change: a stated change must agree with the two values it connects, and a headline or lead
must not call a level a change.

"turun 40 persen dari 250 kasus menjadi 175 kasus" is a fall of 30 %, not 40 %. Between two
shares a change in "persen" has two readings: "turun 4 persen" from 24,0 to 20,0 persen is 4
percentage points but a relative fall of 16,7 %; the flag says which reading matches (info when
one does, a flag when neither does), and a change in "poin" must be the difference itself. An
amount of money or of counted things ("naik Rp1,2 miliar", "berkurang 175 kasus") must be the
difference. The stated change is the number right after a word of change ("turun", "penurunan
sebesar"); the values are the one after "dari" (or the last one of the same kind before the
second) and the one after "menjadi" or "ke", in its sentence or, when its sentence has none,
the next one ("turun 12,3 persen ... Data mencatat 1.423 anak ..., dan menjadi 1.248 anak").
A change stated right after the level it reached reads that level and the value after "dari"
or a word of comparison ("22,4 persen, turun 3,1 persen dibandingkan tahun 2023 yang sebesar
24,5 persen").

A headline or lead "Prevalensi Turun 20 Persen" over a body where 20 persen is the level
reached ("menjadi 20 persen") contradicts it; so does one whose change reaches a level ("Turun
Jadi 12,4 Persen") the body's change does not reach ("14,2 persen, turun dari 16,9 persen").
The rounding rule is ``tolerance``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from llmextract.checks.context import ArticleContext, LocatedItem, span, word_before
from llmextract.checks.tolerance import (
    SEVERITY,
    Agreement,
    agreement,
    percent_text,
    rounding_note,
    written_like,
)
from llmextract.models import Flag, Severity
from llmextract.text.numbers import MONEY, PERCENT, QUANTITY, NumberMention
from llmextract.text.words import phrase_ending, word_trie

_VALUE_KINDS = (QUANTITY, PERCENT, MONEY)
_WORD = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_REACH = 20  # how far before a number the words right before it ('menjadi') are read


@dataclass(frozen=True)
class _Stated:
    """A change the article states: its word, direction and amount."""

    word: tuple[int, int]
    down: bool
    amount: NumberMention
    points: bool  # written as percentage points ('2,4 poin persen')


def _sentence(ctx: ArticleContext, offset: int) -> tuple[int, int]:
    """The sentence holding ``offset`` within its line: a headline without a full stop is not
    one sentence with the paragraph after it."""
    start, end = ctx.sentence_range(offset)
    line_start, line_end = ctx.line_range(offset)
    return max(start, line_start), min(end, line_end)


def _values(ctx: ArticleContext, start: int, end: int) -> list[NumberMention]:
    return [m for m in ctx.mentions_in(start, end) if m.kind in _VALUE_KINDS
            and m.value is not None]


def _word_right_before(ctx: ArticleContext, pattern: re.Pattern[str], mention: NumberMention,
                       ) -> int | None:
    """Where a word of ``pattern`` written right before ``mention`` starts ('menjadi 175')."""
    low = max(0, mention.start - _REACH)
    match = phrase_ending(pattern, ctx.lowered[low:mention.start].rstrip())
    return None if match is None else low + match.start()


def _right_after(ctx: ArticleContext, pattern: re.Pattern[str], values: list[NumberMention],
                 ) -> list[NumberMention]:
    """The values written right after a word of ``pattern`` ('menjadi 175')."""
    return [m for m in values if _word_right_before(ctx, pattern, m) is not None]


def _stated(ctx: ArticleContext, word: tuple[int, int], down: bool, mention: NumberMention,
            ) -> _Stated | None:
    """The amount right after a word of change ('turun 40 persen', 'penurunan sebesar 4,2'):
    a share, money, or a count followed by what it counts."""
    after = ctx.lowered[mention.end:mention.end + 16]
    points = ctx.vocab.percent_points.match(after.lstrip()) is not None
    if mention.kind == QUANTITY and not points and _noun_after(ctx, mention) is None:
        return None
    return _Stated(word, down, mention, points)


def _noun_after(ctx: ArticleContext, mention: NumberMention) -> str | None:
    word = _WORD.match(ctx.lowered, mention.end + 1)
    return word.group() if word and ctx.lowered[mention.end:mention.end + 1] == " " else None


def _pair(ctx: ArticleContext, values: list[NumberMention], stated: _Stated | None,
          ) -> tuple[NumberMention, NumberMention] | None:
    """(from, to) of a change in one sentence: 'dari 250 kasus menjadi 175 kasus'."""
    vocab = ctx.vocab
    skip = stated.amount if stated else None
    tos = [m for m in _right_after(ctx, vocab.change_to, values) if m is not skip]
    if not tos:
        return None if stated is None else _level_first(ctx, values, stated)
    to = tos[0]
    froms = [m for m in _right_after(ctx, vocab.change_from, values)
             if m is not skip and m.start < to.start and m.kind == to.kind]
    earlier = [m for m in values if m is not skip and m.end <= to.start and m.kind == to.kind]
    later = [m for m in _right_after(ctx, vocab.change_from, values)
             if m is not skip and m.start > to.end and m.kind == to.kind]  # 'menjadi 21,4 ... dari'
    start = froms[-1] if froms else (earlier[-1] if earlier else (later[0] if later else None))
    return None if start is None else (start, to)


def _level_first(ctx: ArticleContext, values: list[NumberMention], stated: _Stated,
                 ) -> tuple[NumberMention, NumberMention] | None:
    """(from, to) of a change stated right after the level it reached: '22,4 persen, turun 3,1
    persen dari 24,5 persen pada 2023', '175 kasus, berkurang 40 kasus dibanding tahun lalu
    yang mencapai 250 kasus'. The level is the last value before the word of change, a few
    words before it with no clause between ('Target 14 persen, sementara prevalensi turun ...'
    is no level of this change); the value it changed from is the first one of the level's
    kind after the amount, after 'dari' or a word of comparison (``_compared_with``)."""
    before = [m for m in values if m.end <= stated.word[0]]
    if not before:
        return None
    level = before[-1]
    if not ctx.follows_closely(level.end, stated.word[0]):
        return None
    start = _compared_with(ctx, values, level, stated.amount.end)
    return None if start is None else (start, level)


def _compared_with(ctx: ArticleContext, values: list[NumberMention], first: NumberMention,
                  after: int) -> NumberMention | None:
    """The value ``first`` is set against after ``after``: the first of its kind among
    ``values`` that follow, with 'dari' or a word of comparison between ('dari 24,5 persen',
    'dibandingkan tahun 2023 yang sebesar 24,5 persen'); None when neither is there."""
    later = [m for m in values if m.start > after and m.kind == first.kind]
    if not later:
        return None
    other, vocab = later[0], ctx.vocab
    if vocab.comparison.search(ctx.lowered, after, other.start) is None \
            and vocab.change_from.search(ctx.lowered, after, other.start) is None:
        return None
    return other


def _item_at(ctx: ArticleContext, *mentions: NumberMention) -> LocatedItem | None:
    """The first extracted item whose value sits at one of ``mentions``: the flag is shown on it."""
    for mention in mentions:
        for li in ctx.items:
            if li.value_span is not None and li.value_span.start <= mention.start \
                    and mention.end <= li.value_span.end:
                return li
    return None


def _bare(mention: NumberMention) -> str:
    """A share without its unit ('24,0' for '24,0 persen'): the arithmetic reads shorter."""
    if mention.kind == PERCENT:
        digits = _DIGITS.search(mention.text)
        return digits.group() if digits else mention.text
    return mention.text


def _minus(start: NumberMention, end: NumberMention) -> str:
    high, low = sorted((start, end), key=lambda m: m.value or 0.0, reverse=True)
    return f"{_bare(high)} - {_bare(low)}"


def _judge(ctx: ArticleContext, stated: _Stated, start: NumberMention, end: NumberMention,
           ) -> Flag | None:
    first, last = start.value or 0.0, end.value or 0.0
    if (stated.down and last > first) or (not stated.down and last < first) or first == last:
        return None  # a word of change against its values is the trend check's
    amount, scales = stated.amount, ctx.vocab.scales
    diff = abs(last - first)
    both_shares = start.kind == end.kind == PERCENT
    if stated.points or (amount.kind != PERCENT and amount.kind == end.kind
                         and amount.kind in (MONEY, QUANTITY)):
        if stated.points and not both_shares:
            return None
        if amount.kind == QUANTITY and not stated.points \
                and _noun_after(ctx, amount) != _noun_after(ctx, end):
            return None
        found = agreement(diff, amount)
        if found is Agreement.agrees:
            return None
        sum_text = f"{_minus(start, end)} = {written_like(diff, end, scales)}"
        if stated.points:
            sum_text = f"{_minus(start, end)} = {_points(diff)} percentage points"
        kind = "change.points_mismatch" if stated.points else "change.difference_mismatch"
        said, between = _said(ctx, stated), f"from {start.text} to {end.text}"
        return _judged(ctx, stated, start, end, kind, SEVERITY[found],
                       f"'{said}' does not match {between}: {sum_text}, not {_bare(amount)}"
                       f"{rounding_note(found)}.", f"{sum_text}, not {_bare(amount)}")
    if amount.kind != PERCENT or not first:
        return None
    relative = 100 * diff / first
    rel_found = agreement(relative, amount)
    if rel_found is Agreement.agrees:
        return None
    said, between = _said(ctx, stated), f"from {start.text} to {end.text}"
    rel_text = f"({_minus(start, end)}) / {_bare(start)} = {percent_text(relative)}"
    if both_shares:
        pts_found = agreement(diff, amount)
        pts_text = f"{_minus(start, end)} = {_points(diff)} percentage points"
        if pts_found is Agreement.agrees:
            return _judged(ctx, stated, start, end, "change.percent_or_points", Severity.info,
                           f"'{said}' {between} reads as percentage points ({pts_text}); as a "
                           f"relative change it would be {rel_text}.",
                           f"{pts_text}; relative: {rel_text}")
        found = min(rel_found, pts_found, key=lambda a: a is not Agreement.rounding)
        return _judged(ctx, stated, start, end, "change.relative_mismatch", SEVERITY[found],
                       f"'{said}' matches neither reading of {between}: as a relative change "
                       f"{rel_text}, as a difference {pts_text}{rounding_note(found)}.",
                       f"relative: {rel_text}; points: {pts_text}; stated {amount.text}")
    return _judged(ctx, stated, start, end, "change.relative_mismatch", SEVERITY[rel_found],
                   f"'{said}' does not match {between}: {rel_text}, not {amount.text}"
                   f"{rounding_note(rel_found)}.", f"{rel_text}, not {amount.text}")


def _judged(ctx: ArticleContext, stated: _Stated, start: NumberMention, end: NumberMention,
            kind: str, severity: Severity, message: str, arithmetic: str) -> Flag:
    """The flag of a change its values contradict, on the item of its amount or values: the
    item and the spans are looked for only then, most changes agree with their values."""
    amount = stated.amount
    item = _item_at(ctx, amount, end, start)
    return ctx.flag(item, "value" if item else "text", kind, severity, message,
                    [span(amount.start, amount.end), span(start.start, start.end),
                     span(end.start, end.end), span(*stated.word)], arithmetic=arithmetic)


def _said(ctx: ArticleContext, stated: _Stated) -> str:
    """The words of the change as written: 'turun 2,4 poin persen'."""
    end = stated.amount.end
    if stated.points:
        match = ctx.vocab.percent_points.match(ctx.lowered, end + 1)
        end = match.end() if match else end
    return ctx.text[stated.word[0]:end]


def _points(value: float) -> str:
    return percent_text(value)[:-2]


_MEASURE_WORDS = 3  # between a word of change and 'sebesar' before its amount


def _changes(ctx: ArticleContext) -> list[tuple[_Stated, tuple[int, int]]]:
    """Each sentence stating a change ('turun 40 persen'): the first change it states and its
    range. Read from the numbers back (a word of change right before one), which is cheaper
    than a scan of the article for every word of change."""
    vocab, lowered = ctx.vocab, ctx.lowered
    found: dict[int, tuple[_Stated, tuple[int, int]]] = {}
    for mention, (start, word) in zip(ctx.mentions, ctx.words_before, strict=True):
        if mention.kind not in _VALUE_KINDS or mention.value is None:
            continue
        if word in vocab.change_amount_words:
            start, word = word_before(lowered, start)
            # The measure may stand between ('memangkas prevalensi stunting sebesar 4,2 poin').
            for _ in range(_MEASURE_WORDS):
                if not word.isalpha() or word in vocab.change_words:
                    break
                start, word = word_before(lowered, start)
        if word not in vocab.change_words:
            continue
        stated = _stated(ctx, (start, start + len(word)), word in vocab.down_words, mention)
        if stated is None:
            continue
        where = _sentence(ctx, start)
        found.setdefault(where[0], (stated, where))
    return list(found.values())


def _level_reached(ctx: ArticleContext, amount: NumberMention, after: int,
                   ) -> NumberMention | None:
    """The body's mention of the same number as the level a change reaches ('menjadi 20
    persen')."""
    same = [m for m in _values(ctx, after, len(ctx.text))
            if m.kind == amount.kind and m.value == amount.value]
    reached = _right_after(ctx, ctx.vocab.change_to, same)
    return reached[0] if reached else None


def _headline_flag(ctx: ArticleContext, stated: _Stated, where: tuple[int, int]) -> Flag | None:
    reached = _level_reached(ctx, stated.amount, where[1])
    if reached is None:
        return None
    start, end = _sentence(ctx, reached.start)
    pair = _pair(ctx, _values(ctx, start, end), None)
    body = f"the body gives {reached.text} as the level reached"
    arithmetic = f"{reached.text} is the level reached, not the change"
    from_value = None  # the value the body's change starts from, when its sentence gives it
    if pair is not None and pair[1] == reached:
        first, last = pair
        from_value = first
        diff = abs((last.value or 0.0) - (first.value or 0.0))
        change = f"{_minus(first, last)} = {written_like(diff, last, ctx.vocab.scales)}"
        if reached.kind == PERCENT and first.value:
            change = (f"{_minus(first, last)} = {_points(diff)} points, "
                      f"{percent_text(100 * diff / first.value)} relative")
        if agreement(diff, stated.amount) is Agreement.agrees or (
                first.value and agreement(100 * diff / first.value, stated.amount)
                is Agreement.agrees):
            return None
        body += f" (from {first.text}: {change})"
        arithmetic = f"{change}; {reached.text} is the level reached"
    item = _item_at(ctx, stated.amount)
    spans = [span(stated.amount.start, stated.amount.end), span(*stated.word),
             span(reached.start, reached.end),
             *([span(from_value.start, from_value.end)] if from_value else [])]
    return ctx.flag(item, "value" if item else "text", "change.headline_contradicts_body",
                    Severity.error, f"The {_opening_part(ctx, where)} says "
                    f"'{_said(ctx, stated)}', a change, but {body}.", spans,
                    arithmetic=arithmetic)


def _change_word_before(ctx: ArticleContext, pattern: re.Pattern[str], mention: NumberMention,
                        ) -> tuple[int, str] | None:
    """The word of change before a word of ``pattern`` right before ``mention`` ('turun' in
    'turun jadi 12,4 persen', 'turun dari 16,9 persen'), with where it starts."""
    at = _word_right_before(ctx, pattern, mention)
    if at is None:
        return None
    start, word = word_before(ctx.lowered, at)
    return (start, word) if word in ctx.vocab.change_words else None


def _change_word_in_reach(ctx: ArticleContext, mention: NumberMention) -> bool:
    """Whether ``_change_word_before`` can find a word of change before ``mention``: the word it
    finds is a whole token of the text ending within ``_REACH`` of the number, unless colons
    follow it (``word_before`` strips them, so a colon nearby keeps the reads). False for most
    numbers, which then skip the two reads of the words right before them."""
    words = ctx.vocab.change_words
    near = ctx.lowered[max(0, mention.start - _REACH - 1 - _longest(words)):mention.start]
    return ":" in near or not words.isdisjoint(near.split())


_Pair = tuple[NumberMention, NumberMention]


class _Body:
    """The body as the headline and lead checks read it, each part read once an article: the
    changes of each kind of value and the values after a place. Every number of the headline
    and the lead is read against the same body, which was read again for each of them."""

    def __init__(self, ctx: ArticleContext) -> None:
        self.ctx = ctx
        self._changes: dict[str, list[tuple[int, _Pair, bool]]] = {}
        self._values_after: dict[int, list[NumberMention]] = {}

    def values_after(self, after: int) -> list[NumberMention]:
        """``_values`` from ``after`` to the end of the text."""
        found = self._values_after.get(after)
        if found is None:
            found = self._values_after[after] = _values(self.ctx, after, len(self.ctx.text))
        return found

    def any_change(self) -> bool:
        """Whether the article states a change of any kind of value: a headline or lead can
        run against none without one, and is then not even looked for."""
        return any(self.changes(0, kind) for kind in _VALUE_KINDS)

    def reached(self, after: int, kind: str, down: bool, level: NumberMention | None = None,
                ) -> list[_Pair]:
        """The body's changes of a kind of value in one direction, as (from, level reached)."""
        return [pair for pair, way in self.changes(after, kind, level) if way == down]

    def changes(self, after: int, kind: str, level: NumberMention | None = None,
                ) -> list[tuple[_Pair, bool]]:
        """The changes of ``_changes_of`` whose number stands after ``after``; of the same noun
        as the headline's ``level`` when it counts something."""
        every = self._changes.get(kind)
        if every is None:
            every = self._changes[kind] = _changes_of(self.ctx, kind)
        ctx = self.ctx
        return [(pair, down) for start, pair, down in every if start >= after and (
            level is None or level.kind != QUANTITY
            or _noun_after(ctx, pair[1]) == _noun_after(ctx, level))]


def _changes_of(ctx: ArticleContext, kind: str) -> list[tuple[int, _Pair, bool]]:
    """The article's changes of a kind of value, as where the number read stands, (from, level
    reached) and their direction (True: down): 'turun dari 16,9 persen menjadi 14,2 persen',
    '14,2 persen, turun dari 16,9 persen', or level first, 'turun menjadi 18,3 persen, dari
    sebelumnya 20,6 persen'. Both directions in one reading: the direction checks ask for
    both."""
    vocab, found = ctx.vocab, []
    for mention in ctx.mentions:
        if mention.kind != kind or mention.value is None or not _change_word_in_reach(ctx, mention):
            continue
        change = _change_word_before(ctx, vocab.change_from, mention)
        starts_change = change is not None
        if change is None:
            change = _change_word_before(ctx, vocab.change_to, mention)
            if change is None:
                continue  # most numbers: no word of change, and their sentence is not read
        values = [m for m in _values(ctx, *_sentence(ctx, mention.start)) if m.kind == kind]
        pair = None
        if starts_change:
            tos = [m for m in _right_after(ctx, vocab.change_to, values) if m.start > mention.end]
            before = [m for m in values if m.end <= change[0]]
            reached = tos[0] if tos else (before[-1] if before else None)
            pair = None if reached is None else (mention, reached)
        else:
            starts = [m for m in values if m.start > mention.end
                      and _word_right_before(ctx, vocab.change_from, m) is not None]
            pair = (starts[0], mention) if starts else None
        if pair is not None:
            found.append((mention.start, pair, change[1] in vocab.down_words))
    return found


def _headline_level_flags(ctx: ArticleContext, body: _Body) -> list[Flag]:
    """A headline or lead whose change reaches a level ('Turun Jadi 12,4 Persen') the body's
    one change of that direction and kind does not reach ('14,2 persen, turun dari 16,9
    persen'). Said only when the body writes the headline's number nowhere and its changes of
    that kind agree on one level, and, when the headline names a year, for that year."""
    flags: list[Flag] = []
    ends = ctx.vocab.change_to_ends
    if not any(word in ends for _, word in ctx.words_before) or not body.any_change():
        return flags  # no number after 'menjadi' or 'jadi': the opening is not even looked for
    for where in ctx.opening:
        for level in _values(ctx, *where):
            change = _change_word_before(ctx, ctx.vocab.change_to, level)
            if change is None or any(m.kind == level.kind and m.value == level.value
                                     for m in body.values_after(where[1])):
                continue
            pairs = body.reached(where[1], level.kind, change[1] in ctx.vocab.down_words, level)
            if len({reached.value for _, reached in pairs}) != 1:
                continue
            first, reached = pairs[0]
            years = ctx.years_near(*where)
            if years and not set(years) & set(ctx.years_near(*_sentence(ctx, reached.start))):
                continue
            found = agreement(reached.value or 0.0, level)
            if found is Agreement.agrees:
                continue
            flags.append(_level_flag(ctx, where, change, level, first, reached, found))
    return flags


def _level_flag(ctx: ArticleContext, where: tuple[int, int], change: tuple[int, str],
                level: NumberMention, first: NumberMention, reached: NumberMention,
                found: Agreement) -> Flag:
    gap = abs((reached.value or 0.0) - (level.value or 0.0))
    apart = written_like(gap, reached, ctx.vocab.scales)
    if level.kind == PERCENT:
        apart = f"{_points(gap)} points"
    said = ctx.text[change[0]:level.end]
    arithmetic = (f"{_minus(reached, level)} = {apart}: the body's change from {first.text} "
                  f"reaches {reached.text}, not {level.text}")
    item = _item_at(ctx, level, reached)
    return ctx.flag(item, "value" if item else "text", "change.headline_contradicts_body",
                    SEVERITY[found], f"The {_opening_part(ctx, where)} says '{said}', but the "
                    f"body gives {reached.text} as the level reached from {first.text}: "
                    f"{arithmetic.split(':')[0]} apart{rounding_note(found)}.",
                    [span(level.start, level.end), span(change[0], change[0] + len(change[1])),
                     span(reached.start, reached.end)], arithmetic=arithmetic)


def _headline_direction_flags(ctx: ArticleContext, body: _Body) -> list[Flag]:
    """A headline or lead whose word of change runs against the body's change to the same
    level ('Prevalensi Stunting Naik, Kini 17,2 Persen' over '17,2 persen pada 2024, turun dari
    19,5 persen'), or, when the body writes the headline's number nowhere, against the body's
    one change of that kind ('Naik Jadi 26,8 Persen' over 'turun dari 28,9 persen ... menjadi
    24,8 persen'). Said only when the body has no change of the headline's direction. A lead
    with no number is not read: only a headline's word of change may stand alone."""
    flags: list[Flag] = []
    if not body.any_change():
        return flags
    vocab = ctx.vocab
    said_pattern = _change_words(vocab.change_words)
    for start, end in ctx.opening:
        where = (start, end)
        levels = _values(ctx, start, end)
        if not levels and where != ctx.headline:
            continue
        words = [(start + m.start(), m.group())
                 for m in said_pattern.finditer(ctx.lowered[start:end])]
        if not words:
            continue
        for level in levels:
            said = [w for w in words if w[0] < level.start]
            if not said or level.value is None:
                continue
            at, word = said[-1]
            down = word in vocab.down_words
            against = _only_against(body.changes(where[1], level.kind, level), down)
            if not against:
                continue
            to_level = [pair for pair in against if pair[1].value == level.value]
            elsewhere = not any(m.kind == level.kind and m.value == level.value
                                for m in body.values_after(where[1]))
            if to_level or (elsewhere and len({reached.value for _, reached in against}) == 1):
                flags.append(_direction_flag(ctx, where, (at, word), level,
                                             *(to_level or against)[0]))
        if where == ctx.headline and not levels:
            flags += _bare_headline_flags(ctx, body, where, words[0])
    return flags


def _bare_headline_flags(ctx: ArticleContext, body: _Body, where: tuple[int, int],
                         change: tuple[int, str]) -> list[Flag]:
    """A headline's word of change with no number ('Angka Stunting Kota Padang Turun') over a
    body whose changes of a share all run the other way to one level ('naik dari 16,1 persen
    pada 2023 menjadi 17,4 persen pada 2024')."""
    against = _only_against(body.changes(where[1], PERCENT),
                            change[1] in ctx.vocab.down_words)
    if len({reached.value for _, reached in against}) != 1:
        return []
    return [_direction_flag(ctx, where, change, None, *against[0])]


def _only_against(changes: list[tuple[_Pair, bool]], down: bool) -> list[_Pair]:
    """The body's changes that run against a headline's direction, or none when any runs along
    it: a body that goes both ways does not contradict the headline."""
    if any(way == down for _, way in changes):
        return []
    return [pair for pair, _ in changes]


@lru_cache(maxsize=8)
def _longest(words: frozenset[str]) -> int:
    return max(map(len, words), default=0)


@lru_cache(maxsize=8)
def _change_words(words: frozenset[str]) -> re.Pattern[str]:
    """The words of change as ``_WORD`` reads them, each a whole run of letters: one scan of the
    headline or lead finds them (a trie, so the engine skips to their first letters), where
    each of its words was read and looked up. Run on the part read alone, so that a run cut at
    its start counts as ``_WORD`` counts it."""
    letters = r"[^\W\d_]"
    tails = {word: rf"(?<!{letters}{re.escape(word)})(?!{letters})"
             for word in words if _WORD.fullmatch(word)}
    return re.compile(word_trie(tails) if tails else "(?!)")


def _direction_flag(ctx: ArticleContext, where: tuple[int, int], change: tuple[int, str],
                    level: NumberMention | None, first: NumberMention, reached: NumberMention,
                    ) -> Flag:
    """``level``: the headline's number, None when its word of change stands alone."""
    fell = (reached.value or 0.0) < (first.value or 0.0)
    gap = abs((first.value or 0.0) - (reached.value or 0.0))
    apart = f"{_points(gap)} points" if reached.kind == PERCENT else written_like(
        gap, reached, ctx.vocab.scales)
    arithmetic = (f"{_minus(first, reached)} = {apart}, a {'fall' if fell else 'rise'} from "
                  f"{first.text} to {reached.text}")
    item = _item_at(ctx, reached, level or reached)
    way = "down" if change[1] in ctx.vocab.down_words else "up"
    to = f" to {level.text}" if level else ""
    spans = [span(change[0], change[0] + len(change[1])),
             *([span(level.start, level.end)] if level else []),
             span(first.start, first.end), span(reached.start, reached.end)]
    return ctx.flag(item, "value" if item else "text", "change.headline_contradicts_body",
                    Severity.error, f"The {_opening_part(ctx, where)} says "
                    f"'{ctx.text[change[0]:change[0] + len(change[1])]}' ({way}){to}, but the "
                    f"body gives {arithmetic}.", spans,
                    arithmetic=arithmetic)


def _opening_part(ctx: ArticleContext, where: tuple[int, int]) -> str:
    return "headline" if where == ctx.headline else "lead"


def _following(ctx: ArticleContext, end: int, *, next_paragraph: bool,
               ) -> tuple[int, int] | None:
    """Where the values of a change whose sentence ends at ``end`` may be given when that
    sentence has none: the next sentence of its paragraph, or, when it ends its paragraph, the
    next paragraph's first two sentences ('... mencatat penurunan sebesar 30 persen dalam
    setahun terakhir.' over '... pada Agustus 2023 sebanyak 3.240 anak. Setahun kemudian, pada
    Agustus 2024, jumlahnya menjadi 2.592 anak.'); not for the headline or lead, which the
    body's changes are read against instead (``_headline_flag``)."""
    text = ctx.text
    nxt = len(text) - len(text[end:].lstrip())
    if nxt >= len(text):
        return None
    if "\n" not in text[end:nxt]:
        return _sentence(ctx, nxt)
    if not next_paragraph or text.count("\n", end, nxt) < 2:
        return None  # a list row or a line of its own, not the next paragraph
    first = _sentence(ctx, nxt)
    after = len(text) - len(text[first[1]:].lstrip())
    if after < len(text) and "\n" not in text[first[1]:after]:
        return first[0], _sentence(ctx, after)[1]
    return first


def _referred_to(ctx: ArticleContext, stated: _Stated, start: int,
                 ) -> tuple[int, int] | None:
    """The sentence before, in the same paragraph, when the change points back to it ('turun
    dari 28,4 persen ... menjadi 24,1 persen. Penurunan sebesar 3,3 poin persen itu ...'): a
    demonstrative right after the amount (and its unit words) says its values were given there."""
    after = ctx.lowered[stated.amount.end:stated.amount.end + 30].split()
    if not set(after[:3]) & ctx.vocab.back_references:
        return None
    text = ctx.text
    prev_end = len(text[:start].rstrip())
    if prev_end == 0 or "\n" in text[prev_end:start]:
        return None
    return _sentence(ctx, prev_end - 1)


def _comparison_flags(ctx: ArticleContext) -> list[Flag]:
    """A word saying which of two values is the larger that the values contradict: '20,1
    persen, lebih tinggi dari rata-rata provinsi yang 24,9 persen'. The first value is the last
    one closely before the word (``ArticleContext.follows_closely``), the second the one it is
    set against after it (``_compared_with``); counts of different things are not compared."""
    vocab, lowered = ctx.vocab, ctx.lowered
    flags: list[Flag] = []
    # One scan of the article: the phrases share a first word ("lebih"), which the engine skips to
    # as a literal, so this costs less than windows around it.
    for word in vocab.higher_or_lower.finditer(lowered):
        start, end = _sentence(ctx, word.start())
        values = _values(ctx, start, end)
        before = [m for m in values if m.end <= word.start()]
        if not before or not ctx.follows_closely(before[-1].end, word.start()):
            continue
        first = before[-1]
        second = _compared_with(ctx, values, first, word.end())
        if second is None or (first.kind == QUANTITY
                              and _noun_after(ctx, first) != _noun_after(ctx, second)):
            continue
        said = " ".join(word.group().split())
        higher = said in vocab.higher_words
        a, b = first.value or 0.0, second.value or 0.0
        if (a > b) if higher else (a < b):
            continue
        relation = "=" if a == b else ("<" if a < b else ">")
        arithmetic = f"{_bare(first)} {relation} {_bare(second)}"
        flags.append(ctx.flag(
            _item_at(ctx, first, second), "value" if _item_at(ctx, first, second) else "text",
            "change.comparison_mismatch", Severity.error,
            f"'{ctx.text[word.start():word.end()]}' says {first.text} is the "
            f"{'larger' if higher else 'smaller'} of the two, but {arithmetic} (against "
            f"{second.text}).", [span(first.start, first.end), span(*word.span()),
                                  span(second.start, second.end)], arithmetic=arithmetic))
    return flags


def check_change(ctx: ArticleContext) -> list[Flag]:
    body = _Body(ctx)
    flags = (_headline_level_flags(ctx, body) + _headline_direction_flags(ctx, body)
             + _comparison_flags(ctx))
    changes = _changes(ctx)
    if not changes:
        return flags
    opening = ctx.opening
    for stated, (start, end) in changes:
        in_opening = any(o[0] <= start < o[1] or start <= o[0] < end for o in opening)
        pair = _pair(ctx, _values(ctx, start, end), stated)
        if pair is None and (before := _referred_to(ctx, stated, start)) is not None:
            pair = _pair(ctx, _values(ctx, *before), None)
        if pair is None:
            following = _following(ctx, end, next_paragraph=not in_opening)
            if following:
                nxt = _values(ctx, *following)
                pair = _pair(ctx, nxt, None) if not any(
                    s.amount in nxt for s, _ in changes) else None
        if pair is not None:
            flag = _judge(ctx, stated, *pair)
        elif in_opening:
            flag = _headline_flag(ctx, stated, (start, end))
        else:
            flag = None
        if flag is not None:
            flags.append(flag)
    return flags

