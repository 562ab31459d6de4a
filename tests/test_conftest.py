"""The suite's own guard (tests/conftest.py): a virtual clock never races a real thread."""

from __future__ import annotations

import pytest
import trio
import trio.testing


async def test_a_worker_thread_beside_the_autojump_clock_fails_the_test(
        autojump_clock: trio.testing.MockClock) -> None:
    with pytest.raises(AssertionError, match="autojump clock"):
        await trio.to_thread.run_sync(lambda: None)


async def test_on_the_real_clock_a_worker_thread_is_fine() -> None:
    assert await trio.to_thread.run_sync(lambda: 42) == 42
