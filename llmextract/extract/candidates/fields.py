"""Reading a record's fields from a labelled candidate's sentence, by rules, not by the model.

The model of the ``candidates`` strategy only says *indicator*, *target* or *other*. Everything
else a record holds is read here from the words around the number: the indicator name and
population from the domain vocabulary (``prompts/vocab/stunting.yaml``), the unit from the word
after the number, the period from the nearest year or month in the clause (or the last one
stated before), the target's kind and deadline from the phrasing. The value, its text, the
quote and the span are the parser's and the sentence's: nothing is written by a model.

The words these rules read (per-year phrases, "this year", list markers) are in the prompt file
under ``rules`` so that another language or domain is new data, not new code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from llmextract.extract.candidates.label import Label, Labelled
from llmextract.extract.candidates.propose import (
    TABLE_ROW,
    Candidate,
    clause_bounds,
    opening_clause_end,
    right_before,
    split_sentences,
    table_row,
)
from llmextract.models import Extraction, Indicator, Program, Scope, Target, TargetKind
from llmextract.prompts import Prompt
from llmextract.resources import load_vocab, prompts_dir
from llmextract.text.layout import header_cell, is_list_row, table_header
from llmextract.text.numbers import (
    DATE,
    MONEY,
    PERCENT,
    PERCENT_UNIT,
    PERIOD,
    RANGE,
    YEAR,
    ZERO_TARGET,
    NumberMention,
    parse_numbers,
)
from llmextract.text.words import any_case, inside_a_name, phrases_alternation, years_in

_WORD = re.compile(r"[^\W\d_][\w-]*")
_SPACES = re.compile(r"[ \t\u00a0]*")


@dataclass(frozen=True)
class Rules:
    """The words the field rules read, from the domain vocabulary and the prompt's ``rules``."""

    indicator_names: list[str]
    populations: list[str]
    budget_names: re.Pattern[str]  # what an amount of money is ('anggaran', 'dana desa')
    budget_name: str  # the name of an amount no noun names
    units: re.Pattern[str]  # what a count counts ('9.400 remaja putri'), or 'poin persen'
    topic: str
    down_words: set[str]
    change: re.Pattern[str]  # 'turun 53,6 persen', 'naik 20 kasus': a change spans two periods
    restatement: re.Pattern[str]  # '845 balita pada Mei 2025, atau 4,8 persen': the same time
    per_year: list[str]
    level_before: set[str]
    upper_bounds: set[str]  # hedges making a goal a level: 'di bawah 4 persen'
    joiners: set[str]  # '22 persen pada 2026 dan 18 persen pada 2029': the second is like the first
    relative_years: dict[str, int]
    relative_year: re.Pattern[str]
    scope: re.Pattern[str]  # 'nasional': a figure above the article's region says so in its name
    provincial_words: frozenset[str]  # 'provinsi': the scope words of a province, not the nation
    places: re.Pattern[str]  # 'Kabupaten Muna', 'kecamatan Luwuk': a place a figure is about
    place_heads: frozenset[str]  # 'kecamatan', 'kabupaten': a table column of places
    total_words: frozenset[str]  # 'jumlah', 'total': a table's total row, no place of its own
    period_prepositions: set[str]
    period_qualifiers: set[str]
    period_nouns: frozenset[str]  # 'tahun 2024' is the period '2024'
    name_stop_words: set[str]
    part_of: list[str]
    anaphora: re.Pattern[str]  # 'Meski jumlahnya naik, ...': the time of the sentence before

    @classmethod
    def load(cls, prompt: Prompt) -> Rules:
        """Built once per pair of vocabulary files (read once each), not once per article (the
        build, with the set-aside rules', was a tenth of a cached re-run's time in a cProfile
        of 1,000 articles)."""
        return cls._of(prompt.domain, prompt.language, prompts_dir())

    @classmethod
    @cache
    def _of(cls, domain_name: str, language: str, where: Path) -> Rules:
        """``where``: the prompts folder the words are read from (a test may point elsewhere)."""
        domain, lang = load_vocab(domain_name), load_vocab(language)
        units = [
            *domain.words("count_units"),
            *domain.words("counted_nouns"),
            *lang.words("percent_point_words"),
        ]
        relative = {_key(k): int(v) for k, v in lang.table("relative_years").items()}
        heads = [*load_vocab("metadata").words("region_prefixes"), *lang.words("subregion_heads")]
        return cls(
            indicator_names=sorted(domain.words("indicator_names"), key=len, reverse=True),
            populations=sorted(domain.words("populations"), key=len, reverse=True),
            budget_names=any_case(lang.words("budget_names")),
            budget_name=lang.words("budget_names")[0],
            units=any_case(units),
            topic=domain.text("topic"),
            down_words={w.lower() for w in lang.table("trend_words").get("down", [])},
            change=any_case(w for ws in lang.table("trend_words").values() for w in ws),
            restatement=any_case(lang.words("restatement_words")),
            per_year=lang.words("per_year_words"),
            level_before={w.lower() for w in lang.words("level_before")},
            upper_bounds={
                _key(h) for h, kind in lang.table("hedges").items() if kind == "upper_bound"
            },
            joiners={w.lower() for w in lang.words("list_words")},
            relative_years=relative,
            relative_year=any_case(relative),
            scope=any_case(lang.words("scope_words")),
            provincial_words=frozenset(w.lower() for w in lang.words("provincial_scope_words")),
            places=_places(heads),
            place_heads=frozenset(h.lower().rstrip(".") for h in heads),
            total_words=frozenset(w.lower() for w in lang.words("total_words")),
            period_prepositions={w.lower() for w in lang.words("period_prepositions")},
            period_qualifiers={w.lower() for w in lang.words("period_qualifiers")},
            period_nouns=frozenset(w.lower() for w in lang.words("period_nouns")),
            name_stop_words={w.lower() for w in lang.words("name_stop_words")},
            part_of=lang.words("part_of"),
            anaphora=any_case(lang.words("anaphora")),
        )


