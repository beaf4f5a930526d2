"""The rule-based cross-check: every extracted number checked against the article, with no
model involved. Each family of checks is a module (grounding, source, arithmetic, trend,
plausibility, roles, coverage, across); each returns ``Flag`` objects with a dotted kind, a
severity, a plain message and the spans involved.

``check`` is pure and fast (one parse of the article, vocabulary cached), so ``llmextract run``
calls it after every article and ``llmextract check`` re-runs it over a finished run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from llmextract.checks.across import check_across
from llmextract.checks.arithmetic import check_arithmetic
from llmextract.checks.change import check_change
from llmextract.checks.context import ArticleContext, build_context
from llmextract.checks.coverage import check_coverage
from llmextract.checks.grounding import check_grounding
from llmextract.checks.plausibility import check_plausibility
from llmextract.checks.roles import check_roles
from llmextract.checks.source import check_source
from llmextract.checks.totals import check_totals
from llmextract.checks.trend import check_trend
from llmextract.models import SEVERITY_RANK, ArticleRecord, Extraction, Flag
from llmextract.resources import DEFAULT_DOMAIN
from llmextract.text.parsed import ParsedArticle

__all__ = [
    "ARTICLE_CHECKS", "CheckedArticle", "check", "check_article", "check_record", "check_records",
    "check_run", "sort_flags",
]

ARTICLE_CHECKS: tuple[Callable[[ArticleContext], list[Flag]], ...] = (
    check_grounding, check_source, check_arithmetic, check_trend, check_plausibility,
    check_roles, check_coverage, check_change, check_totals,
)


def sort_flags(flags: list[Flag]) -> list[Flag]:
    """Most severe first, then by article and position; one flag per id."""
    unique = {f.id: f for f in flags}
    return sorted(unique.values(), key=lambda f: (
        SEVERITY_RANK[f.severity], f.article_id, f.spans[0].start if f.spans else -1, f.kind,
        f.field, f.id))


def _run(ctx: ArticleContext) -> list[Flag]:
    return [flag for family in ARTICLE_CHECKS for flag in family(ctx)]


def check(text: str, extraction: Extraction, *, article_id: str = "",
          date: str | None = None, domain: str = DEFAULT_DOMAIN) -> list[Flag]:
    """Every flag for one article's extraction; ``text`` is the text its spans point into.
    ``domain`` names the vocabulary file (``prompts/vocab/<domain>.yaml``) of topic words,
    populations and units the checks read."""
    return sort_flags(_run(build_context(text, extraction, article_id=article_id, date=date,
                                         domain=domain)))


@dataclass(frozen=True)
class CheckedArticle:
    """One article checked: its flags, and its context and region for the checks across the
    articles of a run (so that a run checks each article once)."""

    context: ArticleContext
    region: str | None
    flags: list[Flag]


def check_article(record: ArticleRecord, domain: str = DEFAULT_DOMAIN, *,
                  parsed: ParsedArticle | None = None) -> CheckedArticle:
    """The per-article checks of ``record``; ``parsed``: its text as the pipeline read it."""
    extraction = Extraction(indicators=record.indicators, targets=record.targets,
                            programs=record.programs)
    ctx = build_context(record.text, extraction, article_id=record.id, date=record.date,
                        domain=domain, parsed=parsed)
    return CheckedArticle(ctx, record.region, sort_flags(_run(ctx)))


def check_run(articles: list[CheckedArticle]) -> list[Flag]:
    """The flags of checked articles, plus conflicts between them."""
    flags = [flag for article in articles for flag in article.flags]
    return sort_flags(flags + check_across([(a.context, a.region) for a in articles]))


def check_record(record: ArticleRecord, domain: str = DEFAULT_DOMAIN) -> list[Flag]:
    return check_article(record, domain).flags


def check_records(records: list[ArticleRecord], domain: str = DEFAULT_DOMAIN) -> list[Flag]:
    """Per-article flags for every record, plus conflicts between articles of the run."""
    return check_run([check_article(record, domain) for record in records])
