"""Kills: ``llmextract run`` in a subprocess gets SIGKILL, SIGTERM or SIGINT at start-up, during
a model call, between records or during the final checks (issue 13, failures 3, 5 and 6). After
each, the run folder must be sound (every line of every JSONL file a whole record, no id twice),
``run.json`` must say truthfully what happened (``interrupted`` with the signal, or, for a
SIGKILL, ``running`` that ``store.run_state`` reads as ``killed``), the exit code must be the
documented one, the embedded server must be gone, and the same command run again must finish
with exactly one record per input file.

The endpoint is the fault server (``tests/faultserver.py``): in this process for a remote
endpoint, where the test sees each request arrive; as the embedded server's stand-in (a child
of the run, started by the real code path, ``tests/kill_driver.py``), where its log shows them.
The tests wait for what they can see (a request, a line in a file, a mark the driver leaves),
with generous limits, and never assert how long anything took.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from llmextract.checks.across import Conflict
from llmextract.cli import main
from llmextract.models import ArticleRecord, Flag
from llmextract.store import (
    CONFLICTS,
    ERRORS,
    EXTRACTIONS,
    FLAGS,
    KILLED,
    RUN,
    load_run_info,
    run_state,
    writing,
)

from .faultserver import FaultServer, Mode
from .kill_driver import stand_in_embedded

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

ROOT = Path(__file__).resolve().parent.parent
WAIT = 120.0  # the longest any state is waited for: generous, never a measure
HELD = 600.0  # a held model call answers after this: far beyond any wait, so never in a test
TRIGGER = "Ujicoba"  # only the third article names this place: its model call is held
PLACES = ["Sukamaju", "Mekarsari", TRIGGER, "Sukasari", "Cibodas"]
SIGNALS = [signal.SIGKILL, signal.SIGTERM, signal.SIGINT]
EXIT = {signal.SIGKILL: -signal.SIGKILL, signal.SIGTERM: 143, signal.SIGINT: 130}


def write_articles(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for n, place in enumerate(PLACES):
        path = folder / f"{n}_{place.lower()}.txt"
        path.write_text(f"Kabupaten {place} mencatat {240 + n} kasus stunting pada 2025, turun "
                        f"dari {300 + n} kasus pada 2024.\n", encoding="utf-8")
        paths.append(path)
    return paths


def child_env(**extra: str) -> dict[str, str]:
    """This test's environment (its cache folder, no key) with the checkout importable, so that
    ``-m tests.kill_driver`` and the server's ``-m tests.faultserver`` are found."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def wait_for(what: str, ready: Callable[[], bool], proc: subprocess.Popen[str] | None = None
             ) -> None:
    deadline = time.monotonic() + WAIT
    while not ready():
        if proc is not None and proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}:\n{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"not seen within {WAIT:.0f} s: {what}")
        time.sleep(0.05)


