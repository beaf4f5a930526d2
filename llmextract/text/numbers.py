"""Reading numbers the way an Indonesian article writes them.

Every number mention in an article, with its span and normalized value, so that a check can ask
"does the article say 292.095?" and "is this 2024 a year or a count?". Indonesian convention
comes first: a dot groups thousands (``292.095`` = 292095) and a comma is the decimal point
(``10,6`` = 10.6). English forms are read when they cannot be Indonesian (``10.6%``,
``1,234,567``). A form that is valid both ways is marked ``ambiguous`` with the choice written
in ``note``: ``1.725`` is read the Indonesian way (1725); ``1,725`` as a count is read as English
thousands (a count with three decimals is unlikely), as a percentage or before a scale word as
the Indonesian decimal.

Dates, times, years and periods are mentions of their own kind, so that a day of the month or
the minutes of a timestamp are never mistaken for quantities; the digits of a code (P3AKB,
COVID-19, the letter number 440/123/2024, a run of four numbers joined by hyphens or by colons)
are no mention at all.

All language words (number words, scale words, hedges, months...) come from
``prompts/vocab/id.yaml``. Matching is done by regular expressions with no nested repetition
that can fail after a long run, and every look-around is bounded, so parsing stays linear even
on a megabyte of digits and dots. A cheap scan finds where a mention can start (a digit or a
number-ish word at a word boundary); the full pattern is tried only there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, NamedTuple

from llmextract.resources import DEFAULT_LANGUAGE, load_vocab
from llmextract.text.casing import lower_same_length
from llmextract.text.words import phrases_alternation as _phrases
from llmextract.text.words import word_trie


class NumberKind(str, Enum):
    """What a number mention is. A ``str`` whose text is its value, so mentions compare with
    and print as the plain words records, flags and messages have always used."""

    quantity = "quantity"
    percent = "percent"
    money = "money"
    range = "range"
    date = "date"
    time = "time"
    year = "year"
    ordinal = "ordinal"
    zero_target = "zero_target"
    period = "period"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


QUANTITY, PERCENT, MONEY, RANGE = (NumberKind.quantity, NumberKind.percent, NumberKind.money,
                                   NumberKind.range)
DATE, TIME, YEAR, PERIOD = NumberKind.date, NumberKind.time, NumberKind.year, NumberKind.period
ORDINAL, ZERO_TARGET = NumberKind.ordinal, NumberKind.zero_target
# The one unit a percentage is recorded in, whatever the article wrote (%, persen, prosen).
PERCENT_UNIT = "persen"
# The one unit an amount of money is recorded in (Rp, rupiah).
MONEY_UNIT = "rupiah"

CALENDAR_KINDS = frozenset({DATE, TIME, YEAR, PERIOD})
VALUE_KINDS = frozenset({QUANTITY, PERCENT, MONEY, RANGE, ZERO_TARGET, ORDINAL})
MAX_DIGITS = 30  # longer digit runs are not quantities (and int() refuses very long strings)
MAX_NUMBER_WORDS = 12  # 'dua ratus tiga puluh lima ribu ...' never runs longer
_CALENDAR_GROUPS = {"time": TIME, "date_num": DATE, "date_words": DATE, "period": PERIOD}
_DATE_SEPARATOR = re.compile(r"[/.-]")
_CLOCK = re.compile(r"[0-9]{1,2}(?:[:.][0-9]{2})*")
# A code or a letter number, skipped whole (a date or a time was matched before): two more
# numbers after a number, each after a slash ('440/123/2024'), or three more, each after a
# hyphen or each after a colon, with no space ('978-602-8519-93-9', '1:2:3:4'). Shorter runs
# stay numbers: '1/3', '1-2 juta', '2:1', and a phone number '0812-3344-5566', which the
# candidates set aside by name. A class runs to the end: a repeated group is 20x slower on
# '1/1/1/...', and reading each number of '1-1-1-...' as a mention cost 5 microseconds a
# character.
_CHAIN = re.compile(r"(?:/[0-9][0-9.,]*){2}[0-9.,/]*|(?:-[0-9][0-9.,]*){3}[0-9.,-]*"
                    r"|(?::[0-9][0-9.,]*){3}[0-9.,:]*")
_CHAIN_STARTS = frozenset("/-:")
# After a number (``_token_after``): at most four spaces, then what may be its word.
_AFTER = re.compile(r"[ \t\u00a0]{0,4}([\w./]{0,12})")


class NumberMention(NamedTuple):
    """One number in the text. ``value`` is the normalized number (lower bound of a range);
    dates, times and periods have ``value`` None and their reading in ``note``. A named tuple,
    not a frozen dataclass: an article has dozens and a tuple is built four times faster."""

    start: int
    end: int
    text: str
    value: float | None
    value_max: float | None
    kind: str
    unit: str | None
    hedge: str | None
    ambiguous: bool
    note: str | None

    @property
    def approximate(self) -> bool:
        """Hedged by sekitar, lebih dari, hampir, kurang dari... (not by 'mencapai')."""
        return self.hedge is not None and _grammar().hedge_is_approximate(self.hedge)


def _words(words: Any) -> str:
    """Whole-word alternation (phrases may start or end with punctuation such as ``%``)."""
    return rf"(?:(?<!\w)(?:{_phrases(words)})(?!\w))"


class _Grammar:
    """The compiled patterns built from ``id.yaml``; built once per process."""

    def __init__(self, vocab: Mapping[str, Any]) -> None:
        nw = vocab["number_words"]
        self.digit_words: dict[str, int] = {k.lower(): int(v) for k, v in nw["digits"].items()}
        self.fixed_words: dict[str, int] = {k.lower(): int(v) for k, v in nw["fixed"].items()}
        self.teen, self.tens, self.hundreds = nw["teen"], nw["tens"], nw["hundreds"]
        self.decimal_point = nw["decimal_point"]
        self.scales: dict[str, float] = {
            k.lower(): float(v) for k, v in vocab["scale_words"].items()}
        self.ordinals: dict[str, int] = {
            k.lower(): int(v) for k, v in vocab["ordinal_words"].items()}
        self.months: dict[str, int] = {k.lower(): int(v) for k, v in vocab["months"].items()}
        self.period_numbers: dict[str, int] = {
            str(k).lower(): int(v) for k, v in vocab["period_numbers"].items()}
        self.hedges: dict[str, str] = {k.lower(): v for k, v in vocab["hedges"].items()}
        self.year_min, self.year_max = (int(y) for y in vocab["year_range"])
        self.fractions: dict[str, float] = {k.lower(): _share(v)
                                            for k, v in vocab["fraction_words"].items()}
        self.durations = frozenset(w.lower() for w in vocab["duration_words"])
        i = re.IGNORECASE

        scale_word_names = [w for w in self.scales if len(w) > 2]
        word_alt = _phrases([*self.digit_words, *self.fixed_words, self.teen, self.tens,
                             self.hundreds, self.decimal_point, *scale_word_names])
        word = rf"(?:{word_alt})(?!\w)"
        month = _words(self.months)
        self.digit_forms, self.word_forms = _master_patterns(
            vocab, word, month, _words(self.period_numbers), _words(self.ordinals),
            _words(self.fractions))
        first_words = [p.split()[0] for p in [
            *self.fractions,
            *self.digit_words, *self.fixed_words, *scale_word_names, *self.ordinals, *self.months,
            *vocab["days"], *vocab["period_words"], *vocab["zero_words"], *vocab["time_before"],
            *vocab["none_words"],
            vocab["ordinal_prefix"]]]
        # A candidate follows a character outside [a-z0-9_]. The scan reads the text as bytes
        # with each such character a space (``_blanked``), so that the pattern opens with a
        # literal space, which the engine skips to in a tight loop (a class was tested at every
        # character: 50 -> 43 microseconds a seed article), and a leading \b is not tried at
        # every position. Its \b is then ASCII's, a superset of the text's: the master pattern,
        # run on the text itself, decides; ``_atoms`` skips the non-ASCII letters before a
        # candidate. Digits glued to a currency word ('rp1.000') start their candidate at the
        # word. The words are blanked as the text is ("jum'at" as "jum at").
        tails = dict.fromkeys((_blanked(w.lower()) for w in first_words), r"\b")
        tails.update(dict.fromkeys((_blanked(c.lower()) for c in vocab["currency_before"]),
                                   "(?=[0-9])"))
        self.candidate = re.compile(f" {word_trie(tails, first=['[0-9]'])}".encode("latin-1"))
        self.scale_after = re.compile(rf"\s*({_phrases(self.scales)})(?!\w)", i)
        self.percent_after = re.compile(
            rf"\s*(?:%|(?:{_phrases(w for w in vocab['percent_words'] if w != '%')})(?!\w))", i)
        self.currency_before = re.compile(
            rf"(?<!\w)(?:{_phrases(vocab['currency_before'])})\.?\s*$", i)
        self.currency_after = re.compile(rf"\s+{_words(vocab['currency_after'])}", i)
        self.approximate_hedge = re.compile(
            _words(h for h, kind in self.hedges.items() if kind != "reach"), i)
        # Run on the lower-cased text: case-sensitive, its alternation is rejected on a
        # phrase's first letter at each of the 40 positions tried (IGNORECASE tried each phrase).
        self.hedge_before = re.compile(rf"(?:(?<!\w)(?:{_phrases(self.hedges)})\s+)+$")
        range_words = _phrases(vocab["range_words"])
        self.range_join = re.compile(rf"\s*(?:{range_words})\s*", i)
        self.range_join_open = re.compile(
            rf"\s*(?:{range_words}|{re.escape(vocab['range_and'])}(?!\w))\s*", i)
        self.not_numbers = re.compile(_words(vocab["not_numbers"]), i)
        # Cheap pre-checks on the word before a number; the patterns above run only on a hit.
        self.hedge_last_words = {h.split()[-1] for h in self.hedges}
        self.currency_words = {c.lower() for c in vocab["currency_before"]}
        self.range_open_word = vocab["range_open"].lower()
        self.scale_starts = set(self.scales)
        self.percent_starts = {w.split()[0].lower() for w in vocab["percent_words"]}
        self.currency_after_starts = {w.split()[0].lower() for w in vocab["currency_after"]}
        self.range_starts = {w.split()[0].lower().rstrip(".") for w in vocab["range_words"]}
        self.range_and = vocab["range_and"].lower()
        self.month_word = re.compile(month, i)
        self.small_number = re.compile(r"(?<![0-9])[0-9]{1,2}(?![0-9])")
        self.year = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
        self.period_number = re.compile(
            rf"{_words(vocab['period_words'])}\s+({_words(self.period_numbers)})", i)

    def hedge_is_approximate(self, hedge: str) -> bool:
        return self.approximate_hedge.search(hedge) is not None


# Every byte but [a-z0-9_] as a space: the candidate scan's view of the text.
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")
_BLANK = bytes(c if c in _WORD_BYTES else 32 for c in range(256))


def _blanked(text: str) -> str:
    """``text`` as the candidate scan sees it: one byte a character, every character outside
    [a-z0-9_] a space (characters past Latin-1 become '?' first, then a space)."""
    return text.encode("latin-1", "replace").translate(_BLANK).decode("latin-1")


def _share(fraction: str) -> float:
    """A fraction of the vocabulary ('1/2') as a percentage (50.0)."""
    numerator, denominator = str(fraction).split("/")
    return 100 * float(numerator) / float(denominator)


def _master_patterns(vocab: Mapping[str, Any], word: str, month: str, period_number: str,
                     ordinal: str, fraction: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One alternation for every kind of mention, tried at each candidate position; calendar
    forms come first so that the 5 of '5 Desember 2024' is never read as a count. It runs on
    lower-cased text (case-sensitive matching is much faster than IGNORECASE). Two of it, in
    the same order: the forms as they start at a digit, tried at a digit, and as they start at
    a word, tried at a word. A form with words before its digits ('pukul 09.00', 'Kamis 5
    Desember') has them at a word and not at a digit, so each position tries only what can
    start there (a form that fails costs the engine its group, look-behinds and branches)."""
    day = _words(vocab["days"])
    zone = _words(vocab["time_zones"])
    time_before = _words(vocab["time_before"])
    year4 = r"[0-9]{4}(?![0-9])"
    currency_glued = "".join(f"(?<={re.escape(c.lower())})|" for c in vocab["currency_before"])
    # 14:05 WIB, pukul 09.00, 14:05
    clock = rf"(?<![0-9.,:])[0-9]{{1,2}}[:.][0-9]{{2}}(?:[:.][0-9]{{2}})?\s*{zone}"
    hour = r"[0-9]{1,2}(?:[:.][0-9]{2})?(?![0-9])"
    bare_clock = r"(?<![0-9.,:])[0-9]{1,2}:[0-9]{2}(?![0-9:])"
    # Kamis 5 Desember 2024, 22 Juli 2025, Februari 2024
    day_month = rf"(?<![0-9])[0-9]{{1,2}}\s+{month}\.?(?:\s+{year4})?"
    at_digit = [
        rf"(?P<time>{clock}|{bare_clock})",
        # 29/07/2025, 22.07.2025, 2025-07-29
        r"(?P<date_num>(?<![0-9.,/])[0-9]{1,2}/[0-9]{1,2}/(?:[0-9]{4}|[0-9]{2})(?![0-9/])"
        r"|(?<![0-9.,])[0-9]{1,2}(?P<dsep>[.-])[0-9]{1,2}(?P=dsep)[0-9]{4}(?![0-9])"
        r"|(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9]))",
        rf"(?P<date_words>{day_month})",
        # digits: not inside a code such as P3AKB or COVID-19 (Rp1.000 is allowed)
        rf"(?P<number>(?:{currency_glued}(?<!\w))(?<![^\W\d_]-)(?<![0-9][.,])"
        r"[0-9](?:[0-9.,]*[0-9])?)",
    ]
    at_word = [
        rf"(?P<time>{time_before}\s+{clock}|{time_before}\s+{hour})",
        rf"(?P<date_words>{day},?\s+{day_month}|{month}\.?\s+{year4})",
        # Semester I Tahun 2025
        rf"(?P<period>{_words(vocab['period_words'])}\s+{period_number}"
        rf"(?:\s+(?:{_words(vocab['year_words'])}\.?\s+)?{year4})?)",
        # zero stunting, nol kasus (but not "nol koma lima", "nol persen")
        rf"(?P<zero>(?<!\w)(?:{_phrases(vocab['zero_words'])})\s+(?!{word}|%|"
        rf"{_words(vocab['percent_words'])})[^\W\d_]+)",
        # tidak ada lagi balita stunting: 0 of what follows (not before a number or percent)
        rf"(?P<none>(?<!\w)(?:{_phrases(vocab['none_words'])})(?=\s+(?!{word}|%|"
        rf"{_words(vocab['percent_words'])})[^\W\d_]))",
        rf"(?P<ordinal>{ordinal}|(?<!\w){re.escape(vocab['ordinal_prefix'])}-[0-9]+(?![0-9]))",
        rf"(?P<words>(?<!\w){word}(?:\s+{word}){{0,{MAX_NUMBER_WORDS - 1}}})",
        rf"(?P<fraction>{fraction})",
    ]
    return re.compile("|".join(at_digit)), re.compile("|".join(at_word))


