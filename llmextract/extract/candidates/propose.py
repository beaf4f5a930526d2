"""The ``candidates`` strategy: the parser proposes, the model only labels, rules fill the record.

A tiny base model (the embedded Gemma 3 270M) cannot be trusted to write a number, but it can
choose one word from a short list. So every number the parser finds in the article prose becomes
a candidate with its sentence; what is certainly not a fact (dates, times, years, ordinals,
numbers on bylines, captions and view counters, number words inside a capitalised name, a
headline or a zero-stunting slogan restating the body) is set aside by rules before the model
sees it; the model labels each remaining candidate from an enum (``label.py``); and the
record's other fields (name, unit, population, period, target kind, deadline) are read from the
sentence by rules (``fields.py``). Every value, quote and span therefore comes from the article
itself: the strategy is grounded by construction.

Offsets are into the cleaned text the strategy receives, like every span of the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from llmextract.resources import DEFAULT_DOMAIN, DEFAULT_LANGUAGE, load_vocab, prompts_dir
from llmextract.text.casing import lower_same_length
from llmextract.text.layout import LIST_NUMBER, TABLE_ROW, TABLE_ROW_NUMBER, list_intro
from llmextract.text.numbers import (
    CALENDAR_KINDS,
    ORDINAL,
    PERCENT,
    QUANTITY,
    RANGE,
    ZERO_TARGET,
    NumberMention,
    parse_numbers,
)
from llmextract.text.sentences import Sentence, clause_within, split_sentences
from llmextract.text.words import any_case, phrase_ending
from llmextract.vocabulary import boilerplate_category, vocabulary

# 'Rabu (11/11)', 'Senin (16/11/2026)': the short date news writes after a day name.
_SHORT_DATE = re.compile(r"\(\s*[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?\s*\)")
# '0813-4700-9870', '(0291) 431226': a phone number the parser reads as numbers.
_PHONE = re.compile(
    r"(?<![\d.,])(?:\(0\d{2,4}\)\s*\d{3,8}(?:[-\s]\d{3,5})?"
    r"|(?:\+62|0)\d{2,3}[-\s]\d{3,5}(?:[-\s]\d{3,5})?)(?!\d)"
)
# 'Ibu Hasnah (32), warga ...': a one- or two-digit number alone in brackets after a name.
_AGE_AFTER_NAME = re.compile(r"[A-Z][\w.'-]*\s*\(\s*$")
OPENING_QUOTES = "\"“‘'(> "  # and a markdown blockquote
_SPACE_AND_BOLD = " \t\u00a0*_"
_PREVIOUS_SENTENCES = 3  # how far back 'Angka itu' may point ('jumlahnya' after 'jumlahnya' ...)


@dataclass(frozen=True)
class SetAsideRules:
    """Words that make a number certainly not a fact, from the vocabulary: a duration, age,
    frequency or measure word after it (``duration_words``, ``measure_words``; not when it
    starts a relative year such as 'tahun ini'), a place or thing it counts (the domain's
    ``uncounted_nouns``), a clause opening with a word of distribution ('Satu orang tua asuh
    mendampingi satu sampai dua anak'), a share in a clause about money (``budget_words``) in a
    sentence not naming the topic, or after an amount ('Rp 3,2 miliar, naik 20 persen'), the
    audience of an event ('di hadapan 500 warga', '260 peserta')."""

    duration: re.Pattern[str]
    relative_year: re.Pattern[str]
    uncounted: re.Pattern[str]
    distributive: re.Pattern[str]
    budget: re.Pattern[str]
    money: re.Pattern[str]
    topic: re.Pattern[str]
    audience_before: re.Pattern[str]
    audience_noun: re.Pattern[str]
    day_of_month: re.Pattern[str]  # 'setiap tanggal 10'
    identifier: re.Pattern[str]  # 'RT 03', 'Nomor 72', 'peringkat 5'
    back_reference: re.Pattern[
        str
    ]  # '1.406 balita stunting tersebut': a noun phrase and a demonstrative

    @classmethod
    def load(cls, domain: str = DEFAULT_DOMAIN, language: str = DEFAULT_LANGUAGE) -> SetAsideRules:
        """Built once per pair of vocabulary files, not once per article."""
        return cls._of(domain, language, prompts_dir())

    @classmethod
    @cache
    def _of(cls, domain: str, language: str, where: Path) -> SetAsideRules:
        """``where``: the prompts folder the words are read from (a test may point elsewhere)."""
        lang, words = load_vocab(language), load_vocab(domain)
        return cls(
            any_case(lang.words("duration_words"), lang.words("measure_words")),
            any_case(lang.table("relative_years")),
            any_case(words.words("uncounted_nouns")),
            any_case(lang.words("distributive_words")),
            any_case(lang.words("budget_words")),
            any_case(lang.words("currency_before"), lang.words("currency_after")),
            any_case(words.words("topic_words")),
            any_case(lang.words("audience_before")),
            any_case(lang.words("audience_nouns")),
            any_case(lang.words("day_of_month_before")),
            any_case(lang.words("identifier_before")),
            _back_reference(tuple(lang.words("demonstratives"))),
        )


def _back_reference(demonstratives: tuple[str, ...]) -> re.Pattern[str]:
    """Up to three words after a number, then a demonstrative ('balita stunting tersebut')."""
    return re.compile(
        r"(?:\s+[^\W\d_][\w-]*){0,3}\s+" + any_case(demonstratives).pattern,
        re.IGNORECASE,
    )


@dataclass(frozen=True)
class Candidate:
    """A number the model is asked to label, with the sentence it stands in and the prose
    sentences before it, nearest first (what 'Angka itu' or 'jumlahnya' points back to)."""

    mention: NumberMention
    sentence: Sentence
    previous: tuple[Sentence, ...] = ()
    headline: Sentence | None = None  # what the article says it is about
    intro: Sentence | None = None  # the line opening the list this candidate's row is in

    @property
    def value_text(self) -> str:
        return self.mention.text


@dataclass(frozen=True)
class SetAside:
    """A number the rules kept from the model, and why (shown by tests and the bench)."""

    mention: NumberMention
    reason: str


def _clause_breaks(sentence: Sentence) -> list[tuple[int, int]]:
    pattern = vocabulary().clause_break
    lowered = lower_same_length(sentence.text)
    return [
        (sentence.start + a, sentence.start + b)
        for a, b in (m.span() for m in pattern.finditer(lowered))
    ]


def clause_bounds(sentence: Sentence, mention: NumberMention) -> tuple[int, int]:
    """The clause around the mention (between commas, colons, brackets or a joining 'dan', the
    vocabulary's ``clause_marks`` and ``clause_words``), as offsets into the text. A break inside
    the mention itself (a range, '10,6') is ignored."""
    return clause_within(
        _clause_breaks(sentence), sentence.start, sentence.end, mention.start, mention.end
    )


def opening_clause_end(sentence: Sentence) -> int:
    """Where the sentence's first clause ends ('Tahun depan, ...'), as an offset into the text."""
    breaks = _clause_breaks(sentence)
    return breaks[0][0] if breaks else sentence.end


def right_before(pattern: re.Pattern[str], before: str, mention: NumberMention) -> bool:
    """Whether ``before`` (the text up to the mention) ends with a phrase of ``pattern``, the
    mention's hedge and markdown bold left out ('di hadapan sekitar 500 warga' ends with 'di
    hadapan', 'atau **4,8 persen**' with 'atau')."""
    return phrase_ending(pattern, _lead(before, mention)) is not None


def _lead(before: str, mention: NumberMention) -> str:
    """``before`` as ``right_before`` reads it: without the mention's hedge and markdown bold
    at its end (read once where several patterns are tried on one text)."""
    lead = before.rstrip(_SPACE_AND_BOLD)
    hedge = mention.hedge or ""
    if hedge and lead.lower().endswith(hedge):
        lead = lead[: len(lead) - len(hedge)].rstrip(_SPACE_AND_BOLD)
    return lead


def table_row(c: Candidate) -> str | None:
    """'Ibu Hamil (Bumil): 1.022 didampingi, 542 berisiko': the row label names who is counted."""
    m = TABLE_ROW.match(c.sentence.line)
    if (
        m
        and c.sentence.line_start + m.end() <= c.mention.start
        and not any(ch.isdigit() for ch in m["label"])
    ):
        return m["label"].strip(" *")
    return None


def _is_name_word(mention: NumberMention, sentence: Sentence) -> bool:
    """A capitalised number word in the middle of a sentence is part of a name (Satu Telur Satu
    Minggu), not a quantity; digits never are."""
    written = mention.text
    return (
        not any(ch.isdigit() for ch in written)
        and written[0].isupper()
        and mention.start > sentence.start
        and mention.kind != ZERO_TARGET
    )


def find_candidates(
    text: str,
    domain: str = DEFAULT_DOMAIN,
    *,
    mentions: list[NumberMention] | None = None,
    language: str = DEFAULT_LANGUAGE,
    sure_only: bool = False,
) -> tuple[list[Candidate], list[SetAside]]:
    """Every number of ``text`` either becomes a candidate or is set aside with a reason.
    ``mentions``: ``parse_numbers(text)`` when the caller has it already. ``sure_only`` keeps
    only the rules that are certain (dates, ordinals, list item numbers, boilerplate lines,
    names, phone numbers, ages, restatements) and leaves the words around a number for the
    model to read."""
    sentences = split_sentences(text)
    prose = [s for s in sentences if not s.headline]
    headline = next((s for s in sentences if s.headline), None)
    rules = SetAsideRules.load(domain, language)
    candidates: list[Candidate] = []
    aside: list[SetAside] = []
    for mention in parse_numbers(text) if mentions is None else mentions:
        sentence = next((s for s in sentences if s.start <= mention.start < s.end), None)
        reason = _set_aside_reason(text, mention, sentence)
        if reason is None and sentence is not None and not sure_only:
            reason = _not_a_count_reason(text, mention, sentence, rules)
        if reason or sentence is None:
            aside.append(SetAside(mention, reason or "outside any sentence"))
        else:
            earlier = [s for s in prose if s.end <= sentence.start][-_PREVIOUS_SENTENCES:]
            candidates.append(
                Candidate(
                    mention, sentence, tuple(reversed(earlier)), headline, _intro(text, sentence)
                )
            )
    return _drop_restatements(candidates, aside, rules.back_reference)


def _intro(text: str, sentence: Sentence) -> Sentence | None:
    """The line opening the list whose row holds ``sentence`` (``layout.list_intro``), as one
    sentence-like span: a row says where, its opener says what is measured."""
    if sentence.headline:
        return None
    found = list_intro(text, sentence.line_start)
    if found is None:
        return None
    start, end = found
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return Sentence(
        start,
        end,
        text[start:end],
        line_start,
        text[line_start : len(text) if line_end < 0 else line_end],
    )


def _set_aside_reason(text: str, mention: NumberMention, sentence: Sentence | None) -> str | None:
    if mention.kind in CALENDAR_KINDS:
        return f"{mention.kind}, not a quantity"
    if mention.kind == ORDINAL:
        return "ordinal (a rank), not a quantity"
    if sentence is None:
        return None
    category = boilerplate_category(sentence.line)
    if category:
        return f"on a boilerplate line ({category})"
    if _is_name_word(mention, sentence):
        return "number word inside a capitalised name"
    for numbering, what in ((LIST_NUMBER, "list item"), (TABLE_ROW_NUMBER, "table row")):
        marker = numbering.match(text, sentence.line_start)
        if marker and mention.start < marker.end():
            return f"the number of a {what}"
    if _inside(_SHORT_DATE, mention, sentence):
        return "a date (day/month), not a quantity"
    if _inside(_PHONE, mention, sentence):
        return "part of a phone number"
    if _is_age_after_name(mention, sentence):
        return "the age of a person named before it"
    return None


def _inside(pattern: re.Pattern[str], mention: NumberMention, sentence: Sentence) -> bool:
    """The mention lies within a match of ``pattern`` in its sentence."""
    at = mention.start - sentence.start
    return any(m.start() <= at < m.end() for m in pattern.finditer(sentence.text))


def _is_age_after_name(mention: NumberMention, sentence: Sentence) -> bool:
    """News gives a quoted resident's age in brackets after the name ('Ibu Hasnah (32)'): a bare
    one- or two-digit number there describes the person, it counts nothing."""
    at, end = mention.start - sentence.start, mention.end - sentence.start
    return (
        mention.kind == QUANTITY
        and len(mention.text) <= 2
        and mention.text.isdigit()
        and sentence.text[end:].lstrip().startswith(")")
        and bool(_AGE_AFTER_NAME.search(sentence.text, 0, at))
    )


def is_count(mention: NumberMention) -> bool:
    """A count the rules about people read: a quantity, or a range with no unit."""
    return mention.kind == QUANTITY or (mention.kind == RANGE and not mention.unit)


def count_doubt(
    text: str,
    mention: NumberMention,
    sentence: tuple[int, int],
    clause_start: int,
    domain: str = DEFAULT_DOMAIN,
    language: str = DEFAULT_LANGUAGE,
) -> str | None:
    """Why these rules doubt that a count is a figure of the topic's people (the words of
    ``_not_people_reason``, but neither a rule per unit, since the size of each team is a
    figure, nor a count of places, since places where the topic holds ('dua kelurahan sudah
    tidak lagi memiliki balita stunting') are one: on a blind set that doubt fell on a correct
    item), or None. Money is not doubted here: a budget for the topic is a figure. The checks
    flag an item a model kept against this doubt, for a reviewer to decide, rather than letting
    either the model or the rules override the other. ``sentence``: the mention's sentence as
    (start, end); ``clause_start``: where its ``clause_bounds`` start (the checks have both)."""
    if is_count(mention):
        return _not_people_reason(text, mention, sentence, clause_start,
                                  _rules(domain, language), per_unit=False, places=False)
    return None


@lru_cache(maxsize=8)
def _rules(domain: str, language: str) -> SetAsideRules:
    return SetAsideRules.load(domain, language)


def _not_a_count_reason(
    text: str, mention: NumberMention, sentence: Sentence, rules: SetAsideRules
) -> str | None:
    """Why a number in prose is not a stunting figure by the words around it: a share of a
    budget in a sentence not naming the topic ('minimal 20 persen ... untuk ketahanan pangan';
    '20 persen Dana Desa ... untuk penanganan stunting' is the topic's money, a figure like the
    amount itself), a change of an amount of money ('Rp 3,2 miliar, naik 20 persen'), or (for a
    count) the words of ``_not_people_reason``. Money itself is left to the labels: a budget
    for the topic is a figure (issue 9), one for a road is not, and that takes reading."""
    start, end = clause_bounds(sentence, mention)
    if mention.kind == PERCENT:
        if rules.budget.search(text, start, end) and not rules.topic.search(
            text, sentence.start, sentence.end
        ):
            return "a share of a budget not for the topic, not a stunting measure"
        if rules.money.search(text, sentence.start, mention.start) and not rules.topic.search(
            text, start, end
        ):
            return "a share after an amount of money (its change), not a stunting measure"
    if is_count(mention):
        return _not_people_reason(text, mention, (sentence.start, sentence.end), start, rules)
    return None


def _not_people_reason(
    text: str,
    mention: NumberMention,
    sentence: tuple[int, int],
    start: int,
    rules: SetAsideRules,
    *,
    per_unit: bool = True,
    places: bool = True,
) -> str | None:
    """Why a count (from its clause's ``start``, in the ``sentence`` spanning (start, end))
    does not count people of the topic: it is a day of the month or names or ranks something,
    counts an audience, a duration, age or measure, places or things, or states a rule per unit
    ('satu sampai dua anak' per foster parent)."""
    sentence_start, sentence_end = sentence
    after = text[mention.end : sentence_end].lstrip()
    clause_lead = _lead(text[start : mention.start], mention)
    if phrase_ending(rules.day_of_month, clause_lead) is not None:
        return "a day of the month ('setiap tanggal 10'), not a count"
    if right_before(rules.identifier, text[sentence_start : mention.start], mention):
        return "a number naming or ranking something ('RT 03', 'peringkat 5'), not a count"
    if phrase_ending(rules.audience_before, clause_lead) is not None \
            or rules.audience_noun.match(after):
        return "the audience of an event, not a stunting figure"
    if rules.duration.match(after) and not rules.relative_year.match(after):
        return "a duration, age, frequency or measure, not a count"
    if places and rules.uncounted.match(after):
        return "a count of places or things, not of people"
    if not per_unit:
        return None
    opening = text[start : sentence_end].lstrip(OPENING_QUOTES)
    lead = rules.distributive.match(opening)
    if lead and not rules.duration.match(opening[lead.end() :].lstrip()):
        return "a rule per unit ('setiap', 'satu ...'), not a total"
    return None


def _distinctive(mention: NumberMention) -> bool:
    """A share or count unlikely to recur by chance for another fact: a decimal ('21,4 persen') or
    a number of a hundred or more ('1.406'); small whole numbers ('2', '10 persen') do recur."""
    value = mention.value
    return (
        mention.kind in (PERCENT, QUANTITY)
        and value is not None
        and (value != int(value) or value >= 100)
    )


def _drop_restatements(
    candidates: list[Candidate], aside: list[SetAside], back_reference: re.Pattern[str]
) -> tuple[list[Candidate], list[SetAside]]:
    """A headline number the body repeats, a body number pointing back to the same number earlier
    ('Dari 1.406 balita stunting tersebut, ...') or repeating a distinctive one (a quotation
    saying again '21,4 persen'), and every zero-stunting slogan after the first one in the body,
    restate a fact already kept: one item per fact."""
    body = [c for c in candidates if not c.sentence.headline]
    body_values = {(c.mention.kind, c.mention.value) for c in body}
    first_zero = next((c for c in body if c.mention.kind == ZERO_TARGET), None)
    kept: list[Candidate] = []
    seen: set[tuple[str, float | None]] = set()
    for c in candidates:
        key = (c.mention.kind, c.mention.value)
        if c.sentence.headline and key in body_values:
            aside.append(SetAside(c.mention, "headline restating a number of the body"))
        elif key in seen and back_reference.match(
            c.sentence.text, c.mention.end - c.sentence.start
        ):
            aside.append(SetAside(c.mention, "pointing back to the same number before it"))
        elif key in seen and _distinctive(c.mention):
            aside.append(SetAside(c.mention, "repeating a distinctive number of the body"))
        elif c.mention.kind == ZERO_TARGET and first_zero is not None and c is not first_zero:
            aside.append(SetAside(c.mention, "zero-stunting slogan restating the first one"))
        else:
            kept.append(c)
        seen.update([key] if not c.sentence.headline else [])
    return kept, aside
