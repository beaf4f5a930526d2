"""The dataset summed up by place, indicator and year: the table an analyst looks at first.

Only indicators (levels and counts) are summed up: a target looks ahead and a program has no
value. Each row is one value of one indicator, in one place and one year, with how many items
said it and how many of those a person decided; two different values for the same place,
indicator and year are two rows, marked as a conflict, never averaged into a number nobody
wrote. Rejected items are left out; with ``only_reviewed`` so are the items nobody decided, as
in the export. The place is the one the item names, else the article's region for a local
figure, else its scope (a national figure quoted in a district's news is not the district's);
the year is the item's, else the one year written in its period (an item whose period names
none, or several, is summed up with year unknown).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from llmextract.dataset.reviewed import Review, ReviewedItem
from llmextract.models import Indicator, Scope
from llmextract.text.words import years_in


@dataclass(frozen=True)
class SummaryRow:
    place: str | None
    indicator: str
    unit: str | None
    year: int | None
    value: float
    value_text: str
    approximate: bool
    items: int
    reviewed: int
    conflict: bool
    articles: tuple[str, ...]

    @property
    def unreviewed(self) -> bool:
        return self.reviewed == 0


SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("place", "string"), ("indicator", "string"), ("unit", "string"), ("year", "int64"),
    ("value", "float64"), ("value_text", "string"), ("approximate", "bool_"),
    ("items", "int64"), ("reviewed", "int64"), ("conflict", "bool_"), ("articles", "string"),
)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def item_year(item: Indicator) -> int | None:
    if item.year is not None:
        return item.year
    years = set(years_in(item.period))
    return years.pop() if len(years) == 1 else None


def item_place(ri: ReviewedItem) -> str | None:
    item = ri.item
    assert isinstance(item, Indicator)
    if item.place:
        return item.place
    return ri.record.region if item.scope is Scope.local else item.scope.value


def summarize(review: Review, *, only_reviewed: bool = False) -> list[SummaryRow]:
    """The summary rows, by place, indicator, unit and year, then value (see the module)."""
    groups: dict[tuple[str, str, str, int | None], list[ReviewedItem]] = defaultdict(list)
    spelling: dict[str, Counter[str]] = defaultdict(Counter)
    for ri in review.items:
        item = ri.item
        if not isinstance(item, Indicator) or item.value is None or not ri.status.kept:
            continue
        if only_reviewed and not ri.status.decided:
            continue
        key = _name_key(item.name)
        spelling[key][item.name] += 1
        groups[(item_place(ri) or "", key, item.unit or "", item_year(item))].append(ri)
    rows: list[SummaryRow] = []
    for (place, key, unit, year), members in groups.items():
        by_value: dict[float, list[ReviewedItem]] = defaultdict(list)
        for ri in members:
            by_value[ri.item.value].append(ri)  # type: ignore[union-attr, index]
        for value, said in sorted(by_value.items()):
            first = said[0].item
            assert isinstance(first, Indicator)
            rows.append(
                SummaryRow(
                    place=place or None,
                    indicator=spelling[key].most_common(1)[0][0],
                    unit=unit or None,
                    year=year,
                    value=value,
                    value_text=first.value_text,
                    approximate=any(isinstance(r.item, Indicator) and r.item.approximate
                                    for r in said),
                    items=len(said),
                    reviewed=sum(r.status.decided for r in said),
                    conflict=len(by_value) > 1,
                    articles=tuple(dict.fromkeys(r.record.id for r in said)),
                )
            )
    rows.sort(key=lambda r: (r.place is None, r.place or "", r.indicator.casefold(),
                             r.unit or "", r.year is None, r.year or 0, r.value))
    return rows