@lru_cache(maxsize=4)
def _grammar(language: str = DEFAULT_LANGUAGE) -> _Grammar:
    return _Grammar(load_vocab(language))


# ---------------------------------------------------------------------------------------------
# Reading one written number


def _thousands_groups(groups: list[str]) -> bool:
    head = groups[0]
    return (1 <= len(head) <= 3 and not (head.startswith("0") and len(groups) > 1)
            and all(len(g) == 3 for g in groups[1:]))


def read_digits(written: str, *, count: bool = True) -> tuple[float | None, bool, str | None]:
    """``(value, ambiguous, note)`` for a run of digits with dots and commas.

    ``1.725`` is read the Indonesian way (1725). ``1,725`` is valid both ways too; a count
    (``count=True``: no percent or scale word follows) with three decimals is unlikely, so it is
    read as English thousands (1725), while ``1,725 persen`` or ``1,725 juta`` keep the
    Indonesian decimal comma. Either way the choice is marked ambiguous and explained."""
    if len(written) > MAX_DIGITS and (len(written) > 2 * MAX_DIGITS
                                      or sum(c.isdigit() for c in written) > MAX_DIGITS):
        return None, False, "too many digits to be a quantity"
    if written.isdigit():
        return float(int(written)), False, None
    dots, commas = written.count("."), written.count(",")
    if dots and commas:
        last = max(written.rfind("."), written.rfind(","))
        decimal, thousands = written[last], ("." if written[last] == "," else ",")
        whole, fraction = written[:last], written[last + 1:]
        groups = whole.split(thousands)
        if decimal in whole or not _thousands_groups(groups):
            return None, False, "separators do not form a number"
        value = float("".join(groups) + "." + fraction)
        note = None if decimal == "," else "English form: comma groups thousands, dot is decimal"
        return value, False, note
    sep = "." if dots else ","
    groups = written.split(sep)
    if len(groups) > 2:
        if not _thousands_groups(groups):
            return None, False, "separators do not form a number"
        note = None if sep == "." else "English form: commas group thousands"
        return float("".join(groups)), False, note
    head, tail = groups
    as_thousands = float(head + tail)
    as_decimal = float(head + "." + tail)
    if len(tail) == 3 and _thousands_groups(groups):
        if sep == ".":
            if tail == "000":
                return as_thousands, False, None
            return as_thousands, True, (
                f"read as {as_thousands:g}: a dot before three digits groups thousands in "
                f"Indonesian (English would read {written} as {as_decimal:g})")
        if count:
            return as_thousands, True, (
                f"read as {as_thousands:g}: a count with three decimals is unlikely, so the comma "
                f"is read as an English thousands separator (Indonesian would read "
                f"{written} as {as_decimal:g})")
        return as_decimal, True, (
            f"read as {as_decimal:g}: the comma is the decimal point in Indonesian "
            f"(English would read {written} as {as_thousands:g})")
    if sep == ".":
        return as_decimal, False, "English form: dot is the decimal point"
    return as_decimal, False, None


