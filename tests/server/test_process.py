"""Process-wide settings changed while a server runs come back afterwards, even on error."""

from __future__ import annotations

import gc
import signal

import pytest

from simulator.server.process import gc_tuned, signals_ignored


def test_signals_are_ignored_inside_and_restored_after_even_on_error() -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with pytest.raises(RuntimeError), signals_ignored((signal.SIGTERM, signal.SIGINT)):
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        raise RuntimeError("the server failed")
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_nested_ignoring_restores_each_level() -> None:
    before = signal.getsignal(signal.SIGHUP)
    with signals_ignored((signal.SIGHUP,)):
        with signals_ignored((signal.SIGHUP,)):
            pass
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGHUP) == before


def test_gc_settings_come_back() -> None:
    threshold = gc.get_threshold()
    with pytest.raises(RuntimeError), gc_tuned(20_000):
        assert gc.get_threshold()[0] == 20_000 and gc.get_freeze_count() > 0
        raise RuntimeError("the server failed")
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == 0
