from __future__ import annotations

import datetime as dt

import pytest

from milkrun import clock
from milkrun.config import Settings
from tests.conftest import TEST_SECRET

VPA = "nandinidairy@okaxis"


@pytest.fixture(autouse=True)
def _steady_clock() -> None:
    """Early December 2026 (as the billing tests): November is over and billed."""
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The dairy with a UPI ID, so that bills carry the UPI link."""
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        upi_vpa=VPA,
        upi_payee_name="Nandini Dairy",
    )
