"""The ``llmextract`` command as the kill tests run it (a test tool): ``python -m
tests.kill_driver ARGS...`` is ``llmextract ARGS...`` with two things a test needs to send a
signal at a chosen moment and see what it left, set from the environment:

- ``KILLTEST_MARKS=DIR``: a file ``DIR/NAME`` appears when the run reaches the moment ``NAME``:
  ``start-up`` (the command has begun and resolved its settings; the run folder and the
  endpoint are still to come) and ``final-checks`` (every article is done, the checks across
  articles begin). ``KILLTEST_HOLD=NAME`` makes the run wait at that moment (up to a minute)
  for the test's signal, so the signal lands inside it rather than somewhere near it.
- ``KILLTEST_EMBEDDED=1``: the embedded model is a stand-in (``stand_in_embedded``), started
  through the real code path: the GGUF assembled and verified by ``local_model.gguf_file``,
  the server started under ``llmextract.tether`` by ``local_model.embedded_endpoint``, but the
  server module is ``tests.faultserver`` (its answers are hand-made, not a model's).

SIGXFSZ is put back to its default action (Python ignores it), so that a file size limit
(``RLIMIT_FSIZE``) kills the run in the middle of a write, as the kernel kills a C program.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HOLD_SECONDS = 60.0
STAND_IN_GGUF = b"GGUF stand-in for the kill tests"


def stand_in_embedded(folder: Path) -> dict[str, Any]:
    """What ``llmextract.local_model`` is given (attribute -> value) so that the embedded
    model is ``tests.faultserver`` serving a small file from ``folder``."""
    from llmextract import local_model

    folder.mkdir(parents=True, exist_ok=True)
    chunk = folder / "stand-in.gguf.part"
    chunk.write_bytes(STAND_IN_GGUF)
    default = local_model.EMBEDDED_MODELS[local_model.DEFAULT_EMBEDDED]
    model = local_model.EmbeddedModel(
        name=default.name,
        alias="stand-in",
        file_name="stand-in.gguf",
        size=len(STAND_IN_GGUF),
        sha256=hashlib.sha256(STAND_IN_GGUF).hexdigest(),
        notice="Using a stand-in for the embedded model (tests.faultserver).",
        chunks=lambda: [chunk],
    )
    return {"SERVER_MODULE": "tests.faultserver",
            "EMBEDDED_MODELS": {**local_model.EMBEDDED_MODELS, default.name: model}}


def _mark(marks: Path | None, name: str) -> None:
    if marks is None:
        return
    (marks / name).touch()
    if os.environ.get("KILLTEST_HOLD") == name:
        time.sleep(HOLD_SECONDS)  # the test's signal arrives here


def _marking(function: Callable[..., Any], marks: Path | None, name: str) -> Callable[..., Any]:
    def marked(*args: Any, **kwargs: Any) -> Any:
        _mark(marks, name)
        return function(*args, **kwargs)

    return marked


def main() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    from llmextract import checks, local_model, settings
    from llmextract.cli import main as cli

    marks = Path(os.environ["KILLTEST_MARKS"]) if os.environ.get("KILLTEST_MARKS") else None
    settings.resolve_settings = _marking(settings.resolve_settings, marks, "start-up")
    across = checks.ConflictIndex.flags

    def flags(self: checks.ConflictIndex) -> Iterator[Any]:
        _mark(marks, "final-checks")
        yield from across(self)

    checks.ConflictIndex.flags = flags  # type: ignore[method-assign]
    if os.environ.get("KILLTEST_EMBEDDED"):
        cache = Path(os.environ["LLMEXTRACT_CACHE_DIR"])
        for name, value in stand_in_embedded(cache / "stand-in").items():
            setattr(local_model, name, value)
    cli(sys.argv[1:], prog_name="llmextract")


if __name__ == "__main__":
    main()
