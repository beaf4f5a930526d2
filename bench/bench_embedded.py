"""Seconds per article and eval figures of the candidates strategy on the seeds, with the
embedded model (run by hand; prints figures, asserts nothing).

    python bench/bench_embedded.py                       # prompts/candidates.yaml
    python bench/bench_embedded.py --prompt candidates-chat
    python bench/bench_embedded.py --set labelling.trust_rules=false --set labelling.path=rules
    python bench/bench_embedded.py --base-url http://127.0.0.1:8080/v1   # a server already up

No cache: every call reaches the model, so the seconds are real. The server's startup is not
counted; the first article pays for reading the few-shot prefix once.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llmextract.articles import read_articles
from llmextract.checks import check_records
from llmextract.dataset.evaluate import evaluate
from llmextract.extract import strategy_named
from llmextract.dataset.gold import load_gold
from llmextract.llm import Endpoint, ModelClient
from llmextract.local_model import MODEL_ALIAS, embedded_endpoint
from llmextract.pipeline import process_article
from llmextract.prompts import Prompt, load_prompt


def with_overrides(prompt: Prompt, settings: list[str]) -> Prompt:
    """The prompt with ``a.b=value`` settings applied (values read as YAML), re-hashed."""
    data = copy.deepcopy(prompt.data)
    for setting in settings:
        path, _, raw = setting.partition("=")
        *parents, leaf = path.split(".")
        node = data
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = yaml.safe_load(raw)
    digest = hashlib.sha256(yaml.safe_dump(data, sort_keys=True).encode()).hexdigest()
    return Prompt(prompt.name, prompt.version, prompt.strategy, digest, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompt", default="candidates")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold" / "seeds.json")
    parser.add_argument("--base-url", help="use a llama.cpp server already running")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "llmextract-bench")
    parser.add_argument("--verbose", action="store_true", help="list misses and false items")
    args = parser.parse_args()

    prompt = with_overrides(load_prompt(args.prompt), args.set)
    strategy = strategy_named(prompt.strategy)
    articles, _ = read_articles(args.seeds)
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    server = (nullcontext(Endpoint(model=MODEL_ALIAS, base_url=args.base_url, embedded=True))
              if args.base_url else embedded_endpoint(args.cache_dir))
    with server as endpoint:
        client = ModelClient(endpoint, cache=None)
        records = []
        for article in articles:
            started = time.monotonic()
            record = process_article(article, client, strategy, prompt)
            records.append(record)
            print(f"{Path(article.source_path).name}: {time.monotonic() - started:5.1f} s  "
                  f"{record.usage.calls} calls  {record.usage.prompt_tokens} prompt tokens  "
                  f"{len(record.indicators)} indicators  {len(record.targets)} targets  "
                  f"{len(record.programs)} programs  problems {len(record.problems)}")
    flags = check_records(records)
    report = evaluate(records, load_gold(args.gold), flags)
    seconds = [r.seconds for r in records]
    print(f"prompt {prompt.id} {json.dumps(prompt.data.get('labelling'))}")
    print(f"seconds per article: mean {sum(seconds) / len(seconds):.1f}, max {max(seconds):.1f}")
    for scope, totals in (("all", report.overall_all), ("after checks", report.overall_passed)):
        n, p = totals.numbers, totals.programs
        print(f"{scope:>12}: numbers P {n.precision or 0:.2f} R {n.recall or 0:.2f} "
              f"({n.matched}/{n.extracted} extracted, {n.gold} gold, {n.partial} partial)  "
              f"invented {totals.invented}  programs P {p.precision or 0:.2f} R {p.recall or 0:.2f} "
              f"({p.matched}/{p.extracted}, {p.gold} gold)")
    if args.verbose:
        for art in report.articles:
            for miss in art.all.misses:
                print(f"  miss  {art.name[:3]} {miss}")
            for false in art.all.false_items:
                print(f"  false {art.name[:3]} {false}")


if __name__ == "__main__":
    main()