def read_number_words(words: str) -> float | None:
    """The value of a run of number words ('dua ratus tiga puluh lima' = 235), None when the
    run is not a well-formed number: each part must be smaller than the one before it, so
    'dua puluh dua puluh' or a scale word alone is refused."""
    g = _grammar()
    multipliers = {g.teen: 1, g.tens: 10, g.hundreds: 100}
    total = 0.0
    last_scale = float("inf")
    group = 0
    last_part = 1000
    pending: int | None = None
    decimals: str | None = None
    for word in words.lower().split():
        part: int | None = None
        if decimals is not None:
            if word not in g.digit_words:
                return None
            decimals += str(g.digit_words[word])
        elif word in g.digit_words:
            if pending is not None:
                return None
            pending = g.digit_words[word]
        elif word in g.fixed_words and g.fixed_words[word] < 1000:
            if pending is not None:
                return None
            part = g.fixed_words[word]
        elif word in multipliers:
            if pending is None or pending == 0:
                return None
            part = pending * multipliers[word] + (10 if word == g.teen else 0)
            pending = None
        elif word in g.scales or word in g.fixed_words:
            scale = g.scales.get(word) or float(g.fixed_words[word])
            amount = group + (pending or 0) if word in g.scales else 1
            if amount == 0 or scale >= last_scale:
                return None
            total += amount * scale
            last_scale, group, last_part, pending = scale, 0, 1000, None
        elif word == g.decimal_point:
            if pending is None and group == 0 and total == 0:
                return None
            decimals = ""
        else:
            return None
        if part is not None:
            if part >= last_part:
                return None
            group += part
            last_part = part
    if decimals == "":
        return None
    value = total + group + (pending or 0)
    return value + float("0." + decimals) if decimals else value


