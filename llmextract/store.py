"""The run folder: what a run leaves behind, written so that nothing finished is ever lost.

    extractions.jsonl   one ArticleRecord per line, appended as each article finishes
    flags.jsonl         one Flag per line; written beside as the articles finish, then put in
                        place atomically (rename) with the flags across articles at the end
    conflicts.jsonl     one Conflict per line: a group of articles that disagree on a value
    run.json            what ran: versions, model, endpoint (no secrets), prompt, counts,
                        timing percentiles, token totals, estimated cost
    errors.jsonl        one line per article that failed, with the reason
    .run.lock           held by the run writing the folder (``writing``)

A crash or Ctrl-C can only cut the line being written; ``load_records`` skips a torn last line,
and the next run cuts it off (``repair_torn_tail``) before appending.
Each line is flushed to the operating system as it is written, so a killed process loses
nothing finished; ``fsync`` (which only a power cut needs) runs at most every
``SYNC_SECONDS`` and at the end, because one per article capped a cached re-run at the disk's
sync rate.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout
from pydantic import BaseModel, ValidationError

from llmextract.credentials import redact, redact_data
from llmextract.errors import UsageError
from llmextract.models import ArticleRecord, Flag
from llmextract.resources import DEFAULT_DOMAIN

EXTRACTIONS = "extractions.jsonl"
FLAGS = "flags.jsonl"
RUN = "run.json"
# Keys of run.json that the review writes (the sampled precision of the unflagged rows): a
# resumed run rewrites run.json and must keep them, or the run forgets what a person judged.
REVIEW_KEYS = ("unflagged_precision",)
ERRORS = "errors.jsonl"
CONFLICTS = "conflicts.jsonl"
LOCK = ".run.lock"
SYNC_SECONDS = 1.0
# run.json's status while a run writes the folder; read back with no run holding the folder, it
# means the run ended without writing its summary: killed (SIGKILL, out of memory, power cut).
RUNNING = "running"
KILLED = "killed"


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
    _write_atomic(path, [text])


def _write_atomic(path: Path, chunks: Iterable[str]) -> int:
    """``chunks`` into ``path`` through ``replace_atomically``; returns how many."""
    written = 0

    def write(tmp: Path) -> None:
        nonlocal written
        with tmp.open("w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(chunk)
                written += 1

    replace_atomically(path, write)
    return written


class LineWriter:
    """Appends lines to one file of the run folder, kept open for the run (see the module
    docstring for when it syncs)."""

    def __init__(self, path: Path, *, append: bool = True) -> None:
        if append:
            repair_torn_tail(path)
        self.path = path
        self._fh = path.open("a" if append else "w", encoding="utf-8")
        self._synced = time.monotonic()

    def write(self, line: str) -> None:
        self._fh.write(line + "\n")
        self._fh.flush()
        if time.monotonic() - self._synced >= SYNC_SECONDS:
            self.sync()

    def tell(self) -> int:
        """Where the next line goes: a mark to ``truncate`` back to."""
        return self._fh.tell()

    def truncate(self, mark: int) -> None:
        """Drops every line written since ``mark`` (a pass that did not finish leaves none)."""
        self._fh.flush()
        self._fh.seek(mark)
        self._fh.truncate()

    def sync(self) -> None:
        os.fsync(self._fh.fileno())
        self._synced = time.monotonic()

    def close(self) -> None:
        if not self._fh.closed:
            self.sync()
            self._fh.close()


def append_record(run_dir: Path, record: ArticleRecord) -> None:
    _append_line(run_dir / EXTRACTIONS, record.model_dump_json())


def append_error(run_dir: Path, source: str, reason: str) -> None:
    """A reason may quote a server's error body, which may echo the key: redacted here too."""
    _append_line(
        run_dir / ERRORS,
        json.dumps({"source": source, "reason": redact(reason)}, ensure_ascii=False),
    )


def write_flags(run_dir: Path, flags: Iterable[Flag]) -> None:
    write_lines(run_dir / FLAGS, (f.model_dump_json() for f in flags))


def write_lines(path: Path, lines: Iterable[str]) -> int:
    """``lines`` into ``path`` atomically, streamed; returns how many."""
    return _write_atomic(path, (line + "\n" for line in lines))


