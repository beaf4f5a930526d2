"""Totals: the parts an article lists must add up to the total it gives, shares of one whole
must not add up to more than 100 %, and a figure for a whole breakdown must not be reported as
one of its groups. These read the text itself, not only the extracted items: an amount the
extraction did not keep, or a row of a table no item names by its place, still makes
"Rp8,75 miliar itu terbagi untuk ... Rp3,1 miliar, ... Rp2,4 miliar, serta ... Rp2,8 miliar"
an error an analyst must see.

- Money: a sentence with a word of breakdown ("terdiri dari", "terbagi untuk", "dengan
  rincian") gives the total before it and the parts after it (or, when it ends in a colon, in
  the list rows below); a sentence with a word of total ("total", "jumlah") right before an
  amount gives the parts before it. A sentence opening a breakdown with no amount before its
  word ("Kepala Bappeda merinci Dinas Kesehatan mendapat Rp 6,2 miliar, ...", the
  money_breakdown_words too) breaks down the last amount of its own paragraph or the one before
  ("Pemkot mengalokasikan anggaran Rp 12,5 miliar ... Dana itu tersebar di tiga perangkat
  daerah."). Amounts may be written in different scales (juta and
  miliar): the sums are of values. A list that says it names only some ("antara lain",
  "tertinggi") is left alone.
- Shares: the percentages after a word of breakdown, or after "dari <whole> ...," (not where a
  change starts), are shares of one whole.
- Counts a sentence breaks down after a word of breakdown ("tercatat 1.087 anak, meliputi
  Kecamatan Timur 312 anak, ..."): the total before the word, the parts after it, all counting
  the same noun.
- Counts listed as rows below a line ending in a colon ("Kecamatan Banjarsari: 212 balita")
  against the total the sentence right after them gives for the same group: it names the rows'
  head word with a word pointing back and a word of total ("kecamatan prioritas itu secara
  keseluruhan menyumbang 914 balita"). A total for the whole region ("Secara keseluruhan ada
  1.482 balita stunting di Kabupaten Ciamis") names no such group and is not compared. A table's
  own total row ("Total lima kecamatan | 845") totals the rows above it, and a count given
  before the rows for as many places as there are rows ("1.540 balita stunting di lima
  kecamatan prioritas" above five kecamatan rows) is theirs.
- A subset reported as the whole: "30 balita stunting menerima PMT" where a breakdown elsewhere
  gives 12 balita stunting, 10 balita gizi kurang and 8 balita berat badan kurang (= 30): the 30
  carries a word that names only one of the groups.

The rounding rule is ``tolerance``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmextract.checks.context import ArticleContext, LocatedItem, span
from llmextract.checks.tolerance import (
    SEVERITY,
    Agreement,
    agreement,
    rounding_note,
    step,
    written_like,
)
from llmextract.models import Flag, Span
from llmextract.text.layout import TABLE_ROW, header_cell, is_list_row, is_table_head
from llmextract.text.numbers import MONEY, PERCENT, QUANTITY, NumberMention
from llmextract.vocabulary import holds_any, phrase_windows

_WORD = re.compile(r"[^\W\d_]+")
_LABEL_WORDS = 4  # a group's label: at most this many words after its number
_PHRASE_WORDS = 3  # what a figure counts: the words right after it


@dataclass(frozen=True)
class _Breakdown:
    """A total and its parts as the text lists them."""

    total: NumberMention | None
    parts: list[NumberMention]
    marker: tuple[int, int]


def _sentence(ctx: ArticleContext, offset: int) -> tuple[int, int]:
    start, end = ctx.sentence_range(offset)
    line_start, line_end = ctx.line_range(offset)
    return max(start, line_start), min(end, line_end)


def _rows_below(ctx: ArticleContext, end: int) -> tuple[int, int] | None:
    """The list rows right after a line ending at ``end`` in a colon (blank lines between
    them and it skipped, as ``text.layout.list_intro`` does, and a table's header and rule)."""
    if not ctx.text[:end].rstrip().endswith(":"):
        return None
    pos = end + 1
    while ctx.text.startswith("\n", pos):
        pos += 1
    while pos < len(ctx.text) and is_table_head(ctx.text[pos:(stop := ctx.line_range(pos)[1])]):
        pos = stop + 1
    start = pos
    while pos < len(ctx.text):
        line_end = ctx.line_range(pos)[1]
        if not is_list_row(ctx.text[pos:line_end]):
            break
        pos = line_end + 1
    return (start, pos) if pos > start else None


# How far up the amount a breakdown with none of its own breaks down may be: the paragraph
# before, or the one above a paragraph without any amount ('... anggaran sebesar Rp4,5 miliar
# ...' / a quote of the Bupati / 'Dalam paparan Bappeda, anggaran itu dirinci ...': blind14 010).
_PARAGRAPHS_BACK = 3


def _paragraph_before(ctx: ArticleContext, offset: int) -> int:
    """Where the paragraph before the one holding ``offset`` starts: an amount whose breakdown
    a sentence opens with no amount of its own ('Kepala Bappeda merinci Dinas Kesehatan
    mendapat Rp 6,2 miliar, ...') was given there or earlier in the sentence's own paragraph."""
    line_start, _ = ctx.line_range(offset)
    above = len(ctx.text[:line_start].rstrip())
    return ctx.text.rfind("\n", 0, above) + 1


def _amounts_above(ctx: ArticleContext, start: int) -> list[NumberMention]:
    """The amounts before ``start`` in its paragraph and the nearest paragraph above that has
    any, at most ``_PARAGRAPHS_BACK`` up: what a breakdown with no amount of its own breaks
    down."""
    above, found = start, []
    for _ in range(_PARAGRAPHS_BACK):
        above = _paragraph_before(ctx, above)
        found = _of(ctx, MONEY, above, start)
        if found:
            break
    return found


def _of(ctx: ArticleContext, kind: str, start: int, end: int) -> list[NumberMention]:
    return [m for m in ctx.mentions_in(start, end) if m.kind == kind and m.value]


_KINDS = (MONEY, PERCENT, QUANTITY)


def _breakdowns(ctx: ArticleContext) -> dict[str, list[_Breakdown]]:
    """Every breakdown, by the kind of its mentions: after a word of breakdown, or before a word
    of total. The article is scanned for these words once for all kinds."""
    vocab, lowered = ctx.vocab, ctx.lowered
    found: dict[str, list[_Breakdown]] = {kind: [] for kind in _KINDS}
    values = [m.start for m in ctx.mentions if m.kind in found and m.value]
    if not values:
        return found  # no part to list, no total to give
    # A word of breakdown after the last number lists no part: it is not looked for there.
    windows = phrase_windows(lowered, vocab.breakdown_heads, vocab.breakdown_head_reach,
                             values[-1])
    markers: list[tuple[re.Match[str], tuple[str, ...]]] = [
        (m, _KINDS) for start, end in windows
        for m in vocab.breakdown.finditer(lowered, start, end)]
    if any(m.kind == MONEY for m in ctx.mentions) \
            and holds_any(lowered, vocab.money_breakdown_keys):  # the mentions first: cheaper
        markers += [(m, (MONEY,)) for m in vocab.money_breakdown.finditer(lowered)]
    for marker, kinds in markers:
        start, end = _sentence(ctx, marker.start())
        rows = _rows_below(ctx, end)
        for kind in kinds:
            parts = _of(ctx, kind, marker.end(), end) + (_of(ctx, kind, *rows) if rows else [])
            if not parts or vocab.partial.search(lowered, marker.start(), parts[-1].end):
                continue
            before = _of(ctx, kind, start, marker.start())
            if not before and kind == MONEY:
                before = _amounts_above(ctx, start)
            found[kind].append(_Breakdown(before[-1] if before else None, parts,
                                          (marker.start(), marker.end())))
    for total, (at, word) in zip(ctx.mentions, ctx.words_before, strict=True):
        if total.kind not in found or not total.value:
            continue
        if word not in vocab.total_words:
            continue
        start, _ = _sentence(ctx, at)
        parts = _of(ctx, total.kind, start, at)
        if parts and not vocab.partial.search(lowered, start, at):
            found[total.kind].append(_Breakdown(total, parts, (at, at + len(word))))
    return found


def _item_at(ctx: ArticleContext, mention: NumberMention | None) -> LocatedItem | None:
    if mention is None:
        return None
    return next((li for li in ctx.items if li.value_span is not None
                 and li.value_span.start <= mention.start
                 and mention.end <= li.value_span.end), None)


def _spans(*mentions: NumberMention) -> list[Span]:
    return [span(m.start, m.end) for m in mentions]


def _listed_flags(ctx: ArticleContext, breakdowns: list[_Breakdown], *, counts: bool,
                  ) -> list[Flag]:
    """Parts a sentence lists that must add up to the total before them: amounts of money, in
    any scale, or, with ``counts``, counts ('tercatat 1.087 anak, meliputi Kecamatan A 312
    anak, Kecamatan B 245 anak, ...'). Only with two parts or more, each smaller than the
    total, and counts only when the total and every part count the same noun: '1.087 balita,
    terdiri dari 600 anak laki-laki ...' may count another way, and is left alone."""
    flags, seen = [], set()
    for found in breakdowns:
        total, parts = found.total, found.parts
        if total is None or len(parts) < 2 or (total.start, total.end) in seen:
            continue
        noun = _noun(ctx, total) if counts else None
        if (counts and noun is None) or any(
                (p.value or 0.0) >= (total.value or 0.0) or (counts and _noun(ctx, p) != noun)
                for p in parts):
            continue
        seen.add((total.start, total.end))
        if counts:
            kind, what = "totals.parts_do_not_sum", f"The {len(parts)} counts"
        else:
            kind, what = "totals.money_parts_do_not_sum", "The amounts"
        flags += _sum_flag(ctx, total, parts, kind,
                           f"{what} listed as parts of {total.text} add up to something else")
    return flags


def _sum_flag(ctx: ArticleContext, total: NumberMention, parts: list[NumberMention], kind: str,
              saying: str) -> list[Flag]:
    """The flag, if any, for ``parts`` that do not add up to ``total`` (tolerance's rule)."""
    summed = sum(p.value or 0.0 for p in parts)
    verdict = agreement(summed, total)
    if verdict is Agreement.agrees:
        return []
    addition = " + ".join(p.text for p in parts)
    result = written_like(summed, total, ctx.vocab.scales)
    item = _item_at(ctx, total)
    return [ctx.flag(
        item, "value" if item else "text", kind, SEVERITY[verdict],
        f"{saying}: {addition} = {result}, not {total.text}{rounding_note(verdict)}.",
        _spans(total, *parts), arithmetic=f"{addition} = {result}, not {total.text}")]


def _share_flags(ctx: ArticleContext, breakdowns: list[_Breakdown]) -> list[Flag]:
    flags, runs = [], [b.parts for b in breakdowns]
    vocab, lowered = ctx.vocab, ctx.lowered
    by_sentence: dict[tuple[int, int], int] = {}
    for mention in ctx.mentions:
        if mention.kind == PERCENT:
            where = _sentence(ctx, mention.start)
            by_sentence[where] = by_sentence.get(where, 0) + 1
    for (start, end), count in by_sentence.items():
        if count < 2:
            continue
        for match in vocab.change_from.finditer(lowered, start, end):
            if vocab.down.search(lowered, start, match.start()) or \
                    vocab.up.search(lowered, start, match.start()):
                continue  # 'turun dari 250 kasus, ...': where a change starts, not a whole
            whole = _of(ctx, QUANTITY, match.end(), end)
            comma = ctx.text.find(",", match.end(), end)
            if whole and whole[0].start == match.end() + 1 and comma > whole[0].end and \
                    not _of(ctx, PERCENT, match.end(), comma):
                runs.append(_of(ctx, PERCENT, comma, end))
        for match in vocab.share_whole.finditer(lowered, start, end):
            pointer = _WORD.match(lowered, match.end() + 1)
            comma = ctx.text.find(",", match.end(), end)
            if pointer and pointer.group() in vocab.back_references:
                # 'dari jumlah itu sebanyak 45 persen ..., 38 persen ...': the whole named before
                runs.append(_of(ctx, PERCENT, pointer.end(), end))
            elif comma > 0 and not _of(ctx, PERCENT, match.end(), comma):
                runs.append(_of(ctx, PERCENT, comma, end))
    seen = set()
    for shares in runs:
        shares = [s for s in shares if not _changed(ctx, s)]
        key = tuple((s.start, s.end) for s in shares)
        if len(shares) < 2 or key in seen:
            continue
        seen.add(key)
        summed = sum(s.value or 0.0 for s in shares)
        slack = sum(step(s) for s in shares) / 2
        if summed <= 100 + slack + 1e-9:
            continue
        addition = " + ".join(s.text for s in shares)
        total = f"{summed:.1f}".replace(".", ",").removesuffix(",0")
        flags.append(ctx.flag(
            _item_at(ctx, shares[0]), "value" if _item_at(ctx, shares[0]) else "text",
            "totals.shares_over_100", SEVERITY[Agreement.differs],
            f"Shares of one whole add up to more than all of it: {addition} = {total} %.",
            _spans(*shares), arithmetic=f"{addition} = {total} % > 100 %"))
    return flags


def _changed(ctx: ArticleContext, mention: NumberMention) -> bool:
    """A percentage right after a word of change is a change, not a share."""
    before = ctx.lowered[max(0, mention.start - 24):mention.start]
    return bool(ctx.vocab.down.search(before) or ctx.vocab.up.search(before))


def _label(ctx: ArticleContext, mention: NumberMention, limit: int, *,
           joined: bool = False) -> list[str]:
    """The words after a number up to a comma, another number or (unless ``joined``: the
    whole is 'baduta dan balita') a list word."""
    end = mention.end
    stop = len(ctx.text)
    for mark in (",", ";", ".", "\n", "("):
        where = ctx.text.find(mark, end, min(stop, end + 80))
        stop = where if where >= 0 else stop
    words: list[str] = []
    for word in _WORD.finditer(ctx.lowered, end, min(stop, end + 80)):
        if len(words) >= limit:
            break
        if word.group() in ctx.vocab.list_words:
            if joined:
                continue
            break
        if ctx.mentions_in(word.start(), word.end()):
            break
        words.append(word.group())
    return words


def _subset_flags(ctx: ArticleContext, breakdowns: list[_Breakdown]) -> list[Flag]:
    flags = []
    for found in breakdowns:
        parts = found.parts
        if len(parts) < 2:
            continue
        labels = [set(_label(ctx, p, _LABEL_WORDS)) for p in parts]
        if not all(labels):
            continue
        summed = sum(p.value or 0.0 for p in parts)
        own = [lab - set().union(*(o for o in labels if o is not lab)) for lab in labels]
        for whole in ctx.mentions:
            if whole.kind != QUANTITY or whole.value != summed or whole in parts \
                    or found.marker[0] <= whole.start < found.marker[1]:
                continue
            said = set(_label(ctx, whole, _PHRASE_WORDS, joined=True))
            named = [n for n, words in enumerate(own) if words & said]
            if len(named) != 1:
                continue
            part, word = parts[named[0]], sorted(own[named[0]] & said)[0]
            addition = " + ".join(f"{p.text} {' '.join(_label(ctx, p, _LABEL_WORDS))}"
                                  for p in parts)
            phrase = f"{whole.text} {' '.join(_label(ctx, whole, _PHRASE_WORDS, joined=True))}"
            item = _item_at(ctx, whole)
            flags.append(ctx.flag(
                item, "value" if item else "text", "totals.subset_as_whole",
                SEVERITY[Agreement.differs],
                f"'{phrase}' counts the whole of the article's breakdown, {addition} = "
                f"{whole.text}, of which only {part.text} are '{word}'.", _spans(whole, *parts),
                arithmetic=f"{addition} = {whole.text}; only {part.text} are '{word}'"))
    return flags


@dataclass(frozen=True)
class _Rows:
    """The counts of list rows: the first cell of their table's header when it names a kind of
    place ('Kecamatan | Balita stunting': rows 'Medan Belawan', 'Medan Deli' share a word of
    their names, not their kind), else the labels' first word when they share it ('Kecamatan
    Banjarsari: 212 balita'); the noun they count; the counts; whether the last
    row is the others' total ('Total lima kecamatan | 845')."""

    head: str | None
    noun: str | None
    counts: list[NumberMention]
    total_row: bool


def _row_counts(ctx: ArticleContext, start: int, end: int) -> _Rows | None:
    """The count of each list row in ``[start, end)`` when every row holds one after its label
    and counts the same noun."""
    first_line, heads, nouns, counts = start, set(), set(), []
    labels: list[str] = []
    for line in ctx.text[start:end].splitlines(keepends=True):
        label = TABLE_ROW.match(line)  # the count after the label ('lainnya (sembilan ...)')
        found = _of(ctx, QUANTITY, start + label.end(), start + len(line)) if label else []
        start += len(line)
        if label is None or len(found) != 1 or not label["label"].split():
            return None
        labels.append(label["label"].split()[0].lower())
        nouns.add(_noun(ctx, found[0]))
        counts.append(found[0])
    if len(counts) < 2 or len(nouns) != 1:
        return None
    total_row = labels[-1] in ctx.vocab.total_words and len(counts) >= 3
    heads = set(labels[:-1] if total_row else labels)
    head = _header_head(ctx, first_line) or (heads.pop() if len(heads) == 1 else None)
    return _Rows(head, nouns.pop(), counts, total_row)


def _header_head(ctx: ArticleContext, row_start: int) -> str | None:
    """The first word of the header of the table whose row starts at ``row_start``, when it
    names a kind of place inside the region ('Kecamatan')."""
    cell = header_cell(ctx.text, row_start)
    word = cell.split()[0].lower() if cell else None
    return word if word in ctx.vocab.subregion_heads else None


def _noun(ctx: ArticleContext, mention: NumberMention) -> str | None:
    word = _WORD.match(ctx.lowered, mention.end + 1)
    return word.group() if word and ctx.lowered[mention.end:mention.end + 1] == " " else None


def _rows_total(ctx: ArticleContext, rows_end: int, head: str, noun: str | None,
                largest: float) -> NumberMention | None:
    """The total the sentence right after list rows gives for them: its first count of their
    noun, larger than every row, after their head word, a word pointing back ('itu') and a word
    of total ('secara keseluruhan'): 'kecamatan prioritas itu secara keseluruhan menyumbang 914
    balita'. A sentence saying it names only some ('tertinggi') gives none."""
    after = len(ctx.text) - len(ctx.text[rows_end:].lstrip())
    if after >= len(ctx.text):
        return None
    start, end = _sentence(ctx, after)
    vocab = ctx.vocab
    for total in _of(ctx, QUANTITY, start, end):
        if (total.value or 0.0) <= largest or (noun and _noun(ctx, total) != noun):
            continue
        said = set(_WORD.findall(ctx.lowered, start, total.start))
        if head in said and said & vocab.back_references and said & vocab.total_words \
                and not vocab.partial.search(ctx.lowered, start, total.start):
            return total
        return None
    return None


def _rows_flags(ctx: ArticleContext) -> list[Flag]:
    """Counts listed as rows below a line ending in a colon, against the total the sentence
    right after them gives for the same group. Only articles with such a line are read."""
    flags, text = [], ctx.text
    colon = text.find(":\n")
    while colon >= 0:
        rows = _rows_below(ctx, colon + 1)
        colon = text.find(":\n", colon + 2)
        if rows is None:
            continue
        listed = _row_counts(ctx, *rows)
        if listed is None:
            continue
        head, noun, parts = listed.head, listed.noun, listed.counts
        if listed.total_row:
            own, parts = parts[-1], parts[:-1]
            flags += _sum_flag(ctx, own, parts, "totals.parts_do_not_sum",
                               f"The {len(parts)} rows listed do not add up to their total row, "
                               f"{own.text}")
            continue
        largest = max(p.value or 0.0 for p in parts)
        total = None if head is None else _rows_total(ctx, rows[1], head, noun, largest)
        if total is not None:
            flags += _sum_flag(ctx, total, parts, "totals.parts_do_not_sum",
                               f"The {len(parts)} rows listed do not add up to the {total.text} "
                               "given for them after the list")
        elif (whole := _whole_of_rows(ctx, rows, noun, parts)) is not None:
            flags += _sum_flag(ctx, whole, parts, "totals.parts_do_not_sum",
                               f"The {len(parts)} rows listed, the last for the rest, do not add "
                               f"up to the {whole.text} the article gives before them")
        elif head is not None and (whole := _whole_for_as_many(ctx, rows, head, noun, parts)):
            flags += _sum_flag(ctx, whole, parts, "totals.parts_do_not_sum",
                               f"The {len(parts)} rows listed do not add up to the {whole.text} "
                               f"the article gives for its {len(parts)} {head}")
    return flags


def _whole_for_as_many(ctx: ArticleContext, rows: tuple[int, int], head: str,
                       noun: str | None, parts: list[NumberMention]) -> NumberMention | None:
    """The count the article gives before the rows for as many places of their kind as there
    are rows ('1.540 balita stunting di lima kecamatan prioritas' above five kecamatan rows):
    the nearest one larger than every row, of their noun, in a sentence naming the number of
    rows right before their head word. None when that sentence or the line before the rows
    says it names only some ('tertinggi')."""
    if ctx.vocab.partial.search(ctx.lowered, *ctx.line_range(rows[0] - 2)):
        return None
    largest = max(p.value or 0.0 for p in parts)
    for whole in reversed(_of(ctx, QUANTITY, 0, rows[0])):
        if (whole.value or 0.0) <= largest or (noun is not None and _noun(ctx, whole) != noun):
            continue
        start, end = _sentence(ctx, whole.start)
        if ctx.vocab.partial.search(ctx.lowered, start, end):
            continue
        if any(m.value == len(parts) and _noun(ctx, m) == head
               for m in _of(ctx, QUANTITY, start, end)):
            return whole
    return None


def _whole_of_rows(ctx: ArticleContext, rows: tuple[int, int], noun: str | None,
                   parts: list[NumberMention]) -> NumberMention | None:
    """Rows whose last one is for the rest ('Kecamatan lainnya (sembilan kecamatan): 201 anak')
    cover the whole, so they must add up to a count of their noun the article gave before them
    ('balita stunting ... sebanyak 1.482 anak'). Of those counts, the one nearest the sum is the
    whole; none when one agrees or the line before the rows says it names only some."""
    last = ctx.lowered[parts[-1].start - 1::-1].split("\n", 1)[0][::-1]
    if not set(_WORD.findall(last)) & ctx.vocab.remainder_words:
        return None
    intro = ctx.line_range(rows[0] - 2)
    if ctx.vocab.partial.search(ctx.lowered, *intro):
        return None
    summed, largest = sum(p.value or 0.0 for p in parts), max(p.value or 0.0 for p in parts)
    wholes = [m for m in _of(ctx, QUANTITY, 0, rows[0])
              if (m.value or 0.0) > largest and (noun is None or _noun(ctx, m) == noun)]
    if not wholes or any(agreement(summed, m) is Agreement.agrees for m in wholes):
        return None
    return min(wholes, key=lambda m: abs((m.value or 0.0) - summed))


def check_totals(ctx: ArticleContext) -> list[Flag]:
    found = _breakdowns(ctx)
    return (_listed_flags(ctx, found[MONEY], counts=False) + _share_flags(ctx, found[PERCENT])
            + _listed_flags(ctx, found[QUANTITY], counts=True)
            + _subset_flags(ctx, found[QUANTITY]) + _rows_flags(ctx))