def lines_of(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.is_file() else 0


def server_pids(marker: str) -> list[int]:
    """Live stand-in servers whose command line names ``marker`` (this test's model file)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if b"tests.faultserver" in cmdline and marker.encode() in cmdline and state != "Z":
            found.append(int(proc.name))
    return found


@dataclass
class Case:
    """One run to kill: its command line, environment and folders."""

    tmp: Path
    args: list[str]
    env: dict[str, str]
    inputs: list[Path]

    @property
    def out(self) -> Path:
        return self.tmp / "run"

    @property
    def marks(self) -> Path:
        return self.tmp / "marks"

    def start(self) -> subprocess.Popen[str]:
        self.marks.mkdir(exist_ok=True)
        return subprocess.Popen(
            [sys.executable, "-m", "tests.kill_driver", *self.args], cwd=ROOT,
            env={**self.env, "KILLTEST_MARKS": str(self.marks)}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def remote_case(tmp_path: Path, server: FaultServer, *extra: str) -> Case:
    inputs = write_articles(tmp_path / "in")
    args = ["run", str(tmp_path / "in"), "--base-url", server.url, "--model", "fault-model",
            "--out", str(tmp_path / "run"), *extra]
    return Case(tmp_path, args, child_env(), inputs)


def embedded_case(tmp_path: Path, **server_env: str) -> Case:
    inputs = write_articles(tmp_path / "in")
    args = ["run", str(tmp_path / "in"), "--strategy", "read", "--out", str(tmp_path / "run")]
    return Case(tmp_path, args, child_env(KILLTEST_EMBEDDED="1", **server_env), inputs)


def stop(proc: subprocess.Popen[str], sig: signal.Signals) -> tuple[int, str]:
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"the run did not end within {WAIT:.0f} s of {sig.name}")
    return proc.returncode, err


def read_jsonl(path: Path, parse: Callable[[str], object], *, torn_ok: bool) -> list[object]:
    """Every line of ``path`` parsed; a last line without its newline is allowed only where a
    kill can leave one (an appended file, SIGKILL)."""
    if not path.is_file():
        return []
    data = path.read_text(encoding="utf-8")
    if data and not data.endswith("\n"):
        assert torn_ok, f"{path.name}: torn last line {data.rsplit(chr(10), 1)[-1][:60]!r}"
        data = data.rsplit("\n", 1)[0]
    return [parse(line) for line in data.splitlines()]


def assert_sound(case: Case, sig: signal.Signals, code: int, err: str) -> dict[str, object]:
    """What a kill left, checked; returns a line of the table in the issue's closing note."""
    assert code == EXIT[sig], err
    assert "Aborted!" not in err and "Traceback" not in err, err
    killed = sig is signal.SIGKILL
    out = case.out
    if not (out / RUN).is_file():
        assert not any(out.glob("*.jsonl")), "records written before run.json said running"
        return {"folder": "not created" if not out.exists() else "empty", "records": 0}
    records = read_jsonl(out / EXTRACTIONS, ArticleRecord.model_validate_json, torn_ok=killed)
    flags = read_jsonl(out / FLAGS, Flag.model_validate_json, torn_ok=False)
    errors = read_jsonl(out / ERRORS, json.loads, torn_ok=killed)
    read_jsonl(out / CONFLICTS, Conflict.model_validate_json, torn_ok=False)
    ids = Counter(r.id for r in records)  # type: ignore[attr-defined]
    assert all(n == 1 for n in ids.values()), f"an article written twice: {ids}"
    flag_ids = Counter(f.id for f in flags)  # type: ignore[attr-defined]
    assert all(n == 1 for n in flag_ids.values()), f"a flag written twice: {flag_ids}"
    info = load_run_info(out)
    if killed:
        assert run_state(out) == KILLED, info.get("status")
    else:
        assert (info["status"], info["signal"]) == ("interrupted", sig.name)
        counts = info["counts"]
        assert counts["processed"] == len(records) and counts["failed"] == len(errors)
        assert counts["not_attempted"] == counts["articles"] - len(records) - len(errors)
        assert not (out / f".{FLAGS}.partial").exists()
    data = (out / EXTRACTIONS).read_bytes() if (out / EXTRACTIONS).is_file() else b""
    torn = bool(data) and not data.endswith(b"\n")
    return {"folder": f"{len(records)} records" + (", torn last line" if torn else ""),
            "status": run_state(out), "records": len(records)}


def assert_resumes(case: Case, before: int) -> None:
    """The same command again finishes: exactly one record per input file, run.json true."""
    result = CliRunner().invoke(main, case.args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    records = read_jsonl(case.out / EXTRACTIONS, ArticleRecord.model_validate_json,
                         torn_ok=False)
    assert sorted(r.source_path for r in records) == sorted(  # type: ignore[attr-defined]
        str(p) for p in case.inputs)
    info = load_run_info(case.out)
    assert info["status"] == "finished" and run_state(case.out) == "finished"
    assert info["counts"]["processed"] == len(case.inputs) == len(records)
    assert info["counts"]["resumed"] == before
    read_jsonl(case.out / FLAGS, Flag.model_validate_json, torn_ok=False)
    assert not (case.out / f".{FLAGS}.partial").exists()


def report(moment: str, sig: signal.Signals, code: int, seen: dict[str, object]) -> None:
    """One line of the table of kills survived (printed; ``pytest -s`` shows them)."""
    print(f"KILL | {moment} | {sig.name} | exit {code} | {seen['folder']} | "
          f"{seen.get('status')} | resumed to one record per input")


# --- a remote endpoint (the fault server in this process) ---------------------------------


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_kill_at_start_up_leaves_nothing_half_done(
    tmp_path: Path, fault_server: FaultServer, sig: signal.Signals
) -> None:
    """The command has begun (settings resolved) and is held there: Ctrl-C exits 130, not
    click's "Aborted!" and 1 (failure 6), and no folder is half made."""
    case = remote_case(tmp_path, fault_server)
    case.env["KILLTEST_HOLD"] = "start-up"
    proc = case.start()
    wait_for("the start-up mark", (case.marks / "start-up").exists, proc)
    code, err = stop(proc, sig)
    seen = assert_sound(case, sig, code, err)
    assert fault_server.requests == []
    assert_resumes(case, before=0)
    report("start-up (settings resolved)", sig, code, seen)


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_kill_during_a_model_call_keeps_the_finished_articles(
    tmp_path: Path, fault_server: FaultServer, sig: signal.Signals, concurrency: int
) -> None:
    """The third article's call is held (it would answer after ten minutes): the signal ends
    the run at once, the call in flight is dropped, the others are kept. With four in flight,
    the run must not wait for the held call before it exits."""
    fault_server.fail(TRIGGER, Mode.delay, seconds=HELD, times=1)
    case = remote_case(tmp_path, fault_server, "--concurrency", str(concurrency))
    proc = case.start()
    finished = 2 if concurrency == 1 else len(PLACES) - 1
    wait_for(f"the held call and {finished} records",
             lambda: bool(fault_server.seen(TRIGGER))
             and lines_of(case.out / EXTRACTIONS) >= finished, proc)
    code, err = stop(proc, sig)
    seen = assert_sound(case, sig, code, err)
    assert seen["records"] == finished
    assert_resumes(case, before=finished)
    report(f"during a model call (concurrency {concurrency})", sig, code, seen)


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_kill_between_records_keeps_every_whole_record(
    tmp_path: Path, fault_server: FaultServer, sig: signal.Signals
) -> None:
    """The signal lands just after the second record is written, wherever the run is then
    (flags, the next article's checks or its call). Every answer takes a second, so three
    articles (six calls) are still to come when it arrives."""
    fault_server.delay = 1.0
    case = remote_case(tmp_path, fault_server, "--concurrency", "1")
    proc = case.start()
    wait_for("two records", lambda: lines_of(case.out / EXTRACTIONS) >= 2, proc)
    code, err = stop(proc, sig)
    fault_server.delay = 0.0
    seen = assert_sound(case, sig, code, err)
    assert_resumes(case, before=int(seen["records"]))  # type: ignore[call-overload]
    report("just after record 2 (fast endpoint)", sig, code, seen)


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_kill_during_the_final_checks_leaves_run_json_true(
    tmp_path: Path, fault_server: FaultServer, sig: signal.Signals
) -> None:
    """Every article is done and the checks across articles have begun (held there): the run
    says interrupted and exits 130 or 143 (failure 6: it said "Aborted!", exit 1, and left
    run.json stale); the flags of every article are in place, no conflicts file describes
    other records."""
    case = remote_case(tmp_path, fault_server)
    case.env["KILLTEST_HOLD"] = "final-checks"
    proc = case.start()
    wait_for("the final checks", (case.marks / "final-checks").exists, proc)
    code, err = stop(proc, sig)
    seen = assert_sound(case, sig, code, err)
    assert seen["records"] == len(PLACES)
    if sig is not signal.SIGKILL:
        assert (case.out / FLAGS).is_file() and not (case.out / CONFLICTS).exists()
    assert_resumes(case, before=len(PLACES))
    report("during the final checks", sig, code, seen)


# --- the embedded server (the fault server as its stand-in, a child of the run) ------------


def stand_in_log(case: Case) -> str:
    log = Path(case.env["LLMEXTRACT_CACHE_DIR"]) / "llama-server.log"
    return log.read_text(errors="replace") if log.is_file() else ""


def resume_embedded(case: Case, monkeypatch: pytest.MonkeyPatch, before: int) -> None:
    """The same command again, in this process, with the same stand-in for the model."""
    from llmextract import local_model

    monkeypatch.setenv("PYTHONPATH", case.env["PYTHONPATH"])
    cache = Path(case.env["LLMEXTRACT_CACHE_DIR"])
    for name, value in stand_in_embedded(cache / "stand-in").items():
        monkeypatch.setattr(local_model, name, value)
    assert_resumes(case, before=before)


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
@pytest.mark.parametrize("moment", ["start-up", "model call"])
def test_the_embedded_server_never_outlives_its_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sig: signal.Signals, moment: str
) -> None:
    """Failure 5: a SIGKILL or SIGTERM of the run left the llama.cpp server serving. At
    start-up the server is still loading (it listens only after ten minutes); in a model call
    every answer is held. Whatever the signal, the server is gone soon after the run."""
    starting = moment == "start-up"
    case = embedded_case(tmp_path, **({"FAULTSERVER_START_AFTER": str(HELD)} if starting
                                      else {"FAULTSERVER_DELAY": str(HELD)}))
    marker = str(Path(case.env["LLMEXTRACT_CACHE_DIR"]) / "models" / "stand-in.gguf")
    proc = case.start()
    wait_for("the server started", lambda: bool(server_pids(marker)), proc)
    if not starting:
        wait_for("a request at the server", lambda: "POST /v1/chat" in stand_in_log(case), proc)
    code, err = stop(proc, sig)
    wait_for("the server gone", lambda: not server_pids(marker))
    seen = assert_sound(case, sig, code, err)
    assert seen["records"] == 0
    resume_embedded(case, monkeypatch, before=0)
    assert not server_pids(marker)  # the resumed run stopped its own server too
    report(f"embedded server: {moment}", sig, code, {**seen, "folder": f"{seen['folder']}, "
                                                     "server gone"})


# --- a torn last line -----------------------------------------------------------------------


def test_a_torn_last_line_from_a_real_kill_is_cut_before_the_resume_appends(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    """Failure 3, by a real kill mid-write: a file size limit makes the kernel write part of a
    record and then kill the run (SIGXFSZ) in the middle of ``extractions.jsonl``'s third
    line. The resume must cut the fragment off before it appends, or the next record is glued
    onto it and the folder is unreadable ("extractions.jsonl:3: not a valid record")."""
    case = remote_case(tmp_path, fault_server, "--concurrency", "1", "--no-cache")
    limit = 2 * 1500 + 700  # two records (about 1.4 KB each here) and part of a third

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.kill_driver", *case.args], cwd=ROOT, text=True,
        env={**case.env, "PYTHONDONTWRITEBYTECODE": "1"}, preexec_fn=limited,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == -signal.SIGXFSZ, err
    data = (case.out / EXTRACTIONS).read_bytes()
    assert len(data) == limit and not data.endswith(b"\n")  # torn mid-record
    whole = data.count(b"\n")
    assert_resumes(case, before=whole)


def test_a_torn_fragment_left_by_hand_is_cut_before_the_resume_appends(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    """The same, with the fragment written by hand after a whole first run: a second resume
    must not fail on it either."""
    case = remote_case(tmp_path, fault_server)
    assert CliRunner().invoke(main, case.args).exit_code == 0
    path = case.out / EXTRACTIONS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3]) + lines[3][: len(lines[3]) // 2], encoding="utf-8")
    assert_resumes(case, before=3)
    assert_resumes(case, before=len(PLACES))


def test_a_second_run_into_a_folder_being_written_is_refused(
    tmp_path: Path, fault_server: FaultServer
) -> None:
    """Two runs appending to one folder would interleave their lines: the second is a usage
    error naming the folder, and the first one's files are untouched."""
    case = remote_case(tmp_path, fault_server)
    case.out.mkdir()
    with writing(case.out):
        result = CliRunner().invoke(main, case.args)
    assert result.exit_code == 2
    assert "another llmextract run is writing this folder" in result.output
    assert not (case.out / RUN).exists() and not (case.out / EXTRACTIONS).exists()