# ---------------------------------------------------------------------------------------------
# Finding every mention


@dataclass(slots=True)
class _Reading:
    """A number being assembled: digits or words, then scale, percent, currency, hedge."""

    start: int
    end: int
    value: float
    ambiguous: bool
    note: str | None
    unit: str | None = None
    kind: NumberKind = QUANTITY
    plain_digits: str | None = None  # the digits when written with no separator and no unit
    scale: float = 1.0
    value_max: float | None = None
    word_before: str = ""  # the word before ``start``: hedges, 'antara' and 'Rp' are read there
    token_after: str = ""  # what follows ``end``: percent, rupiah and range words are read there


def _read(text: str, atom: re.Match[str], g: _Grammar, floor: int) -> _Reading | None:
    """The number an atom writes, with what follows it (scale, percent, rupiah) and a currency
    word before it; ``floor`` is where the previous mention ended."""
    start, end = atom.span()
    before = _word_before(text, start)
    if atom.lastgroup == "number":
        written = atom.group()
        if written[0] == "0" and len(written) > 3 and written.isdigit():
            return None  # phone numbers and codes: 0812...
        after = _token_after(text, end)
        scale = g.scale_after.match(text, end) if after in g.scale_starts else None
        share = (g.percent_after.match(text, end)
                 if not scale and after in g.percent_starts else None)
        if not scale and not share and end < len(text) and text[end].isalpha():
            return None  # a code such as 3AKB or 5G, not a number
        value, ambiguous, note = read_digits(written, count=not scale and not share)
        if value is None:
            return None
        reading = _Reading(start, end, value, ambiguous, note, word_before=before)
        if written.isdigit():
            reading.plain_digits = written
        reading.token_after = after
        if scale:
            reading.scale = g.scales[scale.group(1).lower()]
            reading.value *= reading.scale
            reading.end = scale.end()
            reading.plain_digits = None
            reading.token_after = _token_after(text, reading.end)
    else:
        words_value = read_number_words(atom.group())
        if words_value is None:
            return None
        reading = _Reading(start, end, words_value, False, None, word_before=before,
                           token_after=_token_after(text, end))
    after = reading.token_after
    percent = g.percent_after.match(text, reading.end) if after in g.percent_starts else None
    if percent:
        reading.end = percent.end()
        reading.kind, reading.unit, reading.plain_digits = PERCENT, PERCENT_UNIT, None
        reading.token_after = _token_after(text, reading.end)
        return reading
    currency = (g.currency_before.search(text, max(floor, start - 8), start)
                if before in g.currency_words else None)
    if currency:
        reading.start = currency.start()
        reading.word_before = _word_before(text, reading.start)
        reading.kind, reading.unit, reading.plain_digits = MONEY, MONEY_UNIT, None
    rupiah = (g.currency_after.match(text, reading.end)
              if after in g.currency_after_starts else None)
    if rupiah:
        reading.end = rupiah.end()
        reading.kind, reading.unit, reading.plain_digits = MONEY, MONEY_UNIT, None
        reading.token_after = _token_after(text, reading.end)
    return reading


