"""A reviewed run becomes evaluation data: its settled items written in the gold format.

Kept: items a reviewer accepted, corrected or added, and items no check flagged. Items still
waiting for review are left out (the gold would otherwise contain unchecked doubts) and counted,
so the caller can say how complete the gold is. Rejected numbers become ``not_facts``: a reader
said they are not facts of the article, which is exactly what the gold's not_facts record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmextract.dataset.gold import Gold, GoldArticle, GoldProgram, NotFact, write_gold
from llmextract.dataset.reviewed import (
    ACCEPTED,
    ADDED,
    CORRECTED,
    NEEDS_REVIEW,
    REJECTED,
    UNFLAGGED_OK,
    Review,
    RunView,
)
from llmextract.models import Indicator, Program, Target
from llmextract.store import require_run_dir

KEPT = frozenset({ACCEPTED, CORRECTED, ADDED, UNFLAGGED_OK})


@dataclass(frozen=True)
class GoldResult:
    gold: Gold
    kept: int
    not_facts: int
    unreviewed: int


def _article_key(source_path: str, taken: set[str]) -> str:
    name = Path(source_path).name
    return source_path if name in taken else name


def gold_from_review(review: Review) -> GoldResult:
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
        if ri.status in KEPT:
            kept += 1
            if isinstance(item, Indicator):
                article.indicators.append(item)
            elif isinstance(item, Target):
                article.targets.append(item)
            elif isinstance(item, Program):
                article.programs.append(GoldProgram.model_validate(item.model_dump()))
        elif ri.status == REJECTED and not isinstance(item, Program):
            not_facts += 1
            note = ri.decision.note if ri.decision else ""
            article.not_facts.append(
                NotFact(
                    value_text=item.value_text,
                    quote=item.quote,
                    why="rejected in review" + (f": {note}" if note else ""),
                )
            )
        elif ri.status == NEEDS_REVIEW:
            unreviewed += 1
    return GoldResult(
        Gold(articles=articles), kept=kept, not_facts=not_facts, unreviewed=unreviewed
    )


def write_run_gold(run_dir: Path, out: Path) -> GoldResult:
    """Write the gold of the reviewed run ``run_dir`` to ``out``."""
    require_run_dir(run_dir)
    result = gold_from_review(RunView(run_dir).review())
    write_gold(result.gold, out)
    return result
