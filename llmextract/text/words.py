"""Word lists as regular expressions: the one builder of a whole-word pattern from vocabulary
phrases, the trie it is built on, and the one pattern for a year written in a text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

# A year as written in a period, a date note or a text: 1800 to 2099.
YEAR_IN = re.compile(r"(?<![0-9])(1[89][0-9]{2}|20[0-9]{2})(?![0-9])")


def word_trie(tails: Mapping[str, str], *, first: Iterable[str] = ()) -> str:
    """An alternation of lower-case words as a trie, each word followed by its own pattern
    (its tail), so the regex engine tries one branch per letter instead of one per word, and
    a pattern starting with it can skip to candidate letters (these scans run over every
    article). A word that begins a longer one is tried after it, so the longest wins.
    ``first`` are patterns tried before the words in the same flat alternation: the engine
    rejects a branch on its first character, where a nested group costs it a backtracking
    frame at every position tried."""
    root: dict[str, Any] = {}
    for word, tail in tails.items():
        node = root
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = tail

    def emit(node: dict[str, Any], before: Iterable[str] = ()) -> str:
        branches = [*before]
        branches += [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c]
        if "" in node:
            branches.append(node[""])
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root, first)


# For each pattern of ``words_pattern``, what ``phrase_ending`` tests first: the last letters
# of its phrases, its phrases' last words anchored at the end of the text, and how far back
# the longest of those starts.
_LAST_WORDS: dict[int, tuple[re.Pattern[str], tuple[re.Pattern[str], re.Pattern[str], int]]] = {}


# For each case-sensitive pattern of ``words_pattern``: words one of which every match holds
# (``search_words``' first test).
_KEYS: dict[int, tuple[re.Pattern[str], tuple[str, ...]]] = {}

# Both are keyed by the pattern's ``id``, not the pattern: a compiled pattern's hash is
# computed from its whole program at every lookup, and these run several times an item. Each
# entry holds its pattern, so that no other pattern takes its id while the entry lives; the
# two tests read their entry in place (a helper call cost as much as the lookup).


def _hitting_words(phrases: list[str]) -> tuple[str, ...]:
    """Few words, one of which is written in each of ``phrases`` (inside one of its words):
    'target' for 'target', 'targetkan' and 'menargetkan'; 'tahun' for every 'tahun ...'."""
    left = [set(p.split()) for p in phrases]
    keys: list[str] = []
    while left:
        words = {w for p in left for w in p}
        best = max(sorted(words), key=lambda k: (sum(any(k in w for w in p) for p in left),
                                                  len(k)))
        keys.append(best)
        left = [p for p in left if not any(best in w for w in p)]
    return tuple(keys)


@lru_cache(maxsize=256)
def _words_pattern(words: tuple[str, ...], ignore_case: bool) -> re.Pattern[str]:
    rests: dict[str, list[str]] = {}
    phrases = sorted({w.lower() for w in words if w.strip()}, key=len, reverse=True)
    for phrase in phrases:
        first, *rest = phrase.split()
        rests.setdefault(first, []).append("".join(rf"\s+{re.escape(p)}" for p in rest))
    if not rests:
        return re.compile(r"(?!)")
    tails = {first: rf"(?<!\w{re.escape(first)})(?:{'|'.join(alts)})"
             for first, alts in rests.items()}
    flags = re.IGNORECASE if ignore_case else 0
    pattern = re.compile(rf"(?:{word_trie(tails)})(?!\w)", flags)
    last = {phrase.split()[-1] for phrase in phrases}
    if not ignore_case:
        _KEYS[id(pattern)] = (pattern, _hitting_words(phrases))
    letters = "".join(sorted(map(re.escape, {w[-1] for w in last})))
    _LAST_WORDS[id(pattern)] = (pattern, (re.compile(f"[{letters}]", flags),
                                          re.compile(word_trie(dict.fromkeys(last, r"\Z")), flags),
                                          max(map(len, last))))
    return pattern


def may_hold(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """False when ``text[start:end]`` certainly holds no match of ``pattern``: for a
    case-sensitive ``words_pattern``, when it holds none of its ``_hitting_words`` (substring
    tests cost a few instructions a character, the pattern's scan a hundred or more; these
    scans of a clause or a sentence run for every item). A loop, not ``any()`` over a
    generator, which costs more than the few substring tests it runs."""
    entry = _KEYS.get(id(pattern))
    if entry is None or entry[0] is not pattern:
        return True
    for key in entry[1]:
        if text.find(key, start, end) >= 0:
            return True
    return False


def search_words(pattern: re.Pattern[str], text: str, start: int, end: int,
                 ) -> re.Match[str] | None:
    """``pattern.search(text, start, end)``, not run where ``may_hold`` says no match is."""
    return pattern.search(text, start, end) if may_hold(pattern, text, start, end) else None


def phrase_ending(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The match of ``pattern`` (among those a scan from the start finds) that ends ``text``
    ('di hadapan' in 'di hadapan'): read the words right before a number. Such a match ends
    with the last word of one of its phrases, so for a ``words_pattern`` the last letter and
    then the few positions where that word can start are tried first; most texts end with
    none, and are not scanned."""
    entry = _LAST_WORDS.get(id(pattern))
    if entry is not None and entry[0] is pattern:
        letters, words, reach = entry[1]
        if not text or letters.match(text, len(text) - 1) is None \
                or words.search(text, max(0, len(text) - reach)) is None:
            return None
    return next((m for m in pattern.finditer(text) if m.end() == len(text)), None)


def phrases_alternation(words: Iterable[object], *, lower: bool = True) -> str:
    """Vocabulary phrases as an alternation to embed in a larger pattern: escaped, longest
    first (so a phrase that begins a longer one does not cut it short), any run of spaces
    between their words, and a pattern that never matches when there are none. ``lower`` for
    patterns run over lower-cased text or under ``(?i:...)``."""
    items = sorted({str(w).lower() if lower else str(w) for w in words if str(w).strip()},
                   key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in items) or "(?!)"


def words_pattern(words: Iterable[str], *, ignore_case: bool = False) -> re.Pattern[str]:
    """Whole-word alternation of vocabulary phrases (longest first, any run of spaces between
    their words). Without ``ignore_case`` it is meant for lower-cased text: case-sensitive
    matching is several times faster than IGNORECASE. The phrases form a trie and the word
    boundary before a phrase is checked after its first word, so the engine skips to candidate
    letters instead of testing a leading look-behind at every position (two to twenty times
    faster)."""
    return _words_pattern(tuple(str(w) for w in words), ignore_case)


def any_case(*lists: Iterable[str]) -> re.Pattern[str]:
    """``words_pattern`` of the words of ``lists`` together, matching in any case: the
    extraction rules read the article as written."""
    return words_pattern([w for words in lists for w in words], ignore_case=True)


@lru_cache(maxsize=4096)
def years_in(text: str | None) -> tuple[int, ...]:
    """The years written in a period or a date note ('Juli 2025' -> 2025); the same few
    periods are asked about for every item."""
    return tuple(int(y) for y in YEAR_IN.findall(text or ""))


_WORD_BEFORE = re.compile(r"(\w)[\w'-]*\s+$")


def inside_a_name(text: str, at: int) -> bool:
    """A capitalised word after another ('Strategi Nasional Percepatan Penurunan Stunting di
    Kendari'): part of a name, which places no figure (the city's APBD money for it is the
    city's); 'rata-rata Provinsi Sumatera Utara' still compares."""
    before = _WORD_BEFORE.search(text, max(0, at - 40), at)
    return text[at].isupper() and before is not None and before.group(1).isupper()