def _date_note(written: str, g: _Grammar) -> str | None:
    """ISO form of a date when its parts can be read: '2024-12-05', '2024-02'."""
    parts = _DATE_SEPARATOR.split(written)
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        if len(parts[0]) == 4:
            return written
        year = parts[2] if len(parts[2]) == 4 else "20" + parts[2]
        return f"{year}-{int(parts[1]):02d}-{int(parts[0]):02d}"
    month = g.month_word.search(written)
    year = g.year.search(written)
    if not month:
        return None
    number = g.months[" ".join(month.group().lower().split())]
    day = g.small_number.search(written, 0, month.start())
    iso = f"{year.group() if year else '????'}-{number:02d}"
    return f"{iso}-{int(day.group()):02d}" if day else iso


def _calendar(text: str, atom: re.Match[str], g: _Grammar) -> NumberMention:
    kind = _CALENDAR_GROUPS[atom.lastgroup or ""]
    written = text[atom.start():atom.end()]
    note: str | None
    if kind == TIME:
        clock = _CLOCK.search(written)
        note = clock.group().replace(".", ":") if clock else None
    elif kind == DATE:
        note = _date_note(written, g)
    else:
        number = g.period_number.search(written)
        year = g.year.search(written)
        part = g.period_numbers[number.group(1).lower()] if number else None
        note = f"part {part} of {year.group() if year else 'an unnamed year'}"
    return NumberMention(atom.start(), atom.end(), written, None, None, kind, None, None, False,
                         note)


