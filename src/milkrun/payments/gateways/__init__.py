"""Payment gateways: taking a bill's payment online through a provider's payment link.

``base`` is the interface every gateway speaks (create a link for an amount, fetch it, cancel
it; verify and read the provider's "link paid" webhook); ``razorpay`` implements it for
Razorpay. A Cashfree or PhonePe adapter is another module implementing ``PaymentGateway``,
chosen in ``configured``. The gateways know nothing of bills: ``milkrun.payment_links`` decides
when a bill gets a link and records what a webhook reports as a payment.
"""

from __future__ import annotations

from milkrun.config import Settings
from milkrun.payments.gateways.base import PaymentGateway
from milkrun.payments.gateways.razorpay import Razorpay


def configured(settings: Settings) -> PaymentGateway | None:
    """The dairy's gateway, or None when none is configured (bills then show UPI only)."""
    if settings.razorpay_enabled:
        return Razorpay.from_settings(settings)
    return None
