"""The review audit trail: every decision a person makes, kept in ``review.sqlite`` in the run
folder and never changed afterwards.

Decisions are appended, one row each, with who, when, the item before and after, and a note;
triggers refuse UPDATE and DELETE, so the history a reviewer sees is the history that happened.
Each write is one ``BEGIN IMMEDIATE`` transaction on a WAL database with ``synchronous=FULL``:
two browser tabs, the CLI and the page can write at once, and a crash loses at most the decision
being written. The latest decision for a key wins when the run is exported.

A decision's ``key`` is the id of the item it settles (``Indicator.id`` etc.), or the flag id for
a flag about the whole article (e.g. a number no item used). Item and flag ids are content
hashes, so re-running ``check`` with new rules keeps every decision attached.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

from tenacity import retry, retry_if_exception, stop_after_delay, wait_random

from llmextract.errors import UsageError

DATABASE = "review.sqlite"
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT NOT NULL,
    article_id TEXT NOT NULL,
    item_type  TEXT,
    action     TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'correct', 'add')),
    flag_ids   TEXT NOT NULL DEFAULT '[]',
    reviewer   TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS decisions_key ON decisions (key, seq);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
    BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
    BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
CREATE TABLE IF NOT EXISTS samples (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    seed        INTEGER NOT NULL,
    per_article INTEGER NOT NULL,
    reviewer    TEXT NOT NULL,
    drawn_at    TEXT NOT NULL,
    item_ids    TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS samples_no_update BEFORE UPDATE ON samples
    BEGIN SELECT RAISE(ABORT, 'review samples are append-only'); END;
"""


class Action(str, Enum):
    """accept: the extraction is right; reject: remove it; correct: replace its fields;
    add: an item the extraction missed."""

    accept = "accept"
    reject = "reject"
    correct = "correct"
    add = "add"


@dataclass(frozen=True)
class Decision:
    """One row of the audit trail. ``before``/``after`` are the item as JSON-ready dicts
    (``after`` is set for correct and add)."""

    seq: int
    key: str
    article_id: str
    item_type: str | None
    action: Action
    reviewer: str
    decided_at: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""
    flag_ids: tuple[str, ...] = field(default_factory=tuple)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _row(row: sqlite3.Row) -> Decision:
    return Decision(
        seq=row["seq"], key=row["key"], article_id=row["article_id"], item_type=row["item_type"],
        action=Action(row["action"]), reviewer=row["reviewer"], decided_at=row["decided_at"],
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
        note=row["note"], flag_ids=tuple(json.loads(row["flag_ids"])),
    )


def _locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


@retry(retry=retry_if_exception(_locked), wait=wait_random(0.005, 0.05),
       stop=stop_after_delay(BUSY_TIMEOUT_MS / 1000), reraise=True)
def _ensure_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL once. Changing the journal mode does not wait on SQLite's busy
    timeout: two tabs opening a new database at once got 'database is locked' about once in 50
    tries on 2 busy cores, so the switch is skipped when done and retried when contended."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode=WAL")


@dataclass(frozen=True)
class SampleDraw:
    """A random sample of unflagged items, drawn once and kept (a later ``check`` with new rules
    must not change which items were drawn); the latest draw is the one reviewed."""

    seq: int
    seed: int
    per_article: int
    reviewer: str
    drawn_at: str
    item_ids: tuple[str, ...]


class DecisionStore:
    """The decisions of one run folder. Opens a short-lived connection per call, so one store can
    be shared by the server's threads."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / DATABASE

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise UsageError(f"{self.path}: cannot open the review database ({exc})") from None
        try:
            conn.row_factory = sqlite3.Row
            _ensure_wal(conn)
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(_SCHEMA)
            yield conn
        finally:
            conn.close()

    def record(self, *, key: str, article_id: str, action: Action, reviewer: str,
               item_type: str | None = None, before: dict[str, Any] | None = None,
               after: dict[str, Any] | None = None, note: str = "",
               flag_ids: list[str] | tuple[str, ...] = ()) -> Decision:
        """Append one decision in its own transaction and return it as stored."""
        if not reviewer.strip():
            raise UsageError("a decision needs a reviewer name (--reviewer or LLMEXTRACT_REVIEWER)")
        decided_at = _now()
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cur = conn.execute(
                    "INSERT INTO decisions (key, article_id, item_type, action, flag_ids, reviewer,"
                    " decided_at, before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, article_id, item_type, Action(action).value,
                     json.dumps(sorted(flag_ids)), reviewer, decided_at, _json(before),
                     _json(after), note),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            seq = int(cur.lastrowid or 0)
        return Decision(seq=seq, key=key, article_id=article_id, item_type=item_type,
                        action=Action(action), reviewer=reviewer, decided_at=decided_at,
                        before=before, after=after, note=note, flag_ids=tuple(sorted(flag_ids)))

    def all(self) -> list[Decision]:
        """Every decision, oldest first (none before the first one is written: reading a run
        never creates the database)."""
        if not self.path.exists():
            return []
        with self._connect() as conn:
            return [_row(r) for r in conn.execute("SELECT * FROM decisions ORDER BY seq")]

    def history(self, key: str) -> list[Decision]:
        if not self.path.exists():
            return []
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM decisions WHERE key = ? ORDER BY seq", (key,))
            return [_row(r) for r in rows]

    def record_sample(self, *, seed: int, per_article: int, reviewer: str,
                      item_ids: list[str]) -> SampleDraw:
        """Keep a drawn sample in the run's review database."""
        if not reviewer.strip():
            raise UsageError("a sample needs a reviewer name (--reviewer or LLMEXTRACT_REVIEWER)")
        drawn_at = _now()
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO samples (seed, per_article, reviewer, drawn_at, item_ids)"
                " VALUES (?, ?, ?, ?, ?)",
                (seed, per_article, reviewer, drawn_at, json.dumps(item_ids)),
            )
            seq = int(cur.lastrowid or 0)
        return SampleDraw(seq, seed, per_article, reviewer, drawn_at, tuple(item_ids))

    def latest_sample(self) -> SampleDraw | None:
        """The sample under review, None before one is drawn."""
        if not self.path.exists():
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM samples ORDER BY seq DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return SampleDraw(row["seq"], row["seed"], row["per_article"], row["reviewer"],
                          row["drawn_at"], tuple(json.loads(row["item_ids"])))


def latest(decisions: list[Decision]) -> dict[str, Decision]:
    """The decision that counts for each key: the last one made."""
    out: dict[str, Decision] = {}
    for d in sorted(decisions, key=lambda d: d.seq):
        out[d.key] = d
    return out


def default_reviewer() -> str:
    """Who is deciding: ``LLMEXTRACT_REVIEWER``, else the OS user name."""
    import getpass
    import os

    name = os.environ.get("LLMEXTRACT_REVIEWER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