def _is_year(reading: _Reading, g: _Grammar) -> bool:
    digits = reading.plain_digits
    return (digits is not None and len(digits) == 4 and reading.kind == QUANTITY
            and g.year_min <= int(digits) <= g.year_max)


def _mention(text: str, reading: _Reading, hedge: str | None, g: _Grammar) -> NumberMention:
    kind = reading.kind
    if kind == QUANTITY and hedge is None and _is_year(reading, g):
        kind = YEAR
    calendar = kind == PERIOD
    return NumberMention(reading.start, reading.end, text[reading.start:reading.end],
                         None if calendar else reading.value,
                         None if calendar else reading.value_max, kind, reading.unit, hedge,
                         reading.ambiguous, reading.note)


def _token_after(text: str, end: int) -> str:
    """What follows ``end`` after at most a few spaces: a lower-cased word (letters, dots and
    slashes, for 's.d.') or one other character. The patterns for scale words, percent,
    rupiah and ranges run only when this token can start one of them. This runs after every
    number, so one match finds the spaces and a run of word characters, dots and slashes (a
    class wider than letters, which ``str.isalpha`` then confirms): a character loop cost
    twice as much. Only a run holding a digit or another non-letter is walked."""
    after = _AFTER.match(text, end)
    assert after is not None  # the pattern matches the empty string
    i = after.start(1)
    if i >= len(text):
        return ""
    first = text[i]
    if not first.isalpha():
        return first
    word = after.group(1)
    if not word.isalpha() and not word.replace(".", "").replace("/", "").isalpha():
        j = 1
        while word[j].isalpha() or word[j] in "./":
            j += 1
        word = word[:j]
    return word.lower().rstrip(".")


