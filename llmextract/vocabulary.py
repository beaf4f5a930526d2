"""The word lists the checks read, compiled once: topic, population, trend, goal and clause
words from ``prompts/vocab/id.yaml`` (the language) and ``prompts/vocab/<domain>.yaml`` (the
domain, ``stunting`` unless the prompt names another), and the classification of boilerplate
lines. A second domain is a new YAML file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from llmextract.resources import DEFAULT_DOMAIN, DEFAULT_LANGUAGE, load_vocab
from llmextract.text.clean import is_boilerplate_line
from llmextract.text.words import words_pattern, years_in


@dataclass(frozen=True)
class Vocabulary:
    """The compiled word lists the checks use (from id.yaml and stunting.yaml)."""

    topic: re.Pattern[str]
    anaphora: re.Pattern[str]  # 'angka itu': a sentence about what the one before is about
    populations: re.Pattern[str]
    generic_population_words: frozenset[str]
    total_words: frozenset[str]
    total_marks: re.Pattern[str]  # 'jumlah', '6.160 sasaran', 'terdiri dari': a total's words
    list_words: frozenset[str]
    percent_units: frozenset[str]
    share_names: re.Pattern[str]
    down: re.Pattern[str]
    up: re.Pattern[str]
    target_words: re.Pattern[str]
    relative_years: dict[str, int]
    relative_year: re.Pattern[str]
    clause_break: re.Pattern[str]
    clause_words: frozenset[str]  # 'dan', 'namun': words that end a clause
    scope_words: re.Pattern[str]
    boilerplate: tuple[tuple[str, re.Pattern[str], bool], ...]  # category, pattern, anywhere
    any_boilerplate_start: re.Pattern[str]
    any_boilerplate_anywhere: re.Pattern[str]
    boilerplate_anywhere_keys: tuple[str, ...]  # every match starts with one: a fast test
    boilerplate_max_line: int
    months: dict[str, int]
    month: re.Pattern[str]
    period_start_words: tuple[str, ...]  # 'awal 2023': the start of the year
    period_end_words: tuple[str, ...]  # 'akhir tahun 2023': its end
    office_heads: frozenset[str]  # 'Dinas', 'Camat': a name starting so is an office or official
    activity_words: re.Pattern[str]  # 'pemberian', 'program': a name saying what is done
    change_words: frozenset[str]  # 'turun', 'penurunan': right before an amount, a change
    down_words: frozenset[str]
    change_amount_words: frozenset[str]  # 'sebesar': between the word of change and amount
    breakdown_heads: tuple[str, ...]  # longest words of breakdown_words: no scan without one
    breakdown_head_reach: tuple[int, int]  # words of a breakdown phrase before, after its head
    instruction_heads: tuple[str, ...]
    breakdown: re.Pattern[str]  # 'terdiri dari': the parts of the total before follow
    money_breakdown_keys: tuple[str, ...]  # in each money_breakdown_words: no scan without one
    money_breakdown: re.Pattern[str]  # 'merinci': the parts of an amount given before follow
    change_from: re.Pattern[str]  # 'dari': before the value a change starts from
    comparison: re.Pattern[str]  # 'dibandingkan': before a value a level is compared with
    higher_or_lower: re.Pattern[str]  # 'lebih tinggi', 'lebih rendah': which value is larger
    higher_words: frozenset[str]
    share_whole: re.Pattern[str]  # 'dari seluruh': the whole the shares after it divide
    change_to: re.Pattern[str]  # 'menjadi': before the value a change reaches
    change_to_ends: frozenset[str]  # 'menjadi', 'angka': last words of change_to (a fast test)
    change_amount: re.Pattern[str]  # 'sebesar': between a word of change and its amount
    percent_points: re.Pattern[str]  # 'poin persen': a difference of two shares
    partial: re.Pattern[str]  # 'antara lain': a list of only some parts
    subregion_heads: frozenset[str]  # 'kecamatan': a place inside the region
    back_references: frozenset[str]  # 'itu', 'tersebut': a group named before
    remainder_words: frozenset[str]  # 'lainnya': a list row for the rest, so the rows are whole
    goal_verbs: re.Pattern[str]  # 'harapkan', 'rencanakan': hoping and planning state goals
    negations: re.Pattern[str]
    instruction_marks: re.Pattern[str]  # 'abaikan instruksi': an order, not reporting
    counted_nouns: re.Pattern[str]  # 'kasus', 'balita': what a number counts
    place_heads: frozenset[str]  # 'posyandu': alone a place, with more words a service
    provincial_selves: re.Pattern[str]  # 'pemprov': the article is about a province
    provincial_scope_words: frozenset[str]
    rule_words: re.Pattern[str]  # 'mewajibkan': a bound in the clause is the rule's
    budget_words: re.Pattern[str]  # 'dana desa': a bound on an allotment is its floor
    bound_hedges: frozenset[str]  # 'minimal', 'maksimal': hedges that bound, not approximate
    scales: dict[str, float]  # 'miliar' -> 1e9: the scale words after a number
    name_heads: frozenset[str]  # 'desa', 'tim': a capitalised name so headed may end in a number
    year_dating_words: frozenset[str]  # 'pada', 'sejak': a year after them may date a figure


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    """Case-sensitive on purpose: lines are lower-cased first, which is much faster than
    IGNORECASE for a search at every position."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")