def _places(heads: list[str]) -> re.Pattern[str]:
    """A head of a region or of a place in one, in any case, and up to three capitalised words:
    'Kabupaten Maluku Tengah', 'kecamatan Medan Belawan'."""
    return re.compile(rf"(?<!\w)(?i:{phrases_alternation(heads)})\s+[A-Z][\w'-]*"
                      rf"(?:\s+[A-Z][\w'-]*){{0,2}}")


def _key(phrase: str) -> str:
    """A phrase as the vocabulary's dictionaries key it: lower case, single spaces."""
    return " ".join(phrase.lower().split())


@lru_cache(maxsize=256)
def _phrase(words: str) -> re.Pattern[str]:
    body = r"\s+".join(map(re.escape, words.split()))
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _first_word(phrase: str) -> str:
    return phrase.split(maxsplit=1)[0].lower() if phrase.strip() else ""


def _nearest(text: str, start: int, end: int, phrases: list[str], at: int) -> str | None:
    """The vocabulary phrase in ``text[start:end]`` closest to offset ``at``, as written. Only
    the phrases whose first word is in the span are searched (a pattern per phrase over every
    clause of every item was a tenth of an article's CPU); in ASCII text ``lower`` agrees with
    the patterns' IGNORECASE, so nothing the search would find is skipped."""
    span = text[start:end]
    if span.isascii():
        lowered = span.lower()
        phrases = [p for p in phrases if _first_word(p) in lowered]
    found = [
        (abs(m.start() - at), m.group())
        for p in phrases
        for m in _phrase(p).finditer(text, start, end)
    ]
    return min(found)[1] if found else None


def _words_after(
    text: str, mention: NumberMention, end: int, rules: Rules, limit: int = 3
) -> list[str]:
    words: list[str] = []
    for m in _WORD.finditer(text, mention.end, end):
        if m.group().lower() in rules.name_stop_words or len(words) == limit:
            break
        words.append(m.group())
    return words