def _word_before(text: str, start: int) -> str:
    """The lower-cased word just before ``start`` (over spaces and one dot: 'Rp. 5'), looking
    back at most 40 characters. String methods find it (the text after the last space, most
    often letters only); only a word holding another character is walked back, as a
    character loop over every word cost more."""
    head = text[start - 40 if start > 40 else 0:start].rstrip()
    if head.endswith("."):
        head = head[:-1]
    word = head[head.rfind(" ") + 1:]
    if not word.isalpha():
        k = len(word)
        while k and (word[k - 1].isalpha() or word[k - 1] == "-"):
            k -= 1
        word = word[k:]
    return word.lower()


def _hedge(lowered: str, start: int, g: _Grammar, before: str | None = None) -> str | None:
    """The hedges right before ``start`` ('lebih dari'), read in the lower-cased text."""
    if (_word_before(lowered, start) if before is None else before) not in g.hedge_last_words:
        return None
    found = g.hedge_before.search(lowered, max(0, start - 40), start)
    return " ".join(found.group().split()) if found else None


def _range(first: _Reading, second: _Reading, g: _Grammar) -> _Reading | None:
    """Join 'a sampai b' into one range when the ends are ordered and their units agree; the
    unit and scale written once at the end apply to both ends ('1-2 juta', '1 sampai 2 persen')."""
    if first.unit and second.unit and first.unit != second.unit:
        return None
    low = first.value * (second.scale if first.scale == 1.0 else 1.0)
    if low >= second.value:
        return None
    both_years = _is_year(first, g) and _is_year(second, g)
    kind = PERIOD if both_years else RANGE
    return _Reading(first.start, second.end, low, first.ambiguous or second.ambiguous,
                    first.note or second.note, second.unit or first.unit, kind,
                    value_max=second.value)


def _inside_not_number(text: str, atom: re.Match[str], g: _Grammar) -> bool:
    """Whether the number word is part of a phrase such as 'salah satu' (one of)."""
    start, end = atom.span()
    return any(m.start() <= start < m.end() or start <= m.start() < end
               for m in g.not_numbers.finditer(text, max(0, start - 25), end + 25))


def _atoms(lowered: str, g: _Grammar) -> list[re.Match[str]]:
    """The master pattern's matches, tried only where a number or a number-ish word starts:
    the candidate scan is a trie over lower-cased text, many times faster than letting the
    master pattern's alternation run at every character."""
    padded = " " + lowered  # padded[i] is the character before lowered[i]
    blanked = padded.encode("latin-1", "replace").translate(_BLANK)  # the same offsets
    atoms: list[re.Match[str]] = []
    pos = 0
    while True:
        candidate = g.candidate.search(blanked, pos)
        if candidate is None:
            return atoms
        start, end = candidate.start(), candidate.end() - 1  # in ``lowered``
        if padded[start].isalnum():  # a non-ASCII letter or digit: no word boundary
            pos = start + 1
            continue
        # A word glued to digits is a currency word ('rp1.000'): the number starts after it.
        at_digit = lowered[start].isdigit()
        glued = not at_digit and lowered[end:end + 1].isdigit()
        atom = (g.digit_forms.match(lowered, end) if glued else
                (g.digit_forms if at_digit else g.word_forms).match(lowered, start))
        if atom is None:
            pos = end
            continue
        chain = (_CHAIN.match(lowered, atom.end())
                 if atom.lastgroup == "number" and lowered[atom.end():atom.end() + 1]
                 in _CHAIN_STARTS else None)
        if chain is not None:  # '440/123/2024': a letter number or code, not quantities
            pos = chain.end()
            continue
        atoms.append(atom)
        pos = max(atom.end(), start + 1)


