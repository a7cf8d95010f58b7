from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from milkrun.money import to_rupees
from milkrun.payment_links.models import LinkStatus, PaymentLink


class PaymentLinkRead(BaseModel):
    """A bill's payment link: where the customer pays, how much, and where it stands."""

    id: int
    invoice_id: int
    gateway: str
    url: str
    amount: str
    status: LinkStatus
    expires_at: dt.datetime
    payment_id: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, link: PaymentLink) -> PaymentLinkRead:
        return cls(
            id=link.id,
            invoice_id=link.invoice_id,
            gateway=link.gateway,
            url=link.url,
            amount=to_rupees(link.amount_paise),
            status=LinkStatus(link.status),
            expires_at=link.expires_at,
            payment_id=link.payment_id,
            created_at=link.created_at,
        )


class WebhookResult(BaseModel):
    """What a webhook call did: recorded (a new payment), replayed or ignored."""

    result: str
