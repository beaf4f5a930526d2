"""Re-running the checks over a finished run, after the rules or vocabularies changed: the
records are read from ``extractions.jsonl`` and ``flags.jsonl`` is rewritten. No model is
called, so this is cheap enough to run after every rule change."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from llmextract.checks import check_records
from llmextract.models import Flag, Severity
from llmextract.store import FLAGS, load_flags, load_records, run_domain, write_flags


@dataclass(frozen=True)
class Recheck:
    """What a re-check found, against the flags the run had before."""

    articles: int
    flags: list[Flag]
    added: int
    removed: int
    path: Path

    def count(self, severity: Severity) -> int:
        return Counter(f.severity for f in self.flags)[severity]


def recheck_run(run_dir: Path) -> Recheck:
    """Check every record of ``run_dir`` again and rewrite its flags file."""
    records = load_records(run_dir)
    before = {f.id for f in load_flags(run_dir)}
    flags = check_records(records, run_domain(run_dir))
    write_flags(run_dir, flags)
    after = {f.id for f in flags}
    return Recheck(articles=len(records), flags=flags, added=len(after - before),
                   removed=len(before - after), path=run_dir / FLAGS)
