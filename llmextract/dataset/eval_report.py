"""What ``eval`` reports: the figures and listings of a scored run, and their text rendering.

Kept apart from the scoring so that other commands (``diff``, review) can show evaluation
figures without knowing how they were computed. Every model here serializes to JSON
(``eval --json``); precision, recall and F1 are computed fields, None when undefined
(nothing extracted, or nothing in the gold).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field

from llmextract.models import ItemType


class Score(BaseModel):
    extracted: int = 0
    gold: int = 0
    matched: int = 0
    partial: int = Field(default=0, description="Matched pairs whose year, unit or kind differ.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float | None:
        return self.matched / self.extracted if self.extracted else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float | None:
        """0 when one side is empty and the other not (nothing found, or nothing to find)."""
        p, r = self.precision, self.recall
        if p is None and r is None:
            return None
        if p is None or r is None:
            return 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(
            extracted=self.extracted + other.extracted,
            gold=self.gold + other.gold,
            matched=self.matched + other.matched,
            partial=self.partial + other.partial,
        )


class ItemRef(BaseModel):
    """Enough of an item to recognise it in a listing."""

    type: ItemType
    id: str = ""
    label: str = Field(description="value_text for numbers, name for programs.")
    about: str = Field(default="", description="Indicator name or target indicator.")
    value: float | None = None
    value_max: float | None = None
    quote: str = ""


class FieldDiff(BaseModel):
    field: str
    gold: str | None
    extracted: str | None


class Partial(BaseModel):
    gold: ItemRef
    extracted: ItemRef
    fields: list[FieldDiff]


PairedBy = Literal["id", "file name", "failed"]
"""How a gold article found its record; 'failed': the run could not process the article, so it
is scored as an empty extraction (every gold item a miss)."""

FalseReason = Literal["invented", "duplicate", "not_fact", "not_in_gold"]


class FalseItem(BaseModel):
    item: ItemRef
    reason: FalseReason
    detail: str = ""


class Scope(BaseModel):
    """Figures and listings for one set of extracted items (all of them, or those that passed)."""

    numbers: Score = Field(default_factory=Score)
    programs: Score = Field(default_factory=Score)
    invented: int = Field(
        default=0, description="Extracted numbers whose value is nowhere in the text."
    )
    misses: list[ItemRef] = Field(default_factory=list)
    false_items: list[FalseItem] = Field(default_factory=list)
    partials: list[Partial] = Field(default_factory=list)


class MetadataMatch(BaseModel):
    """One article-level field the gold states (title, region, date) against the record's."""

    field: str
    gold: str | None
    extracted: str | None
    correct: bool


class FieldScore(BaseModel):
    """How many articles got one article-level field right, of those whose gold states it."""

    gold: int = 0
    correct: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float | None:
        return self.correct / self.gold if self.gold else None


class ArticleEval(BaseModel):
    name: str = Field(description="The article's key in the gold file.")
    article_id: str
    paired_by: PairedBy
    all: Scope
    passed: Scope
    metadata: list[MetadataMatch] = Field(
        default_factory=list, description="The article-level fields its gold states."
    )


class Totals(BaseModel):
    numbers: Score = Field(default_factory=Score)
    programs: Score = Field(default_factory=Score)
    invented: int = 0


class EvalReport(BaseModel):
    articles: list[ArticleEval] = Field(default_factory=list)
    overall_all: Totals = Field(default_factory=Totals)
    overall_passed: Totals = Field(default_factory=Totals)
    records_without_gold: list[str] = Field(
        default_factory=list, description="source_path of each."
    )
    gold_without_record: list[str] = Field(
        default_factory=list, description="Gold articles the run has no record for (not scored)."
    )
    metadata: dict[str, FieldScore] = Field(
        default_factory=dict,
        description="title, region, date: articles right of those whose gold states the field "
                    "(the checks do not touch these, so there is no 'passed' figure).",
    )


# ---------------------------------------------------------------- text rendering


