"""Scoring a run against hand-made gold (the format is documented in ``docs/gold.md``).

Numbers are what the dataset is for, so they are scored on their own and strictly: an extracted
indicator or target counts only if a gold item of the same kind has the same normalized value
(and upper bound, for a range). Period, unit and the like are then compared and a disagreement is
reported as a *partial* match instead of hiding the found number. Programs have no number to
anchor on, so they are paired by fuzzy name against the gold name and its aliases.

Every figure is given twice: for everything the run extracted, and for what passed (items
carrying no ``error`` or ``warning`` flag), because the second is what a user would ship. A
reviewed run's decisions count: an item a person accepted passes whatever the checks said, one
a person rejected or had to correct does not (its extracted form was wrong).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from rapidfuzz import fuzz

from llmextract.dataset.decisions import Decision, DecisionStore
from llmextract.dataset.eval_report import (
    ArticleEval,
    EvalReport,
    FalseItem,
    FieldDiff,
    FieldScore,
    ItemRef,
    MetadataMatch,
    PairedBy,
    Partial,
    Scope,
    Score,
    Totals,
)
from llmextract.dataset.gold import METADATA_FIELDS, Gold, GoldArticle, NotFact, load_gold
from llmextract.dataset.reviewed import ItemStatus, build_review
from llmextract.models import (
    ArticleRecord,
    Flag,
    Indicator,
    Item,
    ItemType,
    Program,
    Severity,
    Target,
)
from llmextract.resources import DEFAULT_DOMAIN, DEFAULT_LANGUAGE, load_vocab
from llmextract.store import ERRORS, load_flags, load_records, run_domain
from llmextract.text.numbers import parse_numbers, parse_value
from llmextract.text.words import years_in

PROGRAM_NAME_THRESHOLD = 85.0
"""Similarity (0-100, see ``name_similarity``) a program name needs against a gold name or alias."""

BLOCKING = frozenset({Severity.error, Severity.warning})
NumberItem = Indicator | Target
_T = TypeVar("_T")
_G = TypeVar("_G")


# ---------------------------------------------------------------- comparing items


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _upper(item: NumberItem) -> float | None:
    """A range's upper bound; a 'range' whose bounds are equal is a single value."""
    top = item.value_max if isinstance(item, Target) else None
    return None if top is None or _same(top, item.value) else top


def same_number(extracted: NumberItem, gold: NumberItem) -> bool:
    """Same kind of item (indicator or target) and same normalized value and upper bound."""
    return (
        isinstance(extracted, Indicator) == isinstance(gold, Indicator)  # gold subclasses
        and extracted.value is not None
        and _same(extracted.value, gold.value)
        and _same(_upper(extracted), _upper(gold))
    )


