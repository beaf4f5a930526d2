"""Arithmetic: parts must add up to their total, a percentage must equal part / whole, and a
range must run from low to high.

Parts and total are recognised from the extraction itself: indicators of one period that
measure the same thing ("... didampingi") once their population words are removed, where each
part names its own population. The largest is the total; the others must sum to it exactly.
The seed article 002 fails this honestly (99 + 1.022 + 560 + 2.756 = 4.437, not 6.160): the
flag is about the source, and the reviewer must see it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from llmextract.checks.context import ArticleContext, LocatedItem, describe, vocabulary
from llmextract.models import Flag, Indicator, Severity, Target
from llmextract.numbers import PERCENT, QUANTITY

_BRACKETS = re.compile(r"\([^)]*\)")
_PERCENT_AFTER_PART = 30  # '30.980 keluarga (10,6%)': the share follows its part closely


@lru_cache(maxsize=4096)
def measure_key(name: str, population: str | None) -> str:
    """What is measured, without who: 'ibu hamil (bumil) didampingi' -> 'didampingi'."""
    key = _BRACKETS.sub(" ", name.lower())
    if population:
        for word in re.split(r"[,;()]|\s+dan\s+", population.lower()):
            if word.strip():
                key = re.sub(rf"(?<!\w){re.escape(word.strip())}(?!\w)", " ", key)
    key = vocabulary().populations.sub(" ", key)
    return " ".join(w for w in key.split() if w not in {"dan", "jumlah", "total"})


def _parts_flags(ctx: ArticleContext) -> list[Flag]:
    groups: dict[tuple[str, str], list[LocatedItem]] = defaultdict(list)
    for li in ctx.items:
        item = li.item
        if isinstance(item, Indicator) and li.value is not None and not item.approximate:
            key = measure_key(item.name, item.population)
            if key:
                groups[(key, (item.period or "").strip().lower())].append(li)
    flags = []
    for (key, _), members in groups.items():
        if len(members) < 3:
            continue
        members = sorted(members, key=lambda li: li.value or 0.0, reverse=True)
        total, parts = members[0], members[1:]
        populations = [(p.item.population or "").strip().lower() for p in parts]  # type: ignore[union-attr]
        total_population = (total.item.population or "").strip().lower()  # type: ignore[union-attr]
        if (not all(populations) or len(set(populations)) != len(populations)
                or total_population in populations or (total.value or 0) <= (parts[0].value or 0)):
            continue
        summed = sum(p.value or 0.0 for p in parts)
        if abs(summed - (total.value or 0.0)) > 1e-6 * max(1.0, abs(summed)):
            in_order = sorted(parts, key=lambda p: p.value_span.start if p.value_span else 0)
            written = " + ".join(p.value_text or describe(p.value) for p in in_order)
            flags.append(ctx.flag(
                total, "value", "arithmetic.parts_do_not_sum", Severity.warning,
                f"The parts of '{total.name}' do not add up: {written} = {describe(summed)}, "
                f"but the total given is {total.value_text or describe(total.value)}.",
                [total.value_span, *(p.value_span for p in parts)]))
    return flags


def _decimals(written: str) -> int:
    digits = re.search(r"[0-9]+(?:[.,][0-9]+)?", written)
    if not digits or not re.search(r"[.,]", digits.group()):
        return 0
    return len(re.split(r"[.,]", digits.group())[-1])


def _percent_flags(ctx: ArticleContext) -> list[Flag]:
    flags = []
    for li in ctx.items:
        mention = li.mention
        if mention is None or mention.kind != PERCENT or mention.value is None:
            continue
        sentence = ctx.sentence_of(mention.start)
        counts = [m for m in ctx.mentions_in(sentence.start, sentence.end)
                  if m.kind == QUANTITY and m.value and m.end <= mention.start]
        if not counts or mention.start - counts[-1].end > _PERCENT_AFTER_PART:
            continue
        part = counts[-1]
        wholes = [m for m in ctx.mentions_in(sentence.start, sentence.end)
                  if m.kind == QUANTITY and m.value and m.value > (part.value or 0)]
        if not wholes:
            continue
        tolerance = 0.5 * 10 ** -_decimals(mention.text) + 1e-9
        ratios = [100 * (part.value or 0) / (w.value or 1) for w in wholes]
        if any(abs(r - mention.value) <= tolerance for r in ratios):
            continue
        whole = wholes[0]
        flags.append(ctx.flag(
            li, "value", "arithmetic.percent_mismatch", Severity.warning,
            f"{mention.text} does not match {part.text} of {whole.text} "
            f"({ratios[0]:.2f}%).", [li.value_span, ctx.mention_span(part),
                                     ctx.mention_span(whole)]))
    return flags


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