def fig(x: float | None) -> str:
    return "   -" if x is None else f"{x:4.2f}"


def _score_columns(score: Score) -> str:
    counts = f"{score.matched}/{score.extracted}/{score.gold}"
    return f"{fig(score.precision)} {fig(score.recall)} {fig(score.f1)} {counts:>11}"


def figures_line(figures: Scope | Totals) -> str:
    """One table row: numbers P, R, F1, counts, partial, invented | programs P, R, F1, counts."""
    numbers = _score_columns(figures.numbers)
    programs = _score_columns(figures.programs)
    return f"{numbers} {figures.numbers.partial:>4} {figures.invented:>4}  |  {programs}"


FIGURES_HEADER = "   P    R   F1 ok/ext/gold part  inv  |     P    R   F1 ok/ext/gold"
NUMBERS_PROGRAMS = "numbers".ljust(FIGURES_HEADER.index("|") + 3) + "programs"


def describe(ref: ItemRef) -> str:
    about = f" ({ref.about})" if ref.about else ""
    return f"{ref.type} {ref.label!r}{about}"


def clip(quote: str, limit: int = 100) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"


def _listing(article: ArticleEval) -> list[str]:
    """Misses, false items (marked when the checks caught them), partials, and gold items found
    only by items held back (flagged and not accepted, or rejected or corrected in review)."""
    scope, passed = article.all, article.passed
    lines = [f"    missed   {describe(m)}: {clip(m.quote)!r}" for m in scope.misses]
    surviving = [f.item for f in passed.false_items]
    for f in scope.false_items:
        detail = f": {f.detail}" if f.detail else ""
        caught = "" if f.item in surviving else "  (caught by the checks)"
        lines.append(f"    false    {describe(f.item)} [{f.reason}{detail}]{caught}")
    for p in scope.partials:
        what = ", ".join(f"{d.field} gold {d.gold!r} got {d.extracted!r}" for d in p.fields)
        lines.append(f"    partial  {describe(p.extracted)}: {what}")
    lines.extend(
        f"    held     {describe(m)}: found, but only by items held back (flagged and not "
        "accepted, or rejected or corrected in review)"
        for m in passed.misses
        if m not in scope.misses
    )
    lines.extend(
        f"    {m.field:<8} gold {m.gold!r} got {m.extracted!r}" for m in article.metadata
        if not m.correct
    )
    return lines


VIA: dict[str, str] = {
    "id": "",
    "file name": " (paired with gold by file name: the text differs)",
    "failed": " (the run failed on this article: every gold item is a miss)",
}


def format_report(report: EvalReport) -> str:
    """The report as plain text: a figures table, then every miss, false item and partial match."""
    width = max([len(a.name) for a in report.articles] + [len("overall")])
    lines = [f"{'':{width}}         {NUMBERS_PROGRAMS}", f"{'':{width}}         {FIGURES_HEADER}"]
    rows: list[tuple[str, str, Scope | Totals]] = []
    for a in report.articles:
        rows += [(a.name, "all   ", a.all), ("", "passed", a.passed)]
    rows += [("overall", "all   ", report.overall_all), ("", "passed", report.overall_passed)]
    lines.extend(
        f"{name:{width}}  {label} {figures_line(figures)}" for name, label, figures in rows
    )
    if report.metadata:
        lines.extend(["", "article metadata (right / stated in the gold): " + "   ".join(
            f"{field} {s.correct}/{s.gold}" for field, s in report.metadata.items()
        )])
    for a in report.articles:
        listing = _listing(a)
        if listing:
            via = VIA[a.paired_by]
            lines.extend(["", f"{a.name}{via}", *listing])
    if report.gold_without_record:
        lines.extend(["", "not in the run (not scored): " + ", ".join(report.gold_without_record)])
    if report.records_without_gold:
        lines.extend(["", "no gold (not scored): " + ", ".join(report.records_without_gold)])
    return "\n".join(lines) + "\n"
