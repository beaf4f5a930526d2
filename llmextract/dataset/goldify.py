"""A reviewed run becomes evaluation data: the items a person decided, written in the gold
format.

Kept: items a person accepted, corrected or added. Items nobody decided (flagged or merely
unflagged) are left out and counted, so the caller can say how complete the gold is: an
unflagged item is only the extraction's word, and gold made of it would score the extraction
against itself. ``include_unreviewed`` adds them anyway, each marked ``"unreviewed": true``.
Rejected numbers become ``not_facts``: a reader said they are not facts of the article, which is
exactly what the gold's not_facts record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmextract.dataset.gold import (
    Gold,
    GoldArticle,
    GoldIndicator,
    GoldProgram,
    GoldTarget,
    NotFact,
    write_gold,
)
from llmextract.dataset.reviewed import ItemStatus, Review, RunView
from llmextract.models import Indicator, Program, Target
from llmextract.store import require_run_dir


@dataclass(frozen=True)
class GoldResult:
    gold: Gold
    kept: int
    not_facts: int
    unreviewed: int  # items nobody decided: left out, or kept marked with include_unreviewed
    included_unreviewed: bool = False


def _article_key(source_path: str, taken: set[str]) -> str:
    name = Path(source_path).name
    return source_path if name in taken else name


def _add(article: GoldArticle, item: Indicator | Target | Program, unreviewed: bool) -> None:
    data = {**item.model_dump(), "unreviewed": unreviewed}
    if isinstance(item, Indicator):
        article.indicators.append(GoldIndicator.model_validate(data))
    elif isinstance(item, Target):
        article.targets.append(GoldTarget.model_validate(data))
    else:
        article.programs.append(GoldProgram.model_validate(data))


def gold_from_review(review: Review, *, include_unreviewed: bool = False) -> GoldResult:
    """The gold of a reviewed run (see the module docstring for what is kept)."""
    articles: dict[str, GoldArticle] = {}
    keys = {}
    for record in review.records:
        keys[record.id] = _article_key(record.source_path, set(articles))
        articles[keys[record.id]] = GoldArticle(article_id=record.id)
    kept = not_facts = unreviewed = 0
    for ri in review.items:
        article = articles[keys[ri.record.id]]
        item = ri.item
        if ri.status is ItemStatus.rejected:
            if not isinstance(item, Program):
                not_facts += 1
                note = ri.decision.note if ri.decision else ""
                article.not_facts.append(
                    NotFact(
                        value_text=item.value_text,
                        quote=item.quote,
                        why="rejected in review" + (f": {note}" if note else ""),
                    )
                )
        elif ri.status.decided:
            kept += 1
            _add(article, item, unreviewed=False)
        else:
            unreviewed += 1
            if include_unreviewed:
                kept += 1
                _add(article, item, unreviewed=True)
    return GoldResult(Gold(articles=articles), kept=kept, not_facts=not_facts,
                      unreviewed=unreviewed, included_unreviewed=include_unreviewed)


def write_run_gold(run_dir: Path, out: Path, *, include_unreviewed: bool = False) -> GoldResult:
    """Write the gold of the reviewed run ``run_dir`` to ``out``."""
    require_run_dir(run_dir)
    result = gold_from_review(RunView(run_dir).review(), include_unreviewed=include_unreviewed)
    write_gold(result.gold, out)
    return result
