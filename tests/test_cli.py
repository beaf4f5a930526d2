"""The command line as a user meets it: help for everything, one-line errors, exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from llmextract.cli import main


def test_every_command_has_help() -> None:
    for name, command in main.commands.items():
        assert command.help and len(command.help.strip()) > 20, f"{name} has no help"
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name


def test_main_help_names_the_settings_order_and_variables() -> None:
    out = CliRunner().invoke(main, ["--help"]).output
    assert "flags, then environment variables, then defaults" in out
    for var in ("LLMEXTRACT_MODEL", "LLMEXTRACT_BASE_URL", "OPENAI_API_KEY"):
        assert var in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "does/not/exist"], "does/not/exist: no such file or folder"),
        (["run", "seeds/", "--model", "gpt-4o-mini"], "needs OPENAI_API_KEY"),
        (["run", "seeds/", "--base-url", "ftp://x"], "is not an http(s) URL"),
        (["run", "seeds/", "--prompt", "nope"], "prompt 'nope' not found"),
    ],
    ids=["missing-path", "model-without-key", "bad-url", "unknown-prompt"],
)
def test_usage_errors_are_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main, [*args, "--out", str(tmp_path / "run")] if args[0] == "run" else args
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_embedded_default_without_the_extra_exits_1_with_advice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The server starts on the first call the rules and the cache leave to the model: here a
    count the rules do not settle."""
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    monkeypatch.setitem(sys.modules, "llama_cpp.server", None)
    monkeypatch.delitem(sys.modules, "llmextract.llama_server", raising=False)
    article = tmp_path / "relawan.txt"
    article.write_text("Relawan Stunting Turun ke Desa\n\nKegiatan itu melibatkan 85 relawan dari "
                       "berbagai komunitas.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(article), "--out", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert "pip install '.[local]'" in result.output
    assert "Traceback" not in result.output


def test_instructor_retry_logs_stay_out_of_the_terminal(tmp_path: Path) -> None:
    """The CLI reports a failed call itself, redacted; instructor's raw per-attempt log lines
    (the SDK's exception text) must not reach stderr through Python's last-resort handler. In a
    child process: pytest's own log capture would hide the leak here."""
    import subprocess

    code = (
        "import logging, sys\n"
        "from llmextract.cli import main\n"
        "try:\n"
        f"    main(['check', {str(tmp_path)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "logging.getLogger('instructor.v2.retry').error('API call failed on attempt 1')\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert "not a run folder" in child.stderr  # the CLI did run and report
    assert "API call failed" not in child.stderr


WRITERS = ("run", "schema", "export", "report", "gold", "eval", "diff")


@pytest.mark.parametrize("command", WRITERS)
def test_every_command_that_writes_takes_o_and_out(command: str) -> None:
    out = CliRunner().invoke(main, [command, "--help"]).output
    assert "-o, --out" in out


def test_o_writes_where_it_says(tmp_path: Path) -> None:
    import shutil

    run = Path(shutil.copytree(Path(__file__).parent / "fixtures" / "run_small", tmp_path / "r"))
    runner = CliRunner()
    assert runner.invoke(main, ["schema", "-o", str(tmp_path / "s")]).exit_code == 0
    assert any((tmp_path / "s").glob("*.json"))
    result = runner.invoke(main, ["export", str(run), "-o", str(tmp_path / "data.xlsx")])
    assert result.exit_code == 0 and result.output.startswith("8 rows -> ")
    assert (tmp_path / "data.xlsx").read_bytes()[:2] == b"PK"  # xlsx, from the name
    result = runner.invoke(main, ["export", str(run), "--table", "summary", "-o",
                                  str(tmp_path / "summary.csv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "summary.csv").read_text("utf-8-sig").startswith("place,indicator,")
    evals = Path(__file__).parent / "fixtures" / "eval"
    result = runner.invoke(main, ["eval", str(evals / "runs" / "perfect"), "--gold",
                                  str(evals / "gold.json"), "--json", "-o",
                                  str(tmp_path / "eval.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "eval.json").read_text("utf-8"))["articles"]
    result = runner.invoke(main, ["diff", str(run), str(run), "-o", str(tmp_path / "d.txt")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "d.txt")
    assert (tmp_path / "d.txt").read_text("utf-8").startswith(f"A = {run}, B = {run}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xlsx", "--table", "flags"], "xlsx holds every table as a sheet"),
        (["--format", "parquet", "--no-bom"], "byte order mark is a csv choice"),
        (["--format", "csv", "-o", "{run}/x.xlsx"], "the file name says xlsx"),
        (["--table", "settings", "--only-reviewed"], "not settings"),
        (["-o", "{run}/no/such/x.csv"], "no such folder"),
    ],
    ids=["xlsx-table", "parquet-bom", "name-format", "reviewed-settings", "no-folder"],
)
def test_conflicting_export_options_are_refused_in_one_line(
    tmp_path: Path, args: list[str], message: str
) -> None:
    import shutil

    run = Path(shutil.copytree(Path(__file__).parent / "fixtures" / "run_small", tmp_path / "r"))
    result = CliRunner().invoke(main, ["export", str(run), *[a.format(run=run) for a in args]])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not list(run.glob("export*"))


@pytest.mark.parametrize("command", ["export", "report", "gold", "diff"])
def test_o_into_a_missing_folder_is_one_line(tmp_path: Path, command: str) -> None:
    import shutil

    run = Path(shutil.copytree(Path(__file__).parent / "fixtures" / "run_small", tmp_path / "r"))
    runs = [str(run), str(run)] if command == "diff" else [str(run)]
    result = CliRunner().invoke(main, [command, *runs, "-o", str(tmp_path / "no" / "f.txt")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"{tmp_path / 'no'}: no such folder" in lines[0]

def test_run_help_states_the_default_size_cap() -> None:
    from llmextract.articles import DEFAULT_MAX_CHARS

    out = CliRunner().invoke(main, ["run", "--help"]).output
    assert f"default {DEFAULT_MAX_CHARS:,}" in " ".join(out.split())
    assert "--text-column" in out and "--id-column" in out
