from __future__ import annotations

import pytest

from milkrun import clock


@pytest.fixture(autouse=True)
def _steady_clock() -> None:
    """Hold the clock at the real present (released after each test by the root conftest):
    "today" cannot turn over midway through a test, and logins issued now stay valid."""
    clock.freeze(clock.now())