_SPECIAL = frozenset(".^$*+?{}[]|()")
_MAY_REPEAT_NONE = frozenset("*?{")  # after a character, it may not be written at all


def _literal_start(pattern: str) -> str:
    """The characters every match of the regular expression ``pattern`` starts with ('dibaca'
    for 'dibaca\\s*:?\\s*\\d', 'view' for 'views?\\b'; '' for one opening with a class or a
    group, or holding an alternation): a line without them needs no search for it, and a
    substring test costs a few instructions a character where the search of an alternation
    costs a hundred or more at every letter one of its branches starts with."""
    if "|" in re.sub(r"\\.", "", pattern):
        return ""
    found, at = [], 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            at += 1
            char = pattern[at:at + 1]
            if not char or char.isalnum():  # a class ('\\s') or an assertion ('\\b')
                break
        elif char in _SPECIAL:
            break
        at += 1
        if pattern[at:at + 1] in _MAY_REPEAT_NONE:
            break
        found.append(char)
        if pattern[at:at + 1] == "+":
            break
    return "".join(found)


def _heads(phrases: Iterable[str]) -> tuple[str, ...]:
    """The longest word of each of ``phrases``, as it starts in a text: a text holding none of
    them (a fast substring test) needs no scan for the phrases."""
    return _starts(sorted({max(p.lower().split(), key=len) for p in phrases}))


def _head_reach(phrases: Iterable[str]) -> tuple[int, int]:
    """How many words at most stand before and after the head (``_heads``) of one of
    ``phrases``."""
    split = [words for words in (p.lower().split() for p in phrases) if words]
    at = [words.index(max(words, key=len)) for words in split]
    return (max(at, default=0),
            max((len(words) - 1 - k for words, k in zip(split, at, strict=True)), default=0))


def _starts(words: Iterable[str]) -> tuple[str, ...]:
    """Words to be found where a word starts (``holds_word_start``), lower case; one that
    another of them begins is left out ('rinciannya' after 'rincian'): wherever it starts a
    word, so does the other, and each word costs a pass over the text."""
    lowered = [w.lower() for w in words]
    return tuple(w for w in lowered if not any(w != o and w.startswith(o) for o in lowered))


def holds_any(lowered: str, keys: tuple[str, ...]) -> bool:
    """Whether ``lowered`` holds one of ``keys`` anywhere ('rinci' in 'merinci'; a loop:
    cheaper than any() over a generator, and this runs for every article)."""
    for key in keys:
        if key in lowered:
            return True
    return False