def parse_numbers(text: str, *, lowered: str | None = None) -> list[NumberMention]:
    """Every number mention in ``text``, in order and never overlapping (each starts at or
    after the end of the one before: ``ArticleContext.mentions_in`` relies on it), with spans
    into ``text``. A caller that has ``lower_same_length(text)`` already passes it as
    ``lowered``: lowering an article costs as much as reading a few of its numbers."""
    g = _grammar()
    lowered = lower_same_length(text) if lowered is None else lowered
    atoms = _atoms(lowered, g)
    mentions: list[NumberMention] = []
    consumed = 0
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        i += 1
        start = atom.start()
        if start < consumed:
            continue
        kind = atom.lastgroup
        if kind in ("words", "ordinal") and _inside_not_number(text, atom, g):
            continue
        if kind in _CALENDAR_GROUPS:
            mentions.append(_calendar(text, atom, g))
            consumed = atom.end()
            continue
        if kind == "none":  # 'tidak ada lagi': none left, a count of 0
            mentions.append(NumberMention(start, atom.end(), text[start:atom.end()], 0.0, None,
                                          QUANTITY, None, None, False, None))
            consumed = atom.end()
            continue
        if kind in ("zero", "ordinal"):
            written = text[start:atom.end()]
            value = 0.0 if kind == "zero" else float(
                g.ordinals.get(written.lower()) or written.split("-")[-1])
            mentions.append(NumberMention(start, atom.end(), written, value, None,
                                          ZERO_TARGET if kind == "zero" else ORDINAL, None,
                                          _hedge(lowered, start, g), False, None))
            consumed = atom.end()
            continue
        if kind == "fraction":
            share = _fraction(text, lowered, atom, g, mentions[-1].end if mentions else 0)
            if share is not None:
                mentions.append(share)
                consumed = atom.end()
            continue
        reading = _read(text, atom, g, consumed)
        if reading is None:
            continue
        hedge = _hedge(lowered, reading.start, g, reading.word_before)
        opened = reading.word_before == g.range_open_word
        after = reading.token_after
        join = None
        if after in g.range_starts or (opened and after == g.range_and):
            join = (g.range_join_open if opened else g.range_join).match(text, reading.end)
        if join and i < len(atoms) and atoms[i].start() == join.end() and (
                atoms[i].lastgroup in ("number", "words")):
            second = _read(text, atoms[i], g, reading.end)
            joined = _range(reading, second, g) if second is not None else None
            if joined is not None:
                reading = joined
                i += 1
        consumed = reading.end
        mentions.append(_mention(text, reading, hedge, g))
    return mentions


def _fraction(text: str, lowered: str, atom: re.Match[str], g: _Grammar, previous_end: int,
              ) -> NumberMention | None:
    """'separuhnya' (by half): a share of 50 percent; None right after a number ('dua
    setengah', 2.5) or before a word of duration ('setengah tahun', a time)."""
    start, end = atom.span()
    if previous_end and not text[previous_end:start].strip():
        return None
    if _token_after(text, end) in g.durations:
        return None
    written = text[start:end]
    value = g.fractions[" ".join(written.lower().split())]
    return NumberMention(start, end, written, value, None, PERCENT, PERCENT_UNIT,
                         _hedge(lowered, start, g), False,
                         f"a share written as a word: {value:.4g} percent")


@lru_cache(maxsize=4096)
def parse_mention(value_text: str) -> NumberMention | None:
    """The mention a written value stands for: its first quantity, percentage, amount, range,
    zero target or ordinal; failing those, its first year; None for a date or no number."""
    mentions = parse_numbers(value_text)
    for mention in mentions:
        if mention.kind in VALUE_KINDS:
            return mention
    return next((m for m in mentions if m.kind == YEAR), None)


def parse_value(value_text: str) -> float | None:
    """One written value as a plain number: '292.095' -> 292095, '10,6%' -> 10.6,
    '1,2 miliar' -> 1.2e9, 'sekitar 300' -> 300, 'zero stunting' -> 0, 'dua puluh' -> 20."""
    mention = parse_mention(value_text)
    return mention.value if mention else None