def _calendar(mentions: list[NumberMention]) -> list[NumberMention]:
    return [
        m
        for m in mentions
        if m.kind in (YEAR, PERIOD) or (m.kind == DATE and m.note and len(m.note) == 7)
    ]


def _period_text(text: str, m: NumberMention, rules: Rules) -> str:
    """'akhir tahun 2023' keeps its qualifier; 'tahun 2024' is just '2024'."""
    words = text[max(0, m.start - 30) : m.start].split()
    lead: list[str] = []
    for word in reversed(words):
        if (
            word.lower() in rules.period_qualifiers
            or (lead and word.lower() in rules.period_nouns)
            or word.lower() in rules.period_nouns
        ):
            lead.insert(0, word)
        else:
            break
    while lead and lead[0].lower() in rules.period_nouns:
        lead.pop(0)
    return " ".join([*lead, m.text])


def _gap(a: NumberMention, b: NumberMention) -> int:
    """Characters between two mentions ('18,3 persen pada 2023': the 6 of ' pada ')."""
    return _span_gap(a, b.start, b.end)


def _span_gap(a: NumberMention, start: int, end: int) -> int:
    """Characters between a mention and the text at ``[start, end)``, on either side of it."""
    return start - a.end if start >= a.end else a.start - end


def _values(mentions: list[NumberMention], start: int, end: int) -> list[NumberMention]:
    """The numbers in ``[start, end)`` that are not years, months or dates."""
    return [m for m in mentions if start <= m.start < end and m.kind not in (YEAR, PERIOD, DATE)]


def _free_calendar(
    text: str,
    start: int,
    end: int,
    mentions: list[NumberMention],
    mention: NumberMention | None = None,
) -> list[NumberMention]:
    """Years and months in ``text[start:end]`` that no other number claims: not in the clause of
    another value of their sentence ('turun dibandingkan tahun 2024 yang mencapai 300 kasus'),
    unless, in the sentence of ``mention`` itself, they open it before all of its values ('Hasil
    penimbangan Juni 2025 menunjukkan 1.962 balita, atau 4,7 persen dari 41.745 balita': the
    time of all three)."""
    free = []
    for year in _calendar([m for m in mentions if start <= m.start < end]):
        sentence = next((s for s in split_sentences(text) if s.start <= year.start < s.end), None)
        if sentence is None:
            free.append(year)
            continue
        values = _values(mentions, sentence.start, sentence.end)
        opens = mention is not None and all(year.start < n.start for n in values)
        claimed = any(
            s0 <= year.start < s1
            for n in values
            if n != mention
            for s0, s1 in [clause_bounds(sentence, n)]
        )
        if opens or not claimed:
            free.append(year)
    return free


def _owner(
    text: str, when: NumberMention, values: list[NumberMention], rules: Rules
) -> NumberMention | None:
    """The value of a clause a year or month belongs to: the value before it when a preposition
    ties it there ('289 balita pada Agustus 2024 menjadi 134 balita'), else the nearest one."""
    before = [v for v in values if v.end <= when.start]
    words = _WORD.findall(text[before[-1].end if before else 0 : when.start])
    if before and words and words[-1].lower() in rules.period_prepositions:
        return before[-1]
    return min(values, key=lambda v: _gap(v, when), default=None)