@lru_cache(maxsize=4)
def _percent_words(language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    return frozenset(str(w).lower() for w in load_vocab(language).words("percent_words"))


def unit_key(unit: str | None) -> str | None:
    """Units compared case-blind, with every way of writing 'percent' read as one."""
    if unit is None or not unit.strip():
        return None
    key = " ".join(unit.lower().split())
    return "%" if key in _percent_words() else key


def years(period: str | None) -> frozenset[int]:
    return frozenset(years_in(period))


def number_differences(extracted: NumberItem, gold: NumberItem) -> list[FieldDiff]:
    """Fields of a matched pair that disagree; only fields the gold states are compared."""
    diffs: list[tuple[str, object, object]] = []
    if isinstance(gold, Indicator) and isinstance(extracted, Indicator):
        if years(gold.period) and years(extracted.period) != years(gold.period):
            diffs.append(("period", gold.period, extracted.period))
        if extracted.approximate != gold.approximate:
            diffs.append(("approximate", gold.approximate, extracted.approximate))
    if isinstance(gold, Target) and isinstance(extracted, Target):
        if gold.deadline_year is not None and extracted.deadline_year != gold.deadline_year:
            diffs.append(("deadline_year", gold.deadline_year, extracted.deadline_year))
        if extracted.kind != gold.kind:
            diffs.append(("kind", gold.kind.value, extracted.kind.value))
    if gold.unit and unit_key(extracted.unit) != unit_key(gold.unit):
        diffs.append(("unit", gold.unit, extracted.unit))
    return [FieldDiff(field=f, gold=_text(g), extracted=_text(e)) for f, g, e in diffs]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def subject(item: NumberItem) -> str:
    """What a number is about: the indicator's name, or the indicator a target is set for."""
    return item.name if isinstance(item, Indicator) else item.indicator


def _number_score(extracted: NumberItem, gold: NumberItem) -> float | None:
    """None when the pair cannot match; else higher for fewer disagreements, then closer names."""
    if not same_number(extracted, gold):
        return None
    closeness = fuzz.token_sort_ratio(
        normalize_name(subject(extracted)), normalize_name(subject(gold))
    )
    return -len(number_differences(extracted, gold)) + closeness / 1000


def normalize_name(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", name.lower()).split())


def name_similarity(a: str, b: str) -> float:
    """rapidfuzz similarity of two normalized names, word order ignored. When the shorter name has
    two words or more, being contained in the other counts as equal ('Program Bapak Asuh' and
    'Bapak Asuh'); a single word must resemble the whole other name ('Posyandu' is no program)."""
    a, b = normalize_name(a), normalize_name(b)
    if min(len(a.split()), len(b.split())) >= 2:
        return fuzz.token_set_ratio(a, b)
    return fuzz.token_sort_ratio(a, b)


def program_similarity(name: str, gold: Program) -> float:
    """Best ``name_similarity`` of ``name`` against the gold name and its aliases."""
    return max(name_similarity(name, n) for n in [gold.name, *getattr(gold, "aliases", [])])


def _program_score(extracted: Program, gold: Program) -> float | None:
    score = program_similarity(extracted.name, gold)
    return score if score >= PROGRAM_NAME_THRESHOLD else None


def match_one_to_one(
    extracted: Sequence[_T], gold: Sequence[_G], score: Callable[[_T, _G], float | None]
) -> list[tuple[int, int]]:
    """Pairs (extracted index, gold index), each side used once, best-scoring pairs first.

    For numbers, which pairs may match is an equivalence (same value), so taking pairs greedily
    already matches as many as possible; the score only decides which of equal values pair up."""
    pairs = sorted(
        (
            (s, i, j)
            for i, e in enumerate(extracted)
            for j, g in enumerate(gold)
            if (s := score(e, g)) is not None
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    used_e: set[int] = set()
    used_g: set[int] = set()
    out: list[tuple[int, int]] = []
    for _, i, j in pairs:
        if i not in used_e and j not in used_g:
            used_e.add(i)
            used_g.add(j)
            out.append((i, j))
    return sorted(out)


# ---------------------------------------------------------------- invented numbers


def text_values(text: str) -> list[float]:
    """Every value (and range upper bound) the number parser reads in ``text``."""
    out: list[float] = []
    for mention in parse_numbers(text):
        out.extend(v for v in (mention.value, mention.value_max) if v is not None)
    return out


def _written_in(text: str, value_text: str, value: float) -> bool:
    """The value's own written form stands alone in the text and reads as the value (catches a
    day of a date, which the parser reads as part of the date, not as a number)."""
    written = value_text.strip()
    if not written or not _same(parse_value(written), value):
        return False
    return re.search(rf"(?<![\w.,]){re.escape(written)}(?![\w]|[.,]\d)", text) is not None


def is_invented(item: NumberItem, text: str, values: Sequence[float]) -> bool:
    """True when the item's number (or a range's upper bound) appears nowhere in ``text``."""
    for value in (item.value, _upper(item)):
        if value is None:
            continue
        if not any(_same(value, v) for v in values) and not _written_in(
            text, item.value_text, value
        ):
            return True
    return False


# ---------------------------------------------------------------- scoring one article


def _kind(item: Item) -> ItemType:
    """Like ``models.item_type``, but also for subclasses (a gold program with aliases)."""
    if isinstance(item, Program):
        return "program"
    return "target" if isinstance(item, Target) else "indicator"


def item_ref(item: Item) -> ItemRef:
    kind = _kind(item)
    if isinstance(item, Program):
        return ItemRef(type=kind, id=item.id, label=item.name, quote=item.quote)
    return ItemRef(
        type=kind,
        id=item.id,
        label=item.value_text,
        about=subject(item),
        value=item.value,
        value_max=_upper(item),
        quote=item.quote,
    )


def _is_not_fact(item: NumberItem, fact: NotFact) -> bool:
    if item.value is None:
        return False
    return any(_same(item.value, v) for v in text_values(fact.value_text)) or _written_in(
        fact.value_text, item.value_text, item.value
    )


def _false_number(
    item: NumberItem, matched_gold: list[NumberItem], invented: bool, not_facts: list[NotFact]
) -> FalseItem:
    if invented:
        return FalseItem(
            item=item_ref(item), reason="invented", detail="value not in the article text"
        )
    twin = next((g for g in matched_gold if same_number(item, g)), None)
    if twin is not None:
        return FalseItem(
            item=item_ref(item),
            reason="duplicate",
            detail=f"restates gold {_kind(twin)} {twin.value_text!r}",
        )
    fact = next((f for f in not_facts if _is_not_fact(item, f)), None)
    if fact is not None:
        return FalseItem(item=item_ref(item), reason="not_fact", detail=fact.why or fact.value_text)
    return FalseItem(item=item_ref(item), reason="not_in_gold")


def _score_numbers(numbers: list[NumberItem], gold: GoldArticle, text: str, scope: Scope) -> None:
    gold_numbers: list[NumberItem] = [*gold.indicators, *gold.targets]
    pairs = match_one_to_one(numbers, gold_numbers, _number_score)
    matched_e = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    for i, j in pairs:
        diffs = number_differences(numbers[i], gold_numbers[j])
        if diffs:
            scope.partials.append(
                Partial(
                    gold=item_ref(gold_numbers[j]), extracted=item_ref(numbers[i]), fields=diffs
                )
            )
    values = text_values(text)
    invented = [is_invented(item, text, values) for item in numbers]
    twins = [gold_numbers[j] for j in sorted(matched_g)]
    scope.invented = sum(invented)
    scope.false_items.extend(
        _false_number(item, twins, invented[i], gold.not_facts)
        for i, item in enumerate(numbers)
        if i not in matched_e
    )
    scope.misses.extend(item_ref(g) for j, g in enumerate(gold_numbers) if j not in matched_g)
    scope.numbers = Score(
        extracted=len(numbers),
        gold=len(gold_numbers),
        matched=len(pairs),
        partial=len(scope.partials),
    )


def _score_programs(programs: list[Program], gold: GoldArticle, scope: Scope) -> None:
    pairs = match_one_to_one(programs, gold.programs, _program_score)
    matched_e = {i for i, _ in pairs}
    matched = [gold.programs[j] for _, j in pairs]
    for i, item in enumerate(programs):
        if i in matched_e:
            continue
        twin = next((g for g in matched if _program_score(item, g) is not None), None)
        scope.false_items.append(
            FalseItem(item=item_ref(item), reason="not_in_gold")
            if twin is None
            else FalseItem(
                item=item_ref(item),
                reason="duplicate",
                detail=f"restates gold program {twin.name!r}",
            )
        )
    matched_g = {j for _, j in pairs}
    scope.misses.extend(item_ref(g) for j, g in enumerate(gold.programs) if j not in matched_g)
    scope.programs = Score(extracted=len(programs), gold=len(gold.programs), matched=len(pairs))


def score_scope(
    numbers: list[NumberItem], programs: list[Program], gold: GoldArticle, text: str
) -> Scope:
    """Score one article's extracted items (one scope) against its gold."""
    scope = Scope()
    _score_numbers(numbers, gold, text, scope)
    _score_programs(programs, gold, scope)
    return scope


def _normal(value: str | None) -> str:
    """Case and spacing aside (a non-breaking space is a space); empty and None are the same."""
    return " ".join((value or "").split()).casefold()


def score_metadata(record: ArticleRecord, gold: GoldArticle) -> list[MetadataMatch]:
    """The record's title, region and date against those the gold states: equal after case and
    spacing, and a gold null (the article does not tell) wants an empty field, not a guess."""
    return [
        MetadataMatch(field=name, gold=want, extracted=(got := getattr(record, name)),
                      correct=_normal(got) == _normal(want))
        for name, want in gold.metadata().items()
    ]


def _metadata_totals(articles: list[ArticleEval]) -> dict[str, FieldScore]:
    totals: dict[str, FieldScore] = {}
    for name in METADATA_FIELDS:
        matches = [m for a in articles for m in a.metadata if m.field == name]
        if matches:
            totals[name] = FieldScore(gold=len(matches), correct=sum(m.correct for m in matches))
    return totals


def blocked_item_ids(flags: Sequence[Flag]) -> set[tuple[str, str]]:
    """(article id, item id) of every item with an error or warning flag."""
    return {(f.article_id, f.item_id) for f in flags if f.item_id and f.severity in BLOCKING}


def evaluate_article(
    record: ArticleRecord,
    gold: GoldArticle,
    name: str,
    paired_by: PairedBy,
    blocked: set[tuple[str, str]],
) -> ArticleEval:
    numbers: list[NumberItem] = [*record.indicators, *record.targets]

    def ok(item: Item) -> bool:
        return (record.id, item.id) not in blocked

    return ArticleEval(
        name=name,
        article_id=record.id,
        paired_by=paired_by,
        all=score_scope(numbers, record.programs, gold, record.text),
        passed=score_scope(
            [n for n in numbers if ok(n)], [p for p in record.programs if ok(p)], gold, record.text
        ),
        metadata=score_metadata(record, gold),
    )


# ---------------------------------------------------------------- the run


def pair_records(
    records: Sequence[ArticleRecord], gold: Gold
) -> tuple[list[tuple[str, ArticleRecord, PairedBy]], list[str], list[str]]:
    """Pair each record with its gold article by article id, else by file name.

    Returns (name, record, how) triples, the source paths of records with no gold, and the gold
    names no record pairs with."""
    by_id = {g.article_id: name for name, g in gold.articles.items() if g.article_id}
    taken: set[str] = set()
    pairs: list[tuple[str, ArticleRecord, PairedBy]] = []
    orphans: list[str] = []
    for record in records:
        how: PairedBy = "id"
        name = by_id.get(record.id)
        if name is None or name in taken:
            how = "file name"
            name = Path(record.source_path).name
        if name in gold.articles and name not in taken:
            taken.add(name)
            pairs.append((name, record, how))
        else:
            orphans.append(record.source_path)
    missing = [name for name in gold.articles if name not in taken]
    return sorted(pairs, key=lambda p: p[0]), orphans, missing


def _totals(scopes: list[Scope]) -> Totals:
    totals = Totals()
    for scope in scopes:
        totals.numbers = totals.numbers + scope.numbers
        totals.programs = totals.programs + scope.programs
        totals.invented += scope.invented
    return totals


def _failed_pairs(
    missing: list[str], gold: Gold, failed: Sequence[str]
) -> list[tuple[str, ArticleRecord, PairedBy]]:
    """Empty stand-in records for the gold articles the run tried and failed on."""
    by_name = {Path(source).name: source for source in failed}
    return [
        (
            name,
            ArticleRecord(
                id=gold.articles[name].article_id or "", source_path=by_name[name], text=""
            ),
            "failed",
        )
        for name in missing
        if name in by_name
    ]


def held_back(records: list[ArticleRecord], flags: list[Flag], decisions: list[Decision],
              domain: str = DEFAULT_DOMAIN) -> set[tuple[str, str]]:
    """(article id, item id) of the items that do not pass: blocked by a flag nobody decided, or
    rejected or corrected by a person; an item a person accepted passes."""
    blocked = blocked_item_ids(flags)
    for ri in build_review(records, flags, decisions, domain).items:
        key = (ri.record.id, ri.item.id)
        if ri.status in (ItemStatus.rejected, ItemStatus.corrected):
            blocked.add(key)
        elif ri.status is ItemStatus.accepted:
            blocked.discard(key)
    return blocked


def evaluate(
    records: list[ArticleRecord],
    gold: Gold,
    flags: list[Flag] | None = None,
    failed: Sequence[str] = (),
    decisions: list[Decision] | None = None,
    domain: str = DEFAULT_DOMAIN,
) -> EvalReport:
    """Score a run's records against gold. ``failed``: source paths of the articles the run could
    not process; their gold articles are scored as empty extractions. Other gold articles with no
    record are listed, not scored, so a run over part of the articles is judged on that part.
    ``decisions``: the run's review, which decides what passes (see ``held_back``)."""
    blocked = held_back(records, flags or [], decisions or [], domain)
    pairs, orphans, missing = pair_records(records, gold)
    failed_pairs = _failed_pairs(missing, gold, failed)
    missing = [name for name in missing if name not in {n for n, _, _ in failed_pairs}]
    articles = [
        evaluate_article(record, gold.articles[name], name, how, blocked)
        for name, record, how in sorted([*pairs, *failed_pairs], key=lambda p: p[0])
    ]
    return EvalReport(
        articles=articles,
        overall_all=_totals([a.all for a in articles]),
        overall_passed=_totals([a.passed for a in articles]),
        records_without_gold=orphans,
        gold_without_record=missing,
        metadata=_metadata_totals(articles),
    )


def failed_sources(run_dir: Path) -> list[str]:
    """Source paths listed in the run's ``errors.jsonl`` (articles the run could not process)."""
    path = run_dir / ERRORS
    if not path.is_file():
        return []
    sources = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line after a crash
        if isinstance(entry, dict) and isinstance(entry.get("source"), str):
            sources.append(entry["source"])
    return sources


def evaluate_run(run_dir: Path, gold_path: Path) -> EvalReport:
    """``evaluate`` on a run folder: its records, the flags its checks wrote, its failures, and
    its review decisions."""
    gold = load_gold(gold_path)
    records = load_records(run_dir)
    return evaluate(records, gold, load_flags(run_dir), failed_sources(run_dir),
                    DecisionStore(run_dir).all(), run_domain(run_dir))
