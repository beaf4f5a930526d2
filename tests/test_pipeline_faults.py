"""What the user gets when the model endpoint misbehaves, run by run through the command line
against the fault server (``tests/faultserver.py``, hand-made replies on a loopback port).

One of three articles triggers the fault; for each fault the test checks the article's fate
(retried into a success, or failed with one line naming the file and the fault), that the two
others finish, the exit status and the counts in ``run.json``. An unusable answer is a failure
or a flagged item, never a silent success (issue 13, items 1 and 2).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from llmextract.cli import main
from llmextract.store import load_flags, load_records

from .faultserver import FaultServer, Mode

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

TRIGGER = "Ujicoba"  # only the second article names this place
PLACES = ["Sukamaju", TRIGGER, "Mekarsari"]


def write_articles(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for n, place in enumerate(PLACES):
        path = folder / f"{n}_{place.lower()}.txt"
        path.write_text(
            f"Kabupaten {place} mencatat 242 kasus stunting pada 2025, turun dari 300 kasus "
            "pada 2024.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


@dataclass
class Outcome:
    result: Result
    seconds: float
    out: Path
    info: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.result.output.splitlines()


def run_cli(tmp_path: Path, server: FaultServer, *extra: str, strategy: str = "read") -> Outcome:
    folder = tmp_path / "in"
    if not folder.exists():
        write_articles(folder)
    out = tmp_path / "run"
    started = time.monotonic()
    result = CliRunner().invoke(
        main,
        ["run", str(folder), "--base-url", server.url, "--model", "m", "--strategy", strategy,
         "--out", str(out), *extra],
    )
    outcome = Outcome(result, time.monotonic() - started, out)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception  # never a traceback
    if (out / "run.json").is_file():
        outcome.info = json.loads((out / "run.json").read_text("utf-8"))
    if (out / "errors.jsonl").is_file():
        outcome.errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    return outcome


def assert_others_finished(outcome: Outcome) -> None:
    names = {Path(r.source_path).name for r in load_records(outcome.out)}
    assert {"0_sukamaju.txt", "2_mekarsari.txt"} <= names
    for r in load_records(outcome.out):
        if "ujicoba" not in r.source_path:
            assert [i.value for i in r.indicators] == [242, 300] and not r.problems


def assert_failed_alone(outcome: Outcome, says: str) -> None:
    """The faulty article failed with one line naming it and the fault; the others finished."""
    assert outcome.result.exit_code == 1, outcome.result.output
    assert outcome.info["status"] == "finished"
    counts = outcome.info["counts"]
    assert (counts["articles"], counts["processed"], counts["failed"]) == (3, 2, 1)
    assert counts["not_attempted"] == 0
    [error] = outcome.errors
    assert error["source"].endswith("1_ujicoba.txt") and says in error["reason"]
    assert "\n" not in error["reason"]
    shown = [line for line in outcome.lines if line.startswith("failed: ")]
    assert len(shown) == 1 and "1_ujicoba.txt" in shown[0] and says in shown[0]
    assert "2 articles processed, 1 failed" in outcome.result.output
    assert_others_finished(outcome)


def assert_all_finished(outcome: Outcome) -> None:
    assert outcome.result.exit_code == 0, outcome.result.output
    counts = outcome.info["counts"]
    assert (counts["processed"], counts["failed"], counts["with_problems"]) == (3, 0, 0)
    assert outcome.errors == []
    assert_others_finished(outcome)
    [faulty] = [r for r in load_records(outcome.out) if "ujicoba" in r.source_path]
    assert [i.value for i in faulty.indicators] == [242, 300]


def faulty_requests(server: FaultServer) -> list[float]:
    return [r.at for r in server.seen(TRIGGER)]


# --- transport faults: retried, within a bounded number of attempts ---


def test_slow_answer_within_the_timeout_is_waited_for(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    fault_server.fail(TRIGGER, Mode.delay, seconds=1.0)
    outcome = run_cli(tmp_path, fault_server, "--timeout", "5")
    assert_all_finished(outcome)
    assert len(faulty_requests(fault_server)) == 2  # numbers and programs, once each


def test_no_answer_within_the_timeout_fails_the_article_after_four_tries(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    fault_server.fail(TRIGGER, Mode.delay, seconds=3.0)
    outcome = run_cli(tmp_path, fault_server, "--timeout", "0.5")
    assert_failed_alone(outcome, "gave no answer within the timeout")
    assert len(faulty_requests(fault_server)) == 4
    # Bounded: four timeouts of 0.5 s and three backoffs of at most 1 + 2 + 4 s, plus the run.
    assert outcome.seconds < 60


def test_rate_limit_honours_retry_after_then_succeeds(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    fault_server.fail(TRIGGER, Mode.rate_limited, times=2, seconds=1)
    outcome = run_cli(tmp_path, fault_server)
    assert_all_finished(outcome)
    at = faulty_requests(fault_server)
    assert len(at) == 4  # two 429s, then numbers and programs
    assert at[1] - at[0] >= 1.0 and at[2] - at[1] >= 1.0


def test_rate_limit_that_persists_fails_the_article(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    fault_server.fail(TRIGGER, Mode.rate_limited, seconds=0)
    outcome = run_cli(tmp_path, fault_server)
    assert_failed_alone(outcome, "429")
    assert len(faulty_requests(fault_server)) == 4


def test_server_error_that_persists_fails_the_article_after_four_tries(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    fault_server.fail(TRIGGER, Mode.server_error)
    outcome = run_cli(tmp_path, fault_server)
    assert_failed_alone(outcome, "500")
    assert len(faulty_requests(fault_server)) == 4
    assert outcome.seconds < 60


def test_unavailable_once_is_retried_into_a_success(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    fault_server.fail(TRIGGER, Mode.unavailable, times=1)
    outcome = run_cli(tmp_path, fault_server)
    assert_all_finished(outcome)
    assert [r.fault for r in fault_server.seen(TRIGGER)] == [Mode.unavailable, None, None]


def test_dropped_connection_once_is_retried_into_a_success(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    fault_server.fail(TRIGGER, Mode.dropped, times=1)
    assert_all_finished(run_cli(tmp_path, fault_server))
    assert len(faulty_requests(fault_server)) == 3


def test_connection_dropped_every_time_fails_that_article_only(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    """The server is up (it accepted the connection): one article's trouble, not the run's."""
    fault_server.fail(TRIGGER, Mode.dropped)
    outcome = run_cli(tmp_path, fault_server)
    assert_failed_alone(outcome, "dropped the connection")
    assert len(faulty_requests(fault_server)) == 4


# --- unusable answers: failures, never an empty success ---


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        (Mode.length, "cut at max_tokens (finish_reason 'length')"),
        (Mode.malformed, "the answer is not valid JSON"),
        (Mode.wrong_shape, "the answer is JSON but not of the schema asked for"),
        (Mode.huge, "exceeds the 1 MiB character limit"),
    ],
    ids=["length", "malformed", "wrong-shape", "huge-body"],
)
@pytest.mark.parametrize("strategy", ["read", "direct"])
def test_unusable_answer_fails_the_article_not_the_run(
    tmp_path: Path, fault_server: FaultServer, mode: Mode, says: str, strategy: str
) -> None:
    fault_server.fail(TRIGGER, mode, size=3 * 1024 * 1024)
    outcome = run_cli(tmp_path, fault_server, strategy=strategy)
    if strategy == "read":
        assert_failed_alone(outcome, says)
    else:  # the stand-in server extracts nothing for direct: only the counts can be checked
        assert outcome.result.exit_code == 1
        assert outcome.info["counts"]["failed"] == 1 and outcome.info["counts"]["processed"] == 2
        [error] = outcome.errors
        assert error["source"].endswith("1_ujicoba.txt") and says in error["reason"]


def test_failed_answers_are_asked_again_on_the_next_run(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    """A failure is not cached: once the server behaves, the same command completes the run."""
    fault_server.fail(TRIGGER, Mode.malformed)
    assert run_cli(tmp_path, fault_server).result.exit_code == 1
    fault_server.faults.clear()
    outcome = run_cli(tmp_path, fault_server)
    assert outcome.result.exit_code == 0
    assert outcome.info["counts"]["processed"] == 3 and outcome.info["counts"]["failed"] == 0
    assert len(load_records(outcome.out)) == 3


# --- answers that validate but are not in the article: left out or flagged, and said ---


def test_figures_the_parser_did_not_find_are_left_out_and_said(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    """``direct``: a number the model wrote that the parser did not find in the article never
    becomes an item (the model gives no values); the record says what was left out."""
    fault_server.fail(TRIGGER, Mode.not_in_article)
    outcome = run_cli(tmp_path, fault_server, strategy="direct")
    assert outcome.result.exit_code == 0  # the article's answer was usable
    assert outcome.info["counts"]["with_problems"] == 1
    [faulty] = [r for r in load_records(outcome.out) if "ujicoba" in r.source_path]
    assert faulty.indicators == [] and faulty.programs == []
    assert any("'987654'" in p and "not a number the parser found" in p for p in faulty.problems)
    assert any("'Program Tidak Ada'" in p for p in faulty.problems)
    kinds = {f.kind for f in load_flags(outcome.out) if f.article_id == faulty.id}
    assert "coverage.unused_number" in kinds  # the article's own numbers, left unused
    notes = [line for line in outcome.lines if line.startswith("note: ") and "ujicoba" in line]
    assert notes and "did not hold up" in notes[0]


def test_ids_and_names_not_in_the_list_are_dropped_and_said(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    fault_server.fail(TRIGGER, Mode.not_in_article)
    outcome = run_cli(tmp_path, fault_server, strategy="read")
    assert outcome.info["counts"]["with_problems"] == 1
    [faulty] = [r for r in load_records(outcome.out) if "ujicoba" in r.source_path]
    assert faulty.indicators == [] and faulty.programs == []
    assert any("n999" in p for p in faulty.problems)
    kinds = {f.kind for f in load_flags(outcome.out) if f.article_id == faulty.id}
    assert "coverage.unused_number" in kinds  # the numbers the answer left out
    assert any("did not hold up" in line for line in outcome.lines if "ujicoba" in line)