def find_period(text: str, c: Candidate, mentions: list[NumberMention], rules: Rules) -> str | None:
    """The year or month the number is for: the nearest in its clause that is not another
    value's (``_owner``), else in its sentence (unless it belongs to another number of it), else
    the latest of the sentence before when this one points back to it, else one stated in the
    previous line of prose and not claimed by a number there; an event date
    (a full day) is never a period. A change ('turun 53,6 persen') spans two periods: none. A
    restatement ('845 balita hingga Mei 2025, atau 4,8 persen') holds when its value does."""
    before = text[c.sentence.start : c.mention.start]
    if right_before(rules.change, before, c.mention):
        return None
    earlier = _values(mentions, c.sentence.start, c.mention.start)
    if earlier and right_before(rules.restatement, before, c.mention):
        return find_period(text, Candidate(earlier[-1], c.sentence), mentions, rules)
    cal = _calendar(mentions)
    start, end = clause_bounds(c.sentence, c.mention)
    values = _values(mentions, start, end)
    here = [
        m
        for m in cal
        if start <= m.start < end and _owner(text, m, values, rules) in (c.mention, None)
    ]
    if here:
        return _period_text(text, min(here, key=lambda m: _gap(c.mention, m)), rules)
    free = _free_calendar(text, c.sentence.start, c.sentence.end, mentions, c.mention)
    if free:
        return _period_text(text, min(free, key=lambda m: _gap(c.mention, m)), rules)
    pointed = _time_pointed_to(c, mentions, rules)
    if pointed:
        return _period_text(text, pointed, rules)
    column = _column_year(text, c, mentions)
    if column:
        return _period_text(text, column, rules)
    start, end = _line_before(text, c.sentence.line_start)
    if not is_list_row(c.sentence.line) and _values(mentions, start, end):
        return None  # 'Berdasarkan SSGI 2022, prevalensi ... 24,1 persen': that line's own year
    earlier = _free_calendar(text, start, end, mentions)
    return _period_text(text, earlier[-1], rules) if earlier else None


def _column_year(text: str, c: Candidate, mentions: list[NumberMention]) -> NumberMention | None:
    """A table's header ('Kabupaten/Kota | SKI 2023 | SSGI 2024'), else a list opened by a line,
    naming one year per column ('Prevalensi stunting per kabupaten (SKI 2023 → SSGI 2024):')
    over rows of as many values ('Kabupaten A: 31,2 persen → 27,5 persen'): each value is of
    the year in its place. Any other shape says nothing."""
    named = table_header(text, c.sentence.line_start)
    if named is None and c.intro is not None:
        named = (c.intro.start, c.intro.end)
    if named is None:
        return None
    years = [m for m in mentions if m.kind == YEAR and named[0] <= m.start < named[1]]
    label = TABLE_ROW.match(c.sentence.line)
    start = c.sentence.line_start + (label.end() if label else 0)
    values = _values(mentions, start, c.sentence.line_start + len(c.sentence.line))
    if len(years) < 2 or len(years) != len(values) or c.mention not in values:
        return None
    return years[values.index(c.mention)]


def _time_pointed_to(
    c: Candidate, mentions: list[NumberMention], rules: Rules
) -> NumberMention | None:
    """A sentence with no time of its own that points back ('Meski jumlahnya naik, prevalensinya
    masih kurang dari 5 persen') speaks of the latest time of the sentence before ('pada Juni
    2026 mencatat 612 balita, naik dari 587 balita pada Juni 2025': Juni 2026)."""
    if not c.previous or not rules.anaphora.search(c.sentence.text):
        return None
    before = c.previous[0]
    times = [m for m in _calendar(mentions) if before.start <= m.start < before.end]
    return max(times, key=lambda m: m.note or str(int(m.value or 0)), default=None)


def _line_before(text: str, line_start: int) -> tuple[int, int]:
    """The previous line of prose, passing over the rows of a table ('Catin: 99 didampingi'):
    it lends its year to the rows of the table below it, and to a paragraph below a line that
    states a time and no figure of its own."""
    end = line_start
    while end > 0:
        start = text.rfind("\n", 0, end - 1) + 1
        line = text[start:end].strip()
        if line and not is_list_row(line):
            return start, end
        end = start
    return 0, 0


def _unit_of_whole(
    text: str, c: Candidate, mentions: list[NumberMention], rules: Rules
) -> str | None:
    """'6.160 sasaran ..., dengan 1.725 di antaranya': a part counts what its whole counts."""
    rest = text[c.mention.end : c.sentence.end].lstrip()
    if not any(_phrase(p).match(rest) for p in rules.part_of):
        return None
    wholes = [
        m
        for m in mentions
        if c.sentence.start <= m.start < c.mention.start and m.kind not in (YEAR, PERIOD, DATE)
    ]
    if not wholes:
        return None
    return _count_unit(text, wholes[-1], rules)


