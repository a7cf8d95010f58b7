"""What milkrun asks of a payment gateway, in its own words; each provider's adapter maps them
to its API. Money is integer paise, times are UTC-aware."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from milkrun.payments.models import PaymentMethod


@dataclass(frozen=True)
class LinkRequest:
    """A payment link to ask for: ``reference`` is milkrun's (unique per link, ≤ 40 chars)."""

    amount_paise: int
    reference: str
    description: str
    customer_name: str
    customer_phone: str | None
    customer_email: str | None
    expires_at: dt.datetime
    callback_url: str | None = None


@dataclass(frozen=True)
class GatewayLink:
    """A payment link as the gateway has it."""

    id: str
    url: str
    status: str  # created, partially_paid, paid, cancelled, expired
    amount_paise: int
    reference: str
    expires_at: dt.datetime | None


@dataclass(frozen=True)
class LinkPaid:
    """What a verified "link paid" webhook says: which link, and the payment that paid it."""

    link_id: str
    link_reference: str
    payment_id: str
    amount_paise: int
    method: PaymentMethod
    paid_at: dt.datetime


class PaymentGateway(Protocol):
    """One provider's payment links and their webhook."""

    name: str

    def create_link(self, request: LinkRequest) -> GatewayLink: ...

    def fetch_link(self, link_id: str) -> GatewayLink: ...

    def cancel_link(self, link_id: str) -> GatewayLink: ...

    def verify_webhook(self, body: bytes, signature: str | None) -> None:
        """Refuse (``BadWebhookSignature``) a body not signed with the webhook secret."""
        ...

    def link_paid(self, body: bytes) -> LinkPaid | None:
        """The payment of a verified webhook body, or None for any other event."""
        ...
