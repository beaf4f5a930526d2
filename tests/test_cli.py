"""The command line as a user meets it: help for everything, one-line errors, exit codes."""

from __future__ import annotations

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
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    monkeypatch.setitem(sys.modules, "llama_cpp.server", None)
    result = CliRunner().invoke(main, ["run", "seeds/", "--out", str(tmp_path / "run")])
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


def test_run_help_states_the_default_size_cap() -> None:
    from llmextract.articles import DEFAULT_MAX_CHARS

    out = CliRunner().invoke(main, ["run", "--help"]).output
    assert f"default {DEFAULT_MAX_CHARS:,}" in " ".join(out.split())
    assert "--text-column" in out and "--id-column" in out