def _count_unit(text: str, m: NumberMention, rules: Rules) -> str | None:
    """The noun a count counts, as written: the longest unit of the vocabulary right after it
    ('486 ibu hamil', '9.400 remaja putri', '4,2 poin persen'), or None."""
    found = rules.units.match(text, _SPACES.match(text, m.end).end())  # type: ignore[union-attr]
    return " ".join(found.group().split()) if found else None


def _unit(text: str, m: NumberMention, rules: Rules) -> str | None:
    """Percent for a share; the counted noun for a count, inside a zero goal too ('nol kasus' is
    counted in cases, 'zero stunting' in nothing)."""
    if m.kind == PERCENT or (m.kind == RANGE and m.unit):
        return PERCENT_UNIT
    if m.kind == MONEY:
        return m.unit
    if m.kind == ZERO_TARGET:
        noun = rules.units.search(m.text)
        return " ".join(noun.group().split()) if noun else None
    return _count_unit(text, m, rules)


def _scoped(name: str, text: str, start: int, end: int, rules: Rules) -> str:
    """'prevalensi stunting nasional': a figure whose clause places it above the article's own
    region (``scope_words``) says so in its name."""
    scope = rules.scope.search(text, start, end)
    if scope is None or scope.group().lower() in name.lower():
        return name
    return f"{name} {scope.group().lower()}"


def _scope(text: str, start: int, end: int, rules: Rules) -> Scope:
    """Whose figure: a province's or the nation's when its clause says so ('angka nasional 19,8
    persen', ``_scoped``), else the region's own. In an article about a province the checks
    read 'provinsi' as the article's own (``checks.context``); here it is the province's."""
    found = next((m for m in rules.scope.finditer(text, start, end)
                  if not inside_a_name(text, m.start())), None)
    if found is None:
        return Scope.local
    return Scope.provincial if found.group().lower() in rules.provincial_words else Scope.national


def _place(text: str, c: Candidate, clause: tuple[int, int], rules: Rules) -> str | None:
    """The place a figure is about, as written: a row's label when it names one ('Kecamatan
    Timur: 212 balita'), a row under a table column of places ('Kecamatan | Balita stunting'
    over 'Luwuk | 212': 'Kecamatan Luwuk'; not its total row, 'Jumlah | 1.595'), else the place
    its clause names nearest to it ('prevalensi stunting di Kabupaten Muna 29,4 persen'; not in a
    headline, whose title case runs verbs into names: 'Kota Bima Turun Jadi')."""
    row = table_row(c)
    if row and row.split()[0].lower() in rules.total_words:
        return None
    if row and (named := rules.places.match(row)) and named.end() == len(row):
        return row
    if row and (head := _column_of_places(text, c, rules)):
        return f"{head} {row}"
    if c.sentence.headline:
        return None
    found = [(abs(m.start() - c.mention.start), m.group())
             for m in rules.places.finditer(text, *clause)]
    return min(found)[1] if found else None


def _column_of_places(text: str, c: Candidate, rules: Rules) -> str | None:
    """The first column's name of the pipe table a row is in, when it names a kind of place."""
    head = header_cell(text, c.sentence.line_start)
    return head if head and head.lower() in rules.place_heads else None


def _placed_row(
    text: str, c: Candidate, row: str | None, rules: Rules
) -> tuple[str, str | None] | None:
    """A row naming a place, not a group ('Kabupaten A: 31,2 persen' under 'Prevalensi stunting
    per kabupaten:'): its name is the measure its opener names, for that place ('prevalensi
    stunting Kabupaten A'), and its population the opener's, if any (a place is not one). None
    for other rows, and under an opener naming no measure ('Sebaran per kecamatan:')."""
    if row is None or c.intro is None or _nearest(row, 0, len(row), rules.populations, 0):
        return None
    intro = c.intro
    measure = _nearest(text, intro.start, intro.end, rules.indicator_names, intro.start)
    if measure is None:
        return None
    return f"{measure} {row}", _nearest(
        text, intro.start, intro.end, rules.populations, intro.start
    )


