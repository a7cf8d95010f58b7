"""The refusals of payment links, each with its stable code."""

from __future__ import annotations

from milkrun.errors import Conflict, NotFound


class GatewayNotConfigured(NotFound):
    """No payment gateway is configured (MILKRUN_RAZORPAY_KEY_ID): bills are paid by UPI."""

    code = "gateway_not_configured"


class BillNotPayable(Conflict):
    """A draft or a void bill, or one with nothing due, gets no payment link."""

    code = "bill_not_payable"
