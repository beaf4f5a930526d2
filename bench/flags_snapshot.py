"""Whether a change to the checks kept their behaviour: every flag ``check()`` raises on every
gold set article (as ``tests/test_checks_gold_sets.py`` checks them) and on every injected
fault of ``tests/test_fault_injection.py`` (wrong values, periods, quotes: the paths that flag),
written to a JSON file on one tree and compared on another.

Run by hand from the repository: ``python bench/flags_snapshot.py save FILE`` on the tree
before the change, ``python bench/flags_snapshot.py compare FILE`` after it. Prints what
differs; exit status 1 when anything does.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmextract.articles import Article, read_file  # noqa: E402
from llmextract.checks import check  # noqa: E402
from llmextract.dataset.gold import load_gold  # noqa: E402
from llmextract.extract.base import attach_spans  # noqa: E402
from llmextract.metadata import read_metadata  # noqa: E402
from llmextract.models import Extraction, assign_item_ids  # noqa: E402
from llmextract.text.clean import clean_text  # noqa: E402
from tests import test_fault_injection as faults  # noqa: E402
from tests.test_gold_files import GOLD_SETS  # noqa: E402


def _gold_flags() -> dict[str, Any]:
    found = {}
    for name, (path, folder) in sorted(GOLD_SETS.items()):
        for article, gold in sorted(load_gold(path).articles.items()):
            [record] = read_file(folder / article)
            assert isinstance(record, Article), record
            cleaned = clean_text(record.text)
            extraction = Extraction.model_validate(gold.model_dump())
            extraction = assign_item_ids(record.id, attach_spans(cleaned.text, extraction))
            flags = check(cleaned.text, extraction, article_id=record.id,
                          date=read_metadata(cleaned).date)
            found[f"{name}/{article}"] = [f.model_dump(mode="json") for f in flags]
    return found


def _fault_flags() -> dict[str, Any]:
    found = {}
    for fault in faults.FAULTS:
        gold = copy.deepcopy(faults.gold_articles()[fault.article])
        text, gold = fault.apply(faults.cleaned(fault.article), gold)
        flags = faults.run_checks(fault.article, text, gold)
        found[f"fault/{fault.name}"] = [f.model_dump(mode="json") for f in flags]
    return found


def snapshot() -> dict[str, Any]:
    return {**_gold_flags(), **_fault_flags()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    now = snapshot()
    flags = sum(map(len, now.values()))
    if args.action == "save":
        args.file.write_text(json.dumps(now, indent=1, sort_keys=True), "utf-8")
        print(f"{args.file}: {len(now)} cases, {flags} flags")
        return
    before = json.loads(args.file.read_text("utf-8"))
    differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for key in differ:
        print(f"differs: {key}")
    print(f"{len(now)} cases, {flags} flags; {len(differ)} differ from {args.file}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
