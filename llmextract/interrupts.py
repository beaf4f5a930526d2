"""The signals that end a run, turned into one exception so that every ``finally`` runs.

Ctrl-C (SIGINT) raises ``KeyboardInterrupt`` already. SIGTERM (``kill``, systemd, ``docker
stop``) and SIGHUP (the terminal closed) would end the process on the spot: the run folder
kept every finished line, but ``run.json`` said nothing true and the embedded model server was
left running. Within ``signals_interrupt()`` they raise ``Terminated``, a ``KeyboardInterrupt``,
so the one path that handles Ctrl-C handles them too. A signal already ignored (``nohup``) stays
ignored. SIGKILL cannot be caught; what it leaves is covered by ``store`` (a torn last line is
cut) and by the server's watchdog (``tether``).

The exit code is what a shell reports for a process the signal ended: 128 + its number (130
SIGINT, 143 SIGTERM, 129 SIGHUP).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

CAUGHT = (signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """A run ended by ``signum`` (SIGTERM or SIGHUP) rather than by Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_of(exc: KeyboardInterrupt) -> str:
    """The name of the signal behind an interrupt: SIGINT (Ctrl-C) unless it is a
    ``Terminated``."""
    return signal.Signals(getattr(exc, "signum", signal.SIGINT)).name


def exit_code(name: str) -> int:
    """128 + the number of the signal called ``name``."""
    return 128 + int(signal.Signals[name])


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise ``Terminated`` in the main thread while the block runs (outside
    the main thread, where Python allows no handler, nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.getsignal(s) for s in CAUGHT}
    for s, handler in before.items():
        if handler is signal.SIG_DFL:
            signal.signal(s, _raise)
    try:
        yield
    finally:
        for s, handler in before.items():
            if handler is signal.SIG_DFL:
                signal.signal(s, handler)


@contextmanager
def deferred() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP held back while the block runs and raised as it ends, so that
    what the block writes is whole: a record written and not yet counted made ``run.json`` say
    one article fewer than the records file held (a kill between the two lines, seen in
    ``tests/test_kills.py`` under load). Outside the main thread nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        pending.append(signum)

    watched = (signal.SIGINT, *CAUGHT)
    before = {s: signal.getsignal(s) for s in watched}
    held = [s for s, handler in before.items()
            if handler in (_raise, signal.default_int_handler)]
    for s in held:
        signal.signal(s, hold)
    try:
        yield
    finally:
        for s in held:
            signal.signal(s, before[s])
    if pending:
        raise KeyboardInterrupt() if pending[0] == signal.SIGINT else Terminated(pending[0])
