"""What changed between two runs over the same articles (another model, prompt or strategy).

Items are paired across the runs by an anchor: their type, their normalized value (numbers) and
their name, or the indicator a target is for, compared fuzzily so that 'kasus stunting' and 'jumlah
kasus stunting' are the same item. An item with no partner was gained or lost; a pair whose other
fields differ (unit, period, kind...) changed. Quotes and spans are not compared: two models rarely
cut the same sentence the same way, and that is not a change in the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, Field

from llmextract.dataset.eval_report import ArticleEval, EvalReport, ItemRef, clip, describe, fig
from llmextract.dataset.evaluate import (
    PROGRAM_NAME_THRESHOLD,
    evaluate_run,
    item_ref,
    match_one_to_one,
    name_similarity,
    same_number,
    subject,
)
from llmextract.models import ArticleRecord, Indicator, Item, Program, Target
from llmextract.store import load_records

COMPARED_FIELDS: dict[type, tuple[str, ...]] = {
    Indicator: ("name", "value_text", "unit", "population", "period", "approximate"),
    Target: ("indicator", "value_text", "unit", "kind", "deadline_year"),
    Program: ("name", "description", "run_by", "beneficiaries"),
}


class FieldChange(BaseModel):
    field: str
    a: str | None
    b: str | None


class ItemChange(BaseModel):
    a: ItemRef
    b: ItemRef
    fields: list[FieldChange]


class ArticleDiff(BaseModel):
    name: str = Field(description="The article's file name.")
    article_id: str
    gained: list[ItemRef] = Field(default_factory=list, description="In run B only.")
    lost: list[ItemRef] = Field(default_factory=list, description="In run A only.")
    changed: list[ItemChange] = Field(default_factory=list)
    unchanged: int = 0


class RunDiff(BaseModel):
    articles: list[ArticleDiff] = Field(default_factory=list)
    only_in_a: list[str] = Field(default_factory=list, description="source_path of each.")
    only_in_b: list[str] = Field(default_factory=list, description="source_path of each.")
    eval_a: EvalReport | None = None
    eval_b: EvalReport | None = None

    def count(self, what: str) -> int:
        """Total of 'gained', 'lost' or 'changed' items over all articles."""
        return sum(len(getattr(a, what)) for a in self.articles)


def _anchor_score(a: Item, b: Item) -> float | None:
    """None unless same type, same value (numbers) and a close name; higher for closer names."""
    if isinstance(a, Program) and isinstance(b, Program):
        score = name_similarity(a.name, b.name)
    elif isinstance(a, (Indicator, Target)) and isinstance(b, (Indicator, Target)):
        score = name_similarity(subject(a), subject(b)) if same_number(a, b) else 0.0
    else:
        return None
    return score if score >= PROGRAM_NAME_THRESHOLD else None


def _shown(value: object) -> str | None:
    if value is None:
        return None
    return str(value.value) if isinstance(value, Enum) else str(value)


def field_changes(a: Item, b: Item) -> list[FieldChange]:
    """Compared fields whose values differ (strings compared with whitespace collapsed)."""
    out = []
    for field in COMPARED_FIELDS[type(a)]:
        x, y = _shown(getattr(a, field)), _shown(getattr(b, field))
        if (x and " ".join(x.split())) != (y and " ".join(y.split())):
            out.append(FieldChange(field=field, a=x, b=y))
    return out


def diff_items(
    items_a: Sequence[Item], items_b: Sequence[Item]
) -> tuple[list[ItemRef], list[ItemRef], list[ItemChange], int]:
    """(gained, lost, changed, unchanged count) between two item lists of one article."""
    pairs = match_one_to_one(items_a, items_b, _anchor_score)
    paired_a = {i for i, _ in pairs}
    paired_b = {j for _, j in pairs}
    changed = []
    for i, j in pairs:
        fields = field_changes(items_a[i], items_b[j])
        if fields:
            changed.append(
                ItemChange(a=item_ref(items_a[i]), b=item_ref(items_b[j]), fields=fields)
            )
    gained = [item_ref(item) for j, item in enumerate(items_b) if j not in paired_b]
    lost = [item_ref(item) for i, item in enumerate(items_a) if i not in paired_a]
    return gained, lost, changed, len(pairs) - len(changed)


def _pair_articles(
    records_a: Sequence[ArticleRecord], records_b: Sequence[ArticleRecord]
) -> tuple[list[tuple[ArticleRecord, ArticleRecord]], list[str], list[str]]:
    """Same article id, else same file name (the text was cleaned or edited differently)."""
    by_id = {r.id: r for r in records_b}
    by_name = {Path(r.source_path).name: r for r in records_b}
    taken: set[int] = set()
    pairs, only_a = [], []
    for a in records_a:
        b = by_id.get(a.id) or by_name.get(Path(a.source_path).name)
        if b is None or id(b) in taken:
            only_a.append(a.source_path)
            continue
        taken.add(id(b))
        pairs.append((a, b))
    only_b = [b.source_path for b in records_b if id(b) not in taken]
    return pairs, only_a, only_b


def diff_runs(
    records_a: list[ArticleRecord],
    records_b: list[ArticleRecord],
    eval_a: EvalReport | None = None,
    eval_b: EvalReport | None = None,
) -> RunDiff:
    """Per article, the items run B gained, lost and changed against run A, carrying each run's
    evaluation against gold when given (``evaluate`` or ``evaluate_run`` of each side)."""
    pairs, only_a, only_b = _pair_articles(records_a, records_b)
    articles = []
    for a, b in sorted(pairs, key=lambda p: Path(p[0].source_path).name):
        gained, lost, changed, unchanged = diff_items(a.items(), b.items())
        articles.append(
            ArticleDiff(
                name=Path(a.source_path).name,
                article_id=a.id,
                gained=gained,
                lost=lost,
                changed=changed,
                unchanged=unchanged,
            )
        )
    return RunDiff(
        articles=articles,
        only_in_a=only_a,
        only_in_b=only_b,
        eval_a=eval_a,
        eval_b=eval_b,
    )


def diff_run_dirs(run_a: Path, run_b: Path, gold_path: Path | None = None) -> RunDiff:
    """``diff_runs`` on two run folders; with gold, each run is evaluated with its own flags and
    failures (``evaluate_run``)."""
    records_a, records_b = load_records(run_a), load_records(run_b)
    if gold_path is None:
        return diff_runs(records_a, records_b)
    return diff_runs(
        records_a, records_b, evaluate_run(run_a, gold_path), evaluate_run(run_b, gold_path)
    )


# ---------------------------------------------------------------- text rendering


def _figures(e: ArticleEval | None) -> str:
    if e is None:
        return "no gold"
    n, p = e.all.numbers, e.passed.numbers
    return (
        f"numbers P {fig(n.precision)} R {fig(n.recall)}"
        f" (passed P {fig(p.precision)} R {fig(p.recall)}), invented {e.all.invented}"
    )


def _eval_of(report: EvalReport | None, article_id: str) -> ArticleEval | None:
    if report is None:
        return None
    return next((e for e in report.articles if e.article_id == article_id), None)


def _overall(label: str, report: EvalReport) -> str:
    t, p = report.overall_all, report.overall_passed
    return (
        f"  {label}: numbers P {fig(t.numbers.precision)} R {fig(t.numbers.recall)}"
        f" F1 {fig(t.numbers.f1)}, passed P {fig(p.numbers.precision)}"
        f" R {fig(p.numbers.recall)} F1 {fig(p.numbers.f1)}, invented {t.invented};"
        f" programs P {fig(t.programs.precision)} R {fig(t.programs.recall)}"
    )


def format_diff(diff: RunDiff) -> str:
    """The diff as plain text: totals, each side's overall figures when gold was given, then per
    article '+' gained, '-' lost and '~' changed items."""
    unchanged = sum(a.unchanged for a in diff.articles)
    lines = [
        f"{len(diff.articles)} articles in both runs: {diff.count('gained')} gained,"
        f" {diff.count('lost')} lost, {diff.count('changed')} changed, {unchanged} unchanged"
    ]
    if diff.eval_a is not None and diff.eval_b is not None:
        lines += [_overall("A", diff.eval_a), _overall("B", diff.eval_b)]
    for a in diff.articles:
        if not (a.gained or a.lost or a.changed) and diff.eval_a is None:
            continue
        lines += ["", f"{a.name}  (+{len(a.gained)} -{len(a.lost)} ~{len(a.changed)})"]
        if diff.eval_a is not None and diff.eval_b is not None:
            lines.append(f"  A: {_figures(_eval_of(diff.eval_a, a.article_id))}")
            lines.append(f"  B: {_figures(_eval_of(diff.eval_b, a.article_id))}")
        lines += [f"  + {describe(r)}: {clip(r.quote)!r}" for r in a.gained]
        lines += [f"  - {describe(r)}: {clip(r.quote)!r}" for r in a.lost]
        for c in a.changed:
            what = ", ".join(f"{f.field} {f.a!r} -> {f.b!r}" for f in c.fields)
            lines.append(f"  ~ {describe(c.a)}: {what}")
    if diff.only_in_a:
        lines += ["", "only in run A: " + ", ".join(diff.only_in_a)]
    if diff.only_in_b:
        lines += ["", "only in run B: " + ", ".join(diff.only_in_b)]
    return "\n".join(lines) + "\n"
