"""Shared test settings."""

from __future__ import annotations

import os
import tempfile

import pytest
import trio
from hypothesis import settings

# The machine is shared and noisy: a property test should fail on a wrong answer, never
# because one example happened to run slowly.
settings.register_profile("smtp-sim", deadline=None)
settings.load_profile("smtp-sim")


@pytest.fixture(autouse=True, scope="session")
def _a_home_of_the_tests_own() -> object:
    """smtp-sim keeps settings (the language), history, progress and certificates in the
    user's data folder: the tests get one of their own, so a person who chose Chinese in
    their console (or a test that saves a setting) never changes what another test reads.
    A test that needs a fresh one sets SMTP_SIM_HOME itself."""
    saved = os.environ.get("SMTP_SIM_HOME")
    with tempfile.TemporaryDirectory(prefix="smtp-sim-tests-") as home:
        os.environ["SMTP_SIM_HOME"] = home
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop("SMTP_SIM_HOME", None)
            else:
                os.environ["SMTP_SIM_HOME"] = saved


@pytest.fixture(autouse=True)
def _no_thread_beside_a_virtual_clock(request: pytest.FixtureRequest,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A test on trio's autojump clock may not start a worker thread: virtual time jumps
    ahead whenever trio is idle, which it is while a thread works, so the test would race
    the thread (lesson 14's test hung that way: keys meant for one prompt went to another).
    Such a test runs on the real clock with small numbers, or waits on an event instead."""
    if "autojump_clock" not in request.fixturenames:
        return

    async def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError(
            "a worker thread beside trio's autojump clock: use the real clock with small "
            "numbers, or wait on an event (see tests/conftest.py)")

    monkeypatch.setattr(trio.to_thread, "run_sync", refuse)
