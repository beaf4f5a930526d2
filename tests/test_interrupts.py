"""A signal during a block that writes together (a record and its count) lands after it."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from llmextract.interrupts import Terminated, deferred, signals_interrupt


@pytest.fixture(autouse=True)
def default_sigterm() -> Iterator[None]:
    """SIGTERM at its default while a test runs, so that ``signals_interrupt`` takes it over
    (a handler another test left would let the signal end the test process instead)."""
    before = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGTERM, before)


def test_a_signal_inside_a_deferred_block_is_raised_when_it_ends() -> None:
    steps: list[str] = []
    with signals_interrupt(), pytest.raises(Terminated):
        with deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            steps.append("after the signal")
        steps.append("after the block")
    assert steps == ["after the signal"]


def test_a_signal_outside_a_deferred_block_is_raised_at_once() -> None:
    steps: list[str] = []
    with signals_interrupt(), pytest.raises(Terminated):
        os.kill(os.getpid(), signal.SIGTERM)
        steps.append("after the signal")
    assert steps == []


def test_ctrl_c_inside_a_deferred_block_is_held_too() -> None:
    steps: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        with deferred():
            os.kill(os.getpid(), signal.SIGINT)
            steps.append("after the signal")
    assert steps == ["after the signal"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