def holds_word_start(lowered: str, words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` starts a word of ``lowered`` ('perintah' does not in
    'pemerintah'; 'rinciannya' does at a line's start, after a quote or a bracket): the fast
    test before a scan for phrases opening with them. One ``find`` a word, and one more only at
    an occurrence inside a word: a test for ' rinciannya' alone missed 'Rinciannya, Dinas
    Kesehatan Rp 6,5 miliar, ...' opening its line, and a test for each mark that may stand
    before a word cost a pass over the text each."""
    for word in words:
        if word_start(lowered, word) >= 0:
            return True
    return False


def word_start(lowered: str, word: str, before: int | None = None, start: int = 0) -> int:
    """Where ``word`` first starts a word of ``lowered`` (as ``holds_word_start`` reads it) at
    or after ``start``, -1 when it starts none (none before ``before``, when given)."""
    end = len(lowered) if before is None else before + len(word) - 1
    at = lowered.find(word, start, end)
    while at >= 0:
        if at == 0 or not lowered[at - 1].isalnum():
            return at
        at = lowered.find(word, at + 1, end)
    return -1


def phrase_windows(lowered: str, heads: tuple[str, ...], words_around: tuple[int, int],
                   before: int) -> list[tuple[int, int]]:
    """Where a scan of ``lowered`` for phrases whose heads (``_heads``) are ``heads`` finds them
    all: around each head starting a word before ``before``, from as many words before it and
    to as many after it as a phrase writes (``words_around``, ``_head_reach``), overlapping
    windows merged, in text order; none when no head starts a word there (the caller needs no
    phrase after its last number). A scan costs a hundred instructions or more a character,
    and these words are few and far between: a scan from the first of them to the end cost a
    common one ('yakni') most of an article. A window ends at a space or the text's end, so
    the phrase's last word is read whole."""
    back, ahead = words_around
    windows: list[tuple[int, int]] = []
    for head in heads:
        at = word_start(lowered, head, before)
        while at >= 0:
            windows.append((_words_back(lowered, at, back),
                            _words_on(lowered, at + len(head), ahead)))
            at = word_start(lowered, head, before, at + 1)
    windows.sort()
    merged: list[tuple[int, int]] = []
    for start, end in windows:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _words_back(text: str, at: int, words: int) -> int:
    """Where the word ``words`` words before the one starting at ``at`` starts."""
    for _ in range(words):
        while at > 0 and text[at - 1].isspace():
            at -= 1
        while at > 0 and not text[at - 1].isspace():
            at -= 1
    return at


def _words_on(text: str, at: int, words: int) -> int:
    """The end of the word holding ``at`` and of the ``words`` words after it."""
    end = len(text)
    while at < end and not text[at].isspace():
        at += 1
    for _ in range(words):
        while at < end and text[at].isspace():
            at += 1
        while at < end and not text[at].isspace():
            at += 1
    return at


@lru_cache(maxsize=8)
def vocabulary(domain_name: str = DEFAULT_DOMAIN, language: str = DEFAULT_LANGUAGE) -> Vocabulary:
    """The language's words (``id.yaml``) with those of one domain: the checks of a second
    domain read its own file, with no change of code."""
    lang, domain = load_vocab(language), load_vocab(domain_name)
    start, anywhere = lang["boilerplate_lines"], lang["boilerplate_anywhere"]
    boilerplate = tuple(
        (category, _alternation(patterns), where is anywhere)
        for where in (start, anywhere) for category, patterns in where.items())
    return Vocabulary(
        topic=words_pattern(domain["topic_words"]),
        anaphora=words_pattern(lang["anaphora"]),
        populations=words_pattern(domain["populations"]),
        generic_population_words=frozenset(
            w.lower() for phrase in [*domain["generic_populations"], *lang["total_words"],
                                     *lang["list_words"]] for w in phrase.split()),
        total_words=frozenset(w.lower() for phrase in lang["total_words"] for w in phrase.split()),
        total_marks=words_pattern([*lang["total_words"], *domain["generic_populations"],
                                   *lang["breakdown_words"]]),
        list_words=frozenset(w.lower() for w in lang["list_words"]),
        percent_units=frozenset(u.lower() for u in domain["percent_units"]),
        share_names=words_pattern(domain["share_names"]),
        down=words_pattern(lang["trend_words"]["down"]),
        up=words_pattern(lang["trend_words"]["up"]),
        target_words=words_pattern(lang["target_words"]),
        relative_years={k.lower(): int(v) for k, v in lang["relative_years"].items()},
        relative_year=words_pattern(lang["relative_years"]),
        # Literal-first branches on lower-cased text: the engine skips to candidates quickly.
        scope_words=words_pattern(lang["scope_words"]),
        clause_words=frozenset(w.lower() for w in lang.words("clause_words")),
        # A mark between two digits ('10,6') is inside a number, not a clause break. Every
        # branch starts with its literal, so the engine skips to candidates (a leading
        # look-behind made this scan eight times slower).
        clause_break=re.compile("|".join(
            [rf"{re.escape(c)}(?!(?<=[0-9]{re.escape(c)})[0-9])" for c in lang["clause_marks"]]
            + [re.escape(f" {w.lower()} ") for w in lang["clause_words"]])),
        boilerplate=boilerplate,
        any_boilerplate_start=_alternation(p for ps in start.values() for p in ps),
        any_boilerplate_anywhere=_alternation(p for ps in anywhere.values() for p in ps),
        boilerplate_anywhere_keys=tuple(dict.fromkeys(
            _literal_start(p) for ps in anywhere.values() for p in ps)),
        boilerplate_max_line=int(lang["boilerplate_max_line"]),
        months={k.lower(): int(v) for k, v in lang["months"].items()},
        month=words_pattern(lang["months"]),
        period_start_words=tuple(w.lower() for w in lang.words("period_start_words")),
        period_end_words=tuple(w.lower() for w in lang.words("period_end_words")),
        office_heads=frozenset(w.lower() for w in lang.words("office_heads")),
        activity_words=words_pattern(lang.words("activity_words")),
        change_words=frozenset(w.lower() for w in [*lang["trend_words"]["down"],
                                                   *lang["trend_words"]["up"]]),
        down_words=frozenset(w.lower() for w in lang["trend_words"]["down"]),
        change_amount_words=frozenset(w.lower() for w in lang.words("change_amount_words")),
        breakdown_heads=_heads(lang.words("breakdown_words")),
        breakdown_head_reach=_head_reach(lang.words("breakdown_words")),
        instruction_heads=_starts(lang.words("instruction_words")),
        breakdown=words_pattern(lang.words("breakdown_words")),
        money_breakdown_keys=tuple(w.lower() for w in lang.words("money_breakdown_keys")),
        money_breakdown=words_pattern(lang.words("money_breakdown_words")),
        change_from=words_pattern(lang.words("change_from_words")),
        comparison=words_pattern(lang.words("comparison_words")),
        higher_or_lower=words_pattern([*lang.words("higher_words"), *lang.words("lower_words")]),
        higher_words=frozenset(" ".join(w.lower().split()) for w in lang.words("higher_words")),
        share_whole=words_pattern(lang.words("share_whole_words")),
        change_to=words_pattern(lang.words("change_to_words")),
        change_to_ends=frozenset(w.lower().split()[-1] for w in lang.words("change_to_words")),
        change_amount=words_pattern(lang.words("change_amount_words")),
        percent_points=words_pattern(lang.words("percent_point_words")),
        partial=words_pattern(lang.words("partial_words")),
        subregion_heads=frozenset(w.lower() for w in lang.words("subregion_heads")),
        back_references=frozenset(w.lower() for w in lang.words("back_references")),
        remainder_words=frozenset(w.lower() for w in lang.words("remainder_words")),
        goal_verbs=words_pattern(lang.words("goal_verbs")),
        negations=words_pattern(lang.words("negations")),
        instruction_marks=words_pattern(lang.words("instruction_marks")),
        counted_nouns=words_pattern([*domain.words("counted_nouns"),
                                     *domain.words("count_units")]),
        place_heads=frozenset(w.lower() for w in lang.words("place_heads")),
        provincial_selves=words_pattern(lang.words("provincial_selves")),
        provincial_scope_words=frozenset(w.lower() for w in lang.words("provincial_scope_words")),
        rule_words=words_pattern(lang.words("rule_words")),
        budget_words=words_pattern(lang.words("budget_words")),
        bound_hedges=frozenset(k.lower() for k, v in lang["hedges"].items()
                               if v in ("lower_bound", "upper_bound")),
        scales={k.lower(): float(v) for k, v in lang["scale_words"].items()},
        name_heads=frozenset(w.lower() for w in [*lang.words("office_heads"),
                                                 *lang.words("place_heads"),
                                                 *domain.words("uncounted_nouns")]),
        year_dating_words=frozenset(w.lower() for key in (
            "year_dating_words", "year_words", "period_prepositions", "period_qualifiers",
            "range_words", "list_words", "clause_words", "change_from_words", "change_to_words",
            "target_words")
            for phrase in lang.words(key) for w in phrase.split()),
    )


def boilerplate_category(line: str) -> str | None:
    """Why a line is not article prose ('related_link', 'timestamp+view_counter'...), or None."""
    vocab = vocabulary()
    stripped = line.strip()
    if not stripped or len(stripped) > vocab.boilerplate_max_line:
        return None
    original, stripped = stripped, stripped.lower()
    if vocab.any_boilerplate_start.match(stripped) or (
            holds_any(stripped, vocab.boilerplate_anywhere_keys)
            and vocab.any_boilerplate_anywhere.search(stripped)):
        found = {c for c, pattern, anywhere in vocab.boilerplate
                 if (pattern.search if anywhere else pattern.match)(stripped)}
        return "+".join(sorted(found))
    return "site_chrome" if is_boilerplate_line(original) else None


def is_percent_unit(unit: str | None, domain: str = DEFAULT_DOMAIN) -> bool:
    return unit is not None and unit.strip().lower() in vocabulary(domain).percent_units


@lru_cache(maxsize=4096)
def period_key(period: str | None) -> tuple[int, int] | None:
    """A sortable (year, part) for a period as written: 'awal 2023' < 'akhir tahun 2023' <
    'akhir bulan Februari 2024'. None without a year."""
    years = years_in(period)
    if not years or period is None:
        return None
    low = period.lower()
    vocab = vocabulary()
    month = vocab.month.search(low)
    part = vocab.months[" ".join(month.group().split())] if month else 6
    if any(w in low for w in vocab.period_start_words):
        part = 0
    elif any(w in low for w in vocab.period_end_words) and not month:
        part = 13
    return years[-1], part
