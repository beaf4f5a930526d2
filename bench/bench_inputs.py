"""Peak memory and time of reading 100,000 articles, in each input format: a folder of .txt
files, one JSONL file, one CSV file, one Parquet file. Each reading runs in a fresh process
(its peak resident memory, VmHWM, is the figure; Linux only), once streaming as the pipeline does (every article
read and dropped) and once holding every article in a list, as the reader did before it
streamed, to show what the stream saves.

The articles are the seed texts made unique by a numbered last line (about 3 KB each, 300 MB
per format). Run by hand: ``python bench/bench_inputs.py [--articles N] [--keep DIR]``.
Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys, time
from pathlib import Path
from llmextract.articles import Article, InputOptions, read_inputs
start = time.perf_counter()
stream = read_inputs(Path(sys.argv[1]), InputOptions(text_column="text"))
first = None
held, n, chars = [], 0, 0
for got in stream:
    if first is None:
        first = time.perf_counter() - start
    if isinstance(got, Article):
        n += 1
        chars += len(got.text)
        if sys.argv[2] == "list":
            held.append(got)
total = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent that forked this process.
status = Path("/proc/self/status").read_text()
peak = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]) / 1024
print(n, chars, first, total, peak)
"""


def _texts(count: int) -> list[str]:
    seeds = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [f"{seeds[i % len(seeds)]}\nArtikel nomor {i}.\n" for i in range(count)]


def _write(folder: Path, count: int) -> dict[str, Path]:
    texts = _texts(count)
    files = folder / "txt"
    files.mkdir(parents=True)
    for i, text in enumerate(texts):
        (files / f"{i:06d}.txt").write_text(text, "utf-8")
    jsonl = folder / "news.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(texts):
            fh.write(json.dumps({"id": i, "text": text, "url": f"https://x.id/{i}"}) + "\n")
    table = folder / "news.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "url"])
        writer.writerows([i, text, f"https://x.id/{i}"] for i, text in enumerate(texts))
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = folder / "news.parquet"
    with pq.ParquetWriter(parquet, pa.schema([("id", pa.int64()), ("text", pa.string()),
                                              ("url", pa.string())])) as writer:
        for start in range(0, count, 10_000):
            part = range(start, min(start + 10_000, count))
            writer.write_table(pa.table({"id": list(part), "text": [texts[i] for i in part],
                                         "url": [f"https://x.id/{i}" for i in part]}))
    return {"folder of .txt": files, "JSONL": jsonl, "CSV": table, "Parquet": parquet}


def _measure(path: Path, mode: str) -> tuple[int, float, float, float]:
    env_path = str(ROOT)
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), mode], check=True,
                         capture_output=True, text=True, env={"PYTHONPATH": env_path})
    n, _chars, first, total, peak = out.stdout.split()
    return int(n), float(first), float(total), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Write the inputs here and keep them.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        started = time.perf_counter()
        inputs = _write(folder, args.articles)
        print(f"wrote {args.articles:,} articles per format in {time.perf_counter() - started:.0f} s"
              f" ({platform.python_version()}, {platform.machine()}, "
              f"{resource.getpagesize()} B pages)")
        print("| input | articles | first article | all read | peak memory, streamed "
              "| peak memory, all held |")
        print("|---|---|---|---|---|---|")
        for name, path in inputs.items():
            n, first, total, peak = _measure(path, "stream")
            _, _, _, held = _measure(path, "list")
            print(f"| {name} | {n:,} | {first * 1000:.0f} ms | {total:.1f} s | {peak:.0f} MB "
                  f"| {held:.0f} MB |")


if __name__ == "__main__":
    main()
