"""Re-running the checks over a finished run, after the rules or vocabularies changed: the
records are streamed from ``extractions.jsonl`` and ``flags.jsonl`` and ``conflicts.jsonl`` are
rewritten. No model is called, so this is cheap enough to run after every rule change, and it
holds what a run holds (flag ids, the reports for the checks across articles), not the
records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from llmextract.checks import ConflictIndex, check_article
from llmextract.models import Flag, Severity
from llmextract.store import (
    CONFLICTS,
    FLAGS,
    iter_records,
    load_flags,
    run_domain,
    write_lines,
)


@dataclass(frozen=True)
class Recheck:
    """What a re-check found, against the flags the run had before."""

    articles: int
    severities: Counter[Severity]
    added: int
    removed: int
    path: Path
    conflicts: int = 0
    _run_dir: Path = field(default=Path("."), repr=False)

    @property
    def flags(self) -> list[Flag]:
        return load_flags(self._run_dir)

    def count(self, severity: Severity) -> int:
        return self.severities[severity]


def recheck_run(run_dir: Path) -> Recheck:
    """Check every record of ``run_dir`` again and rewrite its flags and conflicts files."""
    domain = run_domain(run_dir)
    before = {f.id for f in load_flags(run_dir)}
    after: set[str] = set()
    severities: Counter[Severity] = Counter()
    index = ConflictIndex()
    articles = 0

    def flags() -> Iterator[str]:
        nonlocal articles
        for record in iter_records(run_dir):
            articles += 1
            checked = check_article(record, domain)
            index.add(checked.reports)
            yield from _noted(checked.flags)
        yield from _noted(index.flags())

    def _noted(found: Iterable[Flag]) -> Iterator[str]:
        for flag in found:
            after.add(flag.id)
            severities[flag.severity] += 1
            yield flag.model_dump_json()

    write_lines(run_dir / FLAGS, flags())
    conflicts = write_lines(run_dir / CONFLICTS, (c.model_dump_json() for c in index.conflicts()))
    return Recheck(articles=articles, severities=severities, added=len(after - before),
                   removed=len(before - after), path=run_dir / FLAGS, conflicts=conflicts,
                   _run_dir=run_dir)
