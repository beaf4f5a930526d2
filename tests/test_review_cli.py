"""The review, export, report and gold commands as a script or a user meets them."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from llmextract.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "run_small"
WRONG_VALUE, INVENTED = "Iea03eb26", "I890e473a"
WRONG_VALUE_FLAG, INVENTED_FLAG, UNUSED_NUMBER_FLAG = "F2ed968badb", "F5d4173c9cd", "F497bbb4fa9"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "run"))


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_list_prints_open_flags_one_per_line(run_dir: Path) -> None:
    code, out = cli("review", str(run_dir), "--list")
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert [cols[0] for cols in lines] == [WRONG_VALUE_FLAG, "F3c3e61232e", INVENTED_FLAG,
                                           UNUSED_NUMBER_FLAG]
    assert all(len(cols) == 6 for cols in lines)
    assert lines[-1][4] == "-"


def test_accept_and_reject_from_the_command_line(run_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMEXTRACT_REVIEWER", "budi")
    code, out = cli("review", str(run_dir), "--accept", WRONG_VALUE_FLAG, "--reject", INVENTED_FLAG,
                    "--note", "checked against the print edition")
    assert code == 0, out
    assert f"accepted {WRONG_VALUE} (budi" in out and f"rejected {INVENTED} (budi" in out
    _, listed = cli("review", str(run_dir), "--list")
    assert [line.split("\t")[0] for line in listed.splitlines()] == [UNUSED_NUMBER_FLAG]
    assert cli("export", str(run_dir), "--format", "jsonl")[0] == 0
    rows = [json.loads(line) for line in (run_dir / "export.jsonl").read_text().splitlines()]
    decided = {r["item_id"]: (r["status"], r["reviewer"], r["note"]) for r in rows if r["reviewer"]}
    assert decided == {WRONG_VALUE: ("accepted", "budi", "checked against the print edition")}
    assert INVENTED not in {r["item_id"] for r in rows}


@pytest.mark.parametrize("args, message", [
    (["--accept", "Fnothing"], "Fnothing: no such item or flag"),
    (["--reject", UNUSED_NUMBER_FLAG], "about the whole article"),
    (["--note", "orphan"], "--note goes with --accept, --reject, --dismiss or --correct"),
])
def test_bad_decisions_are_one_line_errors(run_dir: Path, args: list[str], message: str) -> None:
    code, out = cli("review", str(run_dir), *args)
    assert code == 2
    assert message in out and "Traceback" not in out


def test_export_report_and_gold_write_their_files(run_dir: Path) -> None:
    assert cli("export", str(run_dir), "--only-reviewed")[1].startswith("0 rows -> ")
    assert (run_dir / "export.csv").is_file()
    assert cli("report", str(run_dir), "-o", str(run_dir / "r.html"))[0] == 0
    assert (run_dir / "r.html").is_file()
    code, out = cli("gold", str(run_dir))
    assert code == 0 and "0 items, 0 not-facts" in out and "8 items nobody decided" in out
    assert (run_dir / "gold.json").is_file()


def test_commands_refuse_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    for command in ("review", "export", "report", "gold"):
        code, out = cli(command, str(tmp_path), *(["--list"] if command == "review" else []))
        assert code == 2 and "not a run folder" in out, command


@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])  # the page we serve, nothing else
def test_review_serves_the_page_on_loopback_with_a_token(run_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from llmextract.cli import main; main()", "review", str(run_dir),
         "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("review page: http://127.0.0.1:")
        url = first.split(": ", 1)[1].strip()
        base = url.split("/?")[0]
        assert httpx.get(url).status_code == 200
        assert httpx.get(base + "/").status_code == 403
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert proc.returncode == 0


def test_decisions_survive_llmextract_check(run_dir: Path) -> None:
    cli("review", str(run_dir), "--accept", WRONG_VALUE_FLAG, "--reject", INVENTED)
    code, out = cli("check", str(run_dir))
    assert code == 0, out
    _, listed = cli("review", str(run_dir), "--list")
    assert WRONG_VALUE not in listed and INVENTED not in listed
    cli("export", str(run_dir), "--format", "jsonl")
    rows = {r["item_id"]: r["status"] for r in map(
        json.loads, (run_dir / "export.jsonl").read_text(encoding="utf-8").splitlines())}
    assert rows[WRONG_VALUE] == "accepted" and INVENTED not in rows


def test_correct_from_the_command_line_rechecks_the_item(run_dir: Path) -> None:
    code, out = cli("review", str(run_dir), "--correct", WRONG_VALUE, "--value", "300",
                    "--set", "period=2024", "--set", "approximate=false", "--note", "print edition")
    assert code == 0, out
    assert f"corrected {WRONG_VALUE}: value 30.0 -> 300.0, period '2025' -> '2024'" in out
    assert "now flagged: warning The article hedges the value" in out  # dropped 'sekitar'
    code, out = cli("check", str(run_dir))
    assert code == 0 and "1 corrected or added items checked as they stand: 0 errors, 1 warnings" \
        in out and f"{WRONG_VALUE} (corrected): warning The article hedges" in out
    cli("export", str(run_dir), "--format", "jsonl", "--only-reviewed")
    [row] = [json.loads(line) for line in (run_dir / "export.jsonl").read_text().splitlines()]
    assert (row["item_id"], row["value"], row["status"], row["note"]) == (
        WRONG_VALUE, 300.0, "corrected", "print edition")


@pytest.mark.parametrize("args, message", [
    (["--accept", WRONG_VALUE_FLAG, "--list"], "--accept/--reject/--dismiss and --list cannot"),
    (["--correct", WRONG_VALUE, "--value", "300", "--list"], "--correct and --list cannot"),
    (["--sample", "2", "--estimate"], "--sample and --estimate cannot"),
    (["--list", "--port", "8000"], "--list and --port/--no-browser cannot"),
    (["--value", "300"], "--value, --value-text and --set go with --correct"),
    (["--seed", "4"], "--seed goes with --sample"),
    (["--correct", WRONG_VALUE], "--correct needs --value"),
    (["--correct", WRONG_VALUE, "--set", "peroid=2024"], "peroid: not a field of the indicator"),
    (["--correct", WRONG_VALUE, "--set", "period"], "write FIELD=VALUE"),
    (["--dismiss", WRONG_VALUE_FLAG], "about an item, not the whole article"),
])
def test_conflicting_or_incomplete_options_are_one_line_errors(
    run_dir: Path, args: list[str], message: str
) -> None:
    code, out = cli("review", str(run_dir), *args)
    assert code == 2 and message in out and len(out.strip().splitlines()) == 1, out
    assert not (run_dir / "review.sqlite").exists() or "Traceback" not in out


def test_sample_and_estimate_from_the_command_line(run_dir: Path) -> None:
    code, out = cli("review", str(run_dir), "--estimate")
    assert code == 0 and "no sample drawn yet" in out
    code, out = cli("review", str(run_dir), "--sample", "1", "--seed", "3")
    assert code == 0 and out.startswith("2 unflagged items drawn (seed 3)")
    drawn = [line.split("\t")[0] for line in out.splitlines()[1:]]
    assert len(drawn) == 2
    assert cli("review", str(run_dir), "--accept", drawn[0], "--reject", drawn[1])[0] == 0
    code, out = cli("review", str(run_dir), "--estimate")
    assert "1 right, 1 wrong of 2 judged" in out and "interval" in out
    info = json.loads((run_dir / "run.json").read_text())
    assert info["unflagged_precision"]["judged"] == 2


def test_dismiss_an_article_flag(run_dir: Path) -> None:
    code, out = cli("review", str(run_dir), "--dismiss", UNUSED_NUMBER_FLAG)
    assert code == 0 and f"dismissed {UNUSED_NUMBER_FLAG}" in out
    _, listed = cli("review", str(run_dir), "--list")
    assert UNUSED_NUMBER_FLAG not in listed
