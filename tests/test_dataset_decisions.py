"""The audit trail: append-only, latest decision wins, nothing lost to concurrent writers."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from llmextract.dataset.decisions import DATABASE, Action, DecisionStore, default_reviewer, latest
from llmextract.errors import UsageError


def test_reading_a_run_never_creates_the_database(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path)
    assert store.all() == [] and store.history("I1") == []
    assert not (tmp_path / DATABASE).exists()


def test_a_decision_is_stored_with_who_when_before_after_and_note(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path)
    made = store.record(key="I1", article_id="a", action=Action.correct, reviewer="ana",
                        item_type="indicator", before={"value": 30.0}, after={"value": 300.0},
                        note="typo", flag_ids=["F2", "F1"])
    [stored] = DecisionStore(tmp_path).history("I1")
    assert stored == made
    assert (stored.reviewer, stored.before, stored.after, stored.note) == (
        "ana", {"value": 30.0}, {"value": 300.0}, "typo")
    assert stored.flag_ids == ("F1", "F2")
    assert stored.decided_at.endswith("Z")


@pytest.mark.parametrize("statement", [
    "UPDATE decisions SET note = 'rewritten'",
    "DELETE FROM decisions",
])
def test_the_trail_is_append_only(tmp_path: Path, statement: str) -> None:
    DecisionStore(tmp_path).record(key="I1", article_id="a", action=Action.accept, reviewer="ana")
    conn = sqlite3.connect(tmp_path / DATABASE)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(statement)
    conn.close()
    assert len(DecisionStore(tmp_path).all()) == 1


def test_the_latest_decision_per_key_wins(tmp_path: Path) -> None:
    store = DecisionStore(tmp_path)
    for key, action in [("I1", Action.accept), ("I2", Action.accept), ("I1", Action.reject)]:
        store.record(key=key, article_id="a", action=action, reviewer="ana")
    last = latest(store.all())
    assert {k: d.action for k, d in last.items()} == {"I1": Action.reject, "I2": Action.accept}
    assert [d.action for d in store.history("I1")] == [Action.accept, Action.reject]


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    """Two tabs (threads with their own connections) writing at once: every decision kept."""
    store = DecisionStore(tmp_path)

    def write(who: str) -> None:
        for n in range(40):
            store.record(key=f"I{n}", article_id="a", action=Action.accept, reviewer=who)

    threads = [threading.Thread(target=write, args=(who,)) for who in ("tab1", "tab2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    decisions = store.all()
    assert len(decisions) == 80
    assert len({d.seq for d in decisions}) == 80


def test_a_decision_needs_a_reviewer(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="reviewer"):
        DecisionStore(tmp_path).record(key="I1", article_id="a", action=Action.accept, reviewer=" ")


@pytest.mark.parametrize("env, expected", [("maria", "maria"), ("", None)])
def test_default_reviewer(monkeypatch: pytest.MonkeyPatch, env: str, expected: str | None) -> None:
    monkeypatch.setenv("LLMEXTRACT_REVIEWER", env)
    monkeypatch.setattr("getpass.getuser", lambda: "os-user")
    assert default_reviewer() == (expected or "os-user")
