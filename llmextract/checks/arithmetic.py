"""Arithmetic: parts must add up to their total, a percentage must equal part / whole, and a
range must run from low to high.

Parts are indicators of one period that measure the same thing ("... didampingi") once their
population words are removed, each for its own population (catin, bumil, bufas...). Their total
is either among them or another indicator of that period for everybody:

- among them: the largest, when its population names two or more of the others and its sentence
  says it is a total: it counts everybody ("sebanyak 6.160 sasaran", "jumlah", "seluruh") or
  opens a breakdown ("terdiri dari", "rinciannya"). A combined group written like the other rows
  ("Baduta dan Balita: 2.756") is one more part: its name joins two groups (and baduta, under
  two, are balita too), it does not say they were added up;
- outside them: an indicator with no population whose name or clause says what is measured
  ("6.160 sasaran telah didampingi").

When several totals could fit and none matches, nothing is said: a false alarm costs a
reviewer's time. The seed article 002 fails honestly (catin 99 + bumil 1.022 + bufas 560 +
baduta dan balita 2.756 = 4.437, not 6.160): the flag is about the source, it is raised once, on
the total, and it names the parts so the reviewer can check them against the article.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from llmextract.checks.context import ArticleContext, LocatedItem, describe
from llmextract.checks.tolerance import (
    SEVERITY,
    Agreement,
    agreement,
    percent_text,
    rounding_note,
)
from llmextract.models import Flag, Indicator, Severity, Target
from llmextract.resources import DEFAULT_DOMAIN
from llmextract.text.numbers import PERCENT, QUANTITY, NumberMention
from llmextract.text.words import phrases_alternation
from llmextract.vocabulary import vocabulary

_BRACKETS = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"[^\W\d_]+")
_GROUPED = re.compile(r"[0-9]([.,])[0-9]{3}(?![0-9])")  # '1.022': how the article groups
_PERCENT_AFTER_PART = 30  # '30.980 keluarga (10,6%)': the share follows its part closely


@lru_cache(maxsize=4096)
def measure_key(name: str, population: str | None, domain: str = DEFAULT_DOMAIN) -> str:
    """What is measured, without who: 'ibu hamil (bumil) didampingi' -> 'didampingi'."""
    vocab = vocabulary(domain)
    key = _BRACKETS.sub(" ", name.lower())
    if population:
        for word in _groups(population):
            key = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", key)
    key = vocab.populations.sub(" ", key)
    drop = vocab.list_words | vocab.total_words
    return " ".join(w for w in key.split() if w not in drop)


def _groups(population: str) -> list[str]:
    """The groups a population names: 'catin, bumil dan bufas' -> catin, bumil, bufas."""
    joiners = rf"\s+(?:{phrases_alternation(vocabulary().list_words)})\s+"
    return [g.strip() for g in re.split(rf"[,;()]|{joiners}", population.lower()) if g.strip()]


@lru_cache(maxsize=4096)
def population_words(population: str | None, domain: str = DEFAULT_DOMAIN) -> frozenset[str]:
    """The words naming who is counted, without generic ones ('sasaran', 'seluruh')."""
    words = frozenset(_WORD.findall((population or "").lower()))
    return words - vocabulary(domain).generic_population_words


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _population(ctx: ArticleContext, li: LocatedItem) -> frozenset[str]:
    return population_words(li.item.population, ctx.domain)  # type: ignore[union-attr]


def _says_total(ctx: ArticleContext, li: LocatedItem) -> bool:
    """Whether the sentence of the value says it is a total ('6.160 sasaran', 'jumlah',
    'terdiri dari'): the text, not the population the extraction wrote, makes a figure a total."""
    if li.value_span is None:
        return False
    start, end = ctx.sentence_range(li.value_span.start)
    return ctx.vocab.total_marks.search(ctx.lowered, start, end) is not None


def _split_total(ctx: ArticleContext, members: list[LocatedItem],
                 ) -> tuple[LocatedItem | None, list[LocatedItem]]:
    """The largest member is the others' total when its population covers two or more of them
    and the text says it is a total; otherwise every member is a part."""
    ranked = sorted(members, key=lambda li: li.value or 0.0, reverse=True)
    top, rest = ranked[0], ranked[1:]
    whole = _population(ctx, top)
    covered = len([other for other in rest if _population(ctx, other) & whole])
    if covered >= 2 and _says_total(ctx, top):
        return top, rest
    return None, ranked


def _outside_totals(ctx: ArticleContext, key: str, parts: list[LocatedItem],
                    candidates: list[LocatedItem]) -> list[LocatedItem]:
    """Indicators for everybody of the same period that say they measure ``key``."""
    wanted = _words(key)
    largest = max(p.value or 0.0 for p in parts)
    found = []
    for li in candidates:
        if li in parts or _population(ctx, li) or (li.value or 0.0) <= largest:
            continue
        said = _words(li.name)
        if li.value_span is not None:
            start, end = ctx.clause_of(li.value_span.start)
            said |= _words(ctx.text[start:end])
        if wanted <= said:
            found.append(li)
    return found


def _parts_flags(ctx: ArticleContext) -> list[Flag]:
    by_period: dict[str, list[LocatedItem]] = defaultdict(list)
    for li in ctx.items:
        item = li.item
        if isinstance(item, Indicator) and li.value is not None and not item.approximate:
            by_period[(item.period or "").strip().lower()].append(li)
    flags = []
    for same_period in by_period.values():
        groups: dict[str, list[LocatedItem]] = defaultdict(list)
        for li in same_period:
            key = measure_key(li.name, li.item.population, ctx.domain)  # type: ignore[union-attr]
            if key and _population(ctx, li):
                groups[key].append(li)
        for key, members in groups.items():
            if len(members) < 2:
                continue
            by_place = _place_parts(ctx, members)
            totals: list[LocatedItem]
            if by_place is not None:
                totals, parts = [by_place[0]], by_place[1]
            else:
                total, parts = _split_total(ctx, members)
                populations = [_population(ctx, p) for p in parts]
                if len(parts) < 2 or len(set(populations)) != len(populations):
                    continue
                totals = [total] if total else _outside_totals(ctx, key, parts, same_period)
            summed = sum(p.value or 0.0 for p in parts)
            if len(totals) != 1 or _agrees(summed, totals[0]):
                continue
            flags.append(_parts_flag(ctx, totals[0], parts, summed))
    return flags


def _agrees(computed: float, total: LocatedItem) -> bool:
    if total.mention is None or total.mention.value != total.value:
        return abs(computed - (total.value or 0.0)) <= 1e-6 * max(1.0, computed)
    return agreement(computed, total.mention) is Agreement.agrees


def _subregion(ctx: ArticleContext, li: LocatedItem) -> str | None:
    place = getattr(li.item, "place", None) or ""
    words = place.split()
    return place.lower() if words and words[0].lower() in ctx.vocab.subregion_heads else None


def _place_parts(ctx: ArticleContext, members: list[LocatedItem],
                 ) -> tuple[LocatedItem, list[LocatedItem]] | None:
    """The same measure for each kecamatan (or desa...) and once for the whole region: the
    places are the parts, unless their text says it lists only some ('tertinggi')."""
    named = [(li, _subregion(ctx, li)) for li in members]
    parts = [li for li, place in named if place]
    wholes = [li for li, place in named if not place]
    places = [place for _, place in named if place]
    if len(parts) < 2 or len(set(places)) != len(places) or len(wholes) != 1:
        return None
    total = wholes[0]
    if any((p.value or 0.0) >= (total.value or 0.0) for p in parts):
        return None
    for li in parts:
        if li.value_span is None:
            return None
        start, end = ctx.sentence_range(li.value_span.start)
        before = ctx.sentence_range(max(0, start - 2))
        if ctx.vocab.partial.search(ctx.lowered, before[0], end):
            return None
    return total, parts


def _written_like(value: float, written: list[str]) -> str:
    """A computed number grouped the way the article groups its own: the sum of '1.022' and
    '2.756' is shown as '4.437', since '4437' next to them reads as a different number."""
    plain = describe(value)
    grouped = next((m for w in written if (m := _GROUPED.search(w))), None)
    if grouped is None or not plain.isdigit():
        return plain
    return f"{int(plain):,}".replace(",", grouped.group(1))


def _part_name(li: LocatedItem) -> str:
    """Who a part counts, as the reviewer finds it in the text: its place when the parts are
    places, else its population."""
    place = getattr(li.item, "place", None)
    population = getattr(li.item, "population", None)
    return str(place if place and place.split()[0].lower() in
               vocabulary().subregion_heads else population or li.name)


def _parts_flag(ctx: ArticleContext, total: LocatedItem, parts: list[LocatedItem],
                summed: float) -> Flag:
    in_order = sorted(parts, key=lambda p: p.value_span.start if p.value_span else 0)
    texts = [p.value_text or describe(p.value) for p in [total, *in_order]]
    named = " + ".join(
        f"{_part_name(p)} {p.value_text or describe(p.value)}"
        for p in in_order)
    stated = total.value or 0.0
    gap = _written_like(abs(stated - summed), texts)
    found = agreement(summed, total.mention) if total.mention is not None \
        and total.mention.value == stated else Agreement.differs
    addition = " + ".join(p.value_text or describe(p.value) for p in in_order)
    return ctx.flag(
        total, "value", "arithmetic.parts_do_not_sum", SEVERITY[found],
        f"The parts of '{total.name}' do not add up to the {texts[0]} given: {named} = "
        f"{_written_like(summed, texts)}, {gap} {'less' if summed < stated else 'more'} than "
        f"the total{rounding_note(found)}.",
        [total.value_span, *(p.value_span for p in in_order)],
        arithmetic=f"{addition} = {_written_like(summed, texts)}, not {texts[0]}")


def _percent_flags(ctx: ArticleContext) -> list[Flag]:
    flags = []
    for li in ctx.items:
        mention = li.mention
        if mention is None or mention.kind != PERCENT or mention.value is None:
            continue
        start, end = ctx.sentence_range(mention.start)
        counts = [m for m in ctx.mentions_in(start, end)
                  if m.kind == QUANTITY and m.value and m.end <= mention.start]
        if not counts or mention.start - counts[-1].end > _PERCENT_AFTER_PART:
            continue
        part = counts[-1]
        if (over := _share_over_whole(ctx, li, part, start, end)) is not None:
            flags.append(over)
            continue
        wholes = [m for m in ctx.mentions_in(start, end)
                  if m.kind == QUANTITY and m.value and m.value > (part.value or 0)]
        if not wholes:
            continue
        ratios = [100 * (part.value or 0) / (w.value or 1) for w in wholes]
        found = [agreement(r, mention) for r in ratios]
        if Agreement.agrees in found:
            continue
        best = found.index(Agreement.rounding) if Agreement.rounding in found else 0
        whole, ratio = wholes[best], ratios[best]
        flags.append(ctx.flag(
            li, "value", "arithmetic.percent_mismatch", SEVERITY[found[best]],
            f"{mention.text} does not match {part.text} of {whole.text} "
            f"({ratio:.2f}%){rounding_note(found[best])}.",
            [li.value_span, ctx.mention_span(part), ctx.mention_span(whole)],
            arithmetic=f"{part.text} / {whole.text} = {percent_text(ratio)}, not "
            f"{mention.text}"))
    return flags


def _share_over_whole(ctx: ArticleContext, li: LocatedItem, part: NumberMention, start: int,
                      end: int) -> Flag | None:
    """A share above 100 % that is its part over a smaller whole of the same sentence ('Dari
    1.080 baduta yang diukur, 1.230 anak atau 113,9 persen'): the arithmetic holds, but a part
    cannot be larger than its whole, so one of the two counts is wrong."""
    mention = li.mention
    if mention is None or (mention.value or 0) <= 100:
        return None
    for whole in ctx.mentions_in(start, end):
        if whole.kind != QUANTITY or not whole.value or whole.value >= (part.value or 0):
            continue
        ratio = 100 * (part.value or 0) / whole.value
        if agreement(ratio, mention) is not Agreement.agrees:
            continue
        return ctx.flag(
            li, "value", "arithmetic.part_above_whole", Severity.error,
            f"{mention.text} is {part.text} of {whole.text}: a part larger than its whole, so "
            "one of the two counts is wrong.",
            [li.value_span, ctx.mention_span(part), ctx.mention_span(whole)],
            arithmetic=f"{part.text} / {whole.text} = {percent_text(ratio)} > 100%")
    return None


def _range_flags(ctx: ArticleContext) -> list[Flag]:
    flags = []
    for li in ctx.items:
        if isinstance(li.item, Target) and li.value is not None and li.value_max is not None \
                and li.value > li.value_max:
            flags.append(ctx.flag(
                li, "value_max", "arithmetic.range_unordered", Severity.error,
                f"The range runs backwards: from {describe(li.value)} down to "
                f"{describe(li.value_max)}.", [li.value_span]))
    return flags


def check_arithmetic(ctx: ArticleContext) -> list[Flag]:
    return _parts_flags(ctx) + _percent_flags(ctx) + _range_flags(ctx)
