"""Run a server module in a child process that cannot outlive the process that started it:
``python -m llmextract.tether PARENT_PID MODULE [ARGS...]`` runs ``python -m MODULE ARGS...``
with a watchdog.

The embedded llama.cpp server is a child of the run in a session of its own (so that Ctrl-C at
the terminal reaches only the run, which then stops the server itself). A run killed outright
(SIGKILL, the out-of-memory killer) runs no cleanup, and the server went on serving. Under this
module a watchdog thread in the server's own process checks every ``POLL_SECONDS`` that the run
is still its parent: ``os.getppid()`` changes the moment the parent dies, whatever killed it
(the child is handed to init or a subreaper), on Linux and macOS alike. When it changes, the
watchdog kills the server's process group, itself included.

Chosen over Linux's ``PR_SET_PDEATHSIG``, which fires when the *thread* that started the child
ends rather than the process (a server started from a worker thread would die with that thread)
and exists on Linux only; and over a pipe whose end-of-file would tell the same, which any other
child that inherited the pipe's end would hold open.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time

POLL_SECONDS = 0.2


def _end_self() -> None:
    """Kill this process and, when it leads its process group (a new session), the group."""
    if hasattr(os, "killpg") and os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(1)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    _end_self()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or not args[0].isdigit():
        sys.exit("usage: python -m llmextract.tether PARENT_PID MODULE [ARGS...]")
    parent, module = int(args[0]), args[1]
    if os.getppid() != parent:  # the parent died before we got here
        sys.exit(1)
    threading.Thread(target=_watch, args=(parent,), name="tether", daemon=True).start()
    sys.argv = [module, *args[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
