from __future__ import annotations

from collections.abc import Iterator

import pytest

from milkrun.config import Settings
from tests.conftest import TEST_SECRET
from tests.payments.fake_razorpay import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, FakeRazorpay


@pytest.fixture
def razorpay() -> Iterator[FakeRazorpay]:
    with FakeRazorpay() as fake:
        yield fake


def gateway_settings(database_url: str, api_url: str, **changes: object) -> Settings:
    """The dairy with a UPI ID and Razorpay, whose API is the local fake."""
    values: dict[str, object] = {
        "env": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "upi_vpa": "nandinidairy@okaxis",
        "razorpay_key_id": KEY_ID,
        "razorpay_key_secret": KEY_SECRET,
        "razorpay_webhook_secret": WEBHOOK_SECRET,
        "razorpay_api_url": api_url,
        "razorpay_timeout_seconds": 2.0,
        **changes,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def online(database_url: str, razorpay: FakeRazorpay) -> Settings:
    return gateway_settings(database_url, razorpay.url)