def _budget_name(text: str, c: Candidate, row: str | None, rules: Rules) -> str:
    """What an amount of money is: the vocabulary's budget noun nearest to it in its sentence
    ('anggaran', 'dana desa'), for the office or item a table row names ('anggaran Dinas
    Kesehatan'), with the topic when the sentence names it ('anggaran stunting')."""
    s, at = c.sentence, c.mention.start
    found = [(abs(m.start() - at), m.group().lower())
             for m in rules.budget_names.finditer(text, s.start, s.end)]
    noun = min(found)[1] if found else rules.budget_name
    topic = rules.topic if _phrase(rules.topic).search(s.text) else None
    return " ".join([noun, *(part for part in (row, topic) if part and part.lower() not in noun)])


def to_indicator(text: str, c: Candidate, mentions: list[NumberMention], rules: Rules) -> Indicator:
    m = c.mention
    start, end = clause_bounds(c.sentence, m)
    row = table_row(c)
    after = _words_after(text, m, end, rules)
    placed = _placed_row(text, c, row, rules)
    if m.kind == MONEY:
        name, row = _budget_name(text, c, row, rules), None
    elif placed:
        name, row = placed
    elif row:
        name = " ".join([row, *after[:1]])
    else:
        name = (
            _nearest(text, start, end, rules.indicator_names, m.start)
            or _nearest(text, c.sentence.start, c.sentence.end, rules.indicator_names, m.start)
            or " ".join(after)
            or rules.topic
        )
    unit = _unit(text, m, rules) or _unit_of_whole(text, c, mentions, rules)
    population = row or _nearest(text, start, end, rules.populations, m.start)
    period = find_period(text, c, mentions, rules)
    years = years_in(period)
    return Indicator(
        name=_scoped(name, text, start, end, rules),
        value=m.value,
        value_text=m.text,
        unit=unit,
        population=population,
        period=period,
        year=years[-1] if years else None,
        approximate=m.approximate,
        scope=_scope(text, start, end, rules),
        place=_place(text, c, (start, end), rules),
        quote=c.sentence.text,
        span=c.sentence.span,
    )


def target_kind(text: str, c: Candidate, mentions: list[NumberMention], rules: Rules) -> TargetKind:
    """per_year when 'setiap tahun' follows, or leads up to it in its clause; level for zero
    stunting, under a ceiling ('di bawah 4 persen') or after 'hingga'/'menjadi'; reduce_by when
    a word of decrease leads up to the number from the value before it ('..., tetapi masih jauh
    dari target nasional 14 persen' is a level); level otherwise. A number joined to the one
    before by 'dan' alone ('menjadi 22 persen pada 2026 dan 18 persen pada 2029') is of the
    same kind."""
    m = c.mention
    if _per_year(text, c, rules):
        return TargetKind.per_year
    if m.kind == ZERO_TARGET or _key(m.hedge or "") in rules.upper_bounds:
        return TargetKind.level
    earlier = _values(mentions, c.sentence.start, m.start)
    lead = [
        w.lower()
        for w in _WORD.findall(text[earlier[-1].end if earlier else c.sentence.start : m.start])
    ]
    lead = lead[: len(lead) - len((m.hedge or "").split())]
    if (
        earlier
        and set(lead) <= rules.joiners | rules.period_prepositions
        and rules.joiners & set(lead)
    ):
        return target_kind(text, Candidate(earlier[-1], c.sentence), mentions, rules)
    if lead and lead[-1] in rules.level_before:
        return TargetKind.level
    return TargetKind.reduce_by if rules.down_words & set(lead) else TargetKind.level


