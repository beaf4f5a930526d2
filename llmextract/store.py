"""The run folder: what a run leaves behind, written so that nothing finished is ever lost.

    extractions.jsonl   one ArticleRecord per line, appended and fsynced as each article finishes
    flags.jsonl         one Flag per line; rewritten atomically (temp file + rename) after checks
    run.json            what ran: versions, model, endpoint (no secrets), prompt, counts, timings
    errors.jsonl        one line per article that failed, with the reason

A crash or Ctrl-C can only cut the line being written; ``load_records`` skips a torn last line.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from llmextract.errors import UsageError
from llmextract.models import ArticleRecord, Flag
from llmextract.resources import DEFAULT_DOMAIN

EXTRACTIONS = "extractions.jsonl"
FLAGS = "flags.jsonl"
RUN = "run.json"
ERRORS = "errors.jsonl"


def new_run_dir(root: Path = Path("runs")) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")
    path = root / stamp
    n = 1
    while path.exists():
        n += 1
        path = root / f"{stamp}-{n}"
    return path


def repair_torn_tail(path: Path) -> int:
    """A crash mid-write leaves a last line without its newline: cut the file back to its last
    complete line, so the next record starts on a line of its own. Returns the bytes cut."""
    if not path.is_file():
        return 0
    with path.open("rb+") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return 0
        keep, block = 0, 1 << 16
        pos = size
        while pos > 0:  # find the last newline from the end, a block at a time
            start = max(0, pos - block)
            fh.seek(start)
            at = fh.read(pos - start).rfind(b"\n")
            if at >= 0:
                keep = start + at + 1
                break
            pos = start
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
        return size - keep


def _append_line(path: Path, line: str) -> None:
    repair_torn_tail(path)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _create_beside(path: Path) -> Path:
    """A new empty file in ``path``'s folder, with the mode ``open`` would give it (0666 less
    the umask). ``tempfile.mkstemp`` makes 0600 files, and the rename kept that mode: exports and
    reports were readable by their owner only, whatever the umask said."""
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Have ``write`` fill a temporary file beside ``path``, then rename it into place: a reader
    (or a crash) never sees half a file, and a failed write leaves the old file as it was."""
    tmp = _create_beside(path)
    try:
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    replace_atomically(path, write)


def append_record(run_dir: Path, record: ArticleRecord) -> None:
    _append_line(run_dir / EXTRACTIONS, record.model_dump_json())


def append_error(run_dir: Path, source: str, reason: str) -> None:
    _append_line(
        run_dir / ERRORS, json.dumps({"source": source, "reason": reason}, ensure_ascii=False)
    )


def write_flags(run_dir: Path, flags: Iterable[Flag]) -> None:
    write_atomic(run_dir / FLAGS, "".join(f.model_dump_json() + "\n" for f in flags))


def write_run_info(run_dir: Path, info: dict[str, Any]) -> None:
    write_atomic(run_dir / RUN, json.dumps(info, indent=2, ensure_ascii=False) + "\n")


def require_folder_of(path: Path) -> None:
    """An output file goes into a folder that exists: a typo in ``-o`` is a one-line error, not
    a traceback after the work is done."""
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such folder")


def require_run_dir(run_dir: Path) -> None:
    if not (run_dir / EXTRACTIONS).is_file():
        raise UsageError(f"{run_dir}: not a run folder (no {EXTRACTIONS})")


def _read_jsonl(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_records(run_dir: Path) -> list[ArticleRecord]:
    """Every complete record; a torn last line (crash mid-write) is skipped; the latest record
    of an article wins when a resumed run wrote it twice."""
    require_run_dir(run_dir)
    records: dict[str, ArticleRecord] = {}
    lines = _read_jsonl(run_dir / EXTRACTIONS)
    for n, line in enumerate(lines, start=1):
        try:
            record = ArticleRecord.model_validate_json(line)
        except ValidationError:
            if n == len(lines):
                continue
            raise UsageError(f"{run_dir / EXTRACTIONS}:{n}: not a valid record") from None
        records[record.id] = record
    return list(records.values())


def load_flags(run_dir: Path) -> list[Flag]:
    return [Flag.model_validate_json(line) for line in _read_jsonl(run_dir / FLAGS)]


def load_run_info(run_dir: Path) -> dict[str, Any]:
    path = run_dir / RUN
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def run_domain(run_dir: Path) -> str:
    """The vocabulary the run was checked with, so that re-checking it reads the same words
    (runs written before the domain was recorded were all stunting runs)."""
    return str(load_run_info(run_dir).get("domain") or DEFAULT_DOMAIN)