def write_run_info(run_dir: Path, info: dict[str, Any], *, keep_review: bool = False) -> None:
    """``keep_review``: carry over the ``REVIEW_KEYS`` of the run.json being replaced (the run
    rewriting its own summary), unless ``info`` sets them itself."""
    if keep_review:
        previous = load_run_info(run_dir)
        info = {**{k: previous[k] for k in REVIEW_KEYS if k in previous}, **info}
    write_atomic(run_dir / RUN, json.dumps(redact_data(info), indent=2, ensure_ascii=False) + "\n")


@contextmanager
def writing(run_dir: Path) -> Iterator[None]:
    """Hold ``run_dir`` for one run (an OS file lock, which the kernel lets go of however the
    process ends): two runs appending to one folder at once would interleave their lines."""
    lock = FileLock(run_dir / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        pid = load_run_info(run_dir).get("pid")
        raise UsageError(f"{run_dir}: another llmextract run is writing this folder"
                         + (f" (pid {pid})" if pid else "")) from None
    try:
        yield
    finally:
        lock.release()


def run_state(run_dir: Path) -> str | None:
    """run.json's status (None without one), told apart from a lie: a run that says it is
    running while no process holds the folder was killed."""
    status = load_run_info(run_dir).get("status")
    if status != RUNNING:
        return status
    lock = FileLock(run_dir / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return RUNNING
    lock.release()
    return KILLED


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


class _RecordKey(BaseModel):
    """What a pass over the records needs to find each article's latest line (pydantic reads
    only these fields, far faster than whole records)."""

    id: str
    model: str = ""
    prompt: str = ""


R = TypeVar("R", bound=BaseModel)


def _record_lines(run_dir: Path, kind: type[R]) -> Iterator[tuple[int, int, R]]:
    """(line number, byte offset, record as ``kind``) of every complete line, read as a stream;
    a torn last line (crash mid-write) is skipped."""
    path = run_dir / EXTRACTIONS
    with path.open("rb") as fh:
        offset, n = 0, 0
        for raw in fh:
            n += 1
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            try:
                yield n, start, kind.model_validate_json(raw)
            except ValidationError:
                if not raw.endswith(b"\n"):
                    return
                raise UsageError(f"{path}:{n}: not a valid record") from None


def record_offsets(run_dir: Path) -> dict[str, tuple[str, str, int]]:
    """Article id -> (model, prompt, byte offset) of its latest record: what a resumed run
    needs to know of the records already there, without holding them."""
    if not (run_dir / EXTRACTIONS).is_file():
        return {}
    return {r.id: (r.model, r.prompt, start) for _, start, r in _record_lines(run_dir, _RecordKey)}


def record_at(run_dir: Path, offset: int) -> ArticleRecord:
    with (run_dir / EXTRACTIONS).open("rb") as fh:
        fh.seek(offset)
        return ArticleRecord.model_validate_json(fh.readline())


def iter_records(run_dir: Path) -> Iterator[ArticleRecord]:
    """Every record, streamed, the latest of an article only (a resumed run may have written one
    twice): a first pass finds each article's latest line, the second reads those lines."""
    require_run_dir(run_dir)
    latest = {r.id: n for n, _, r in _record_lines(run_dir, _RecordKey)}
    keep = set(latest.values())
    for n, _, record in _record_lines(run_dir, ArticleRecord):
        if n in keep:
            yield record


def load_records(run_dir: Path) -> list[ArticleRecord]:
    """Every complete record (``iter_records`` as a list)."""
    return list(iter_records(run_dir))


def load_flags(run_dir: Path) -> list[Flag]:
    return [Flag.model_validate_json(line) for line in _read_jsonl(run_dir / FLAGS)]


def load_run_info(run_dir: Path) -> dict[str, Any]:
    path = run_dir / RUN
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def run_domain(run_dir: Path) -> str:
    """The vocabulary the run was checked with, so that re-checking it reads the same words
    (runs written before the domain was recorded were all stunting runs)."""
    return str(load_run_info(run_dir).get("domain") or DEFAULT_DOMAIN)