def _per_year(text: str, c: Candidate, rules: Rules) -> bool:
    """'2 persen setiap tahunnya', 'setiap tahun prevalensi turun minimal 2 persen'."""
    m = c.mention
    after = text[m.end : c.sentence.end].lower()
    start, _ = clause_bounds(c.sentence, m)
    return any(
        _phrase(p).match(after.lstrip())
        or _phrase(p).search(after[:25])
        or _phrase(p).search(text, start, m.start)
        for p in rules.per_year
    )


def article_year(mentions: list[NumberMention]) -> int | None:
    """The year of the first full date in the article: what 'tahun ini' and 'tahun depan' count
    from."""
    for m in mentions:
        if m.kind == DATE and m.note and len(m.note) == 10:
            return int(m.note[:4])
    return None


def find_deadline(
    text: str, c: Candidate, mentions: list[NumberMention], rules: Rules
) -> int | None:
    """The year nearest the number in its clause, after it first ('pada tahun 2026', 'tahun ini',
    'tahun depan') then before it ('Target kami tahun depan di bawah 4 persen'), else the one
    opening its sentence ('Tahun depan, Pemkab menargetkan ... 500 anak')."""
    m = c.mention
    start, end = clause_bounds(c.sentence, m)
    opening = opening_clause_end(c.sentence)
    places = [(m.end, end), (start, m.start)] + (
        [(c.sentence.start, opening)] if opening <= start else []
    )
    for begin, stop in places:
        found = _years_in(text, m, begin, stop, mentions, rules)
        if found:
            return min(found)[1] or None
    return None


def _years_in(
    text: str, m: NumberMention, begin: int, stop: int, mentions: list[NumberMention], rules: Rules
) -> list[tuple[int, int]]:
    """(distance to ``m``, year) for the years written in ``[begin, stop)`` and the relative ones
    ('tahun depan': the article's year + 1, when the article is dated)."""
    found = [
        (_gap(m, y), int(y.value or 0))
        for y in mentions
        if y.kind == YEAR and begin <= y.start < stop
    ]
    year = article_year(mentions)
    if year is not None:
        found += [
            (_span_gap(m, *r.span()), year + rules.relative_years[_key(r.group())])
            for r in rules.relative_year.finditer(text, begin, stop)
        ]
    return found


def to_target(text: str, c: Candidate, mentions: list[NumberMention], rules: Rules) -> Target:
    m = c.mention
    start, end = clause_bounds(c.sentence, m)
    indicator = (
        _nearest(text, start, end, rules.indicator_names, m.start)
        or _nearest(text, c.sentence.start, c.sentence.end, rules.indicator_names, m.start)
        or rules.topic
    )
    return Target(
        indicator=_scoped(indicator, text, start, end, rules),
        value=0.0 if m.kind == ZERO_TARGET else m.value,
        value_max=m.value_max,
        value_text=m.text,
        unit=_unit(text, m, rules),
        kind=target_kind(text, c, mentions, rules),
        deadline_year=find_deadline(text, c, mentions, rules),
        scope=_scope(text, start, end, rules),
        place=_place(text, c, (start, end), rules),
        quote=c.sentence.text,
        span=c.sentence.span,
    )


def build_extraction(
    text: str,
    labelled: list[Labelled],
    prompt: Prompt,
    programs: list[Program] | None = None,
    *,
    mentions: list[NumberMention] | None = None,
) -> Extraction:
    """The record: one indicator or target per candidate the model kept, fields by rules.
    ``mentions``: ``parse_numbers(text)`` when the caller has it already."""
    rules = Rules.load(prompt)
    mentions = parse_numbers(text) if mentions is None else mentions
    out = Extraction(programs=list(programs or []))
    for item in labelled:
        if item.label is Label.indicator:
            indicator = to_indicator(text, item.candidate, mentions, rules)
            out.indicators.append(indicator.model_copy(update={"doubt": item.doubt}))
        elif item.label is Label.target:
            out.targets.append(to_target(text, item.candidate, mentions, rules))
    return out
