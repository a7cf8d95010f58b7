"""The demo's prepaid households: three customers pay in advance; two have a month of milk in
their wallet, the third is running low, so tomorrow is held for it (the board lists it, its page
shows the notice) until the owner records a top-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit.service import Actor
from milkrun.config import Settings
from milkrun.customers.models import Customer
from milkrun.money import to_rupees
from milkrun.payments.models import Payment, PaymentMethod
from milkrun.payments.schemas import PaymentCreate
from milkrun.wallets import balance, service
from milkrun.wallets.generation import threshold_of
from milkrun.wallets.schemas import WalletUpdate

# (customer phone, days of tomorrow's orders the wallet holds after the deposit, own threshold)
PREPAID: list[tuple[str, Decimal, Decimal | None]] = [
    ("+919845010004", Decimal(30), None),
    ("+919845010005", Decimal(20), Decimal("100.00")),
    ("+919845010006", Decimal("0.5"), None),  # running low: tomorrow is held
]


def seed_wallets(session: Session, *, today: dt.date, settings: Settings) -> None:
    """Make the three households prepaid once, each with the deposit its story needs."""
    actor = Actor.system("demo seed", channel="cli")
    tomorrow = today + dt.timedelta(days=1)
    threshold = threshold_of(settings)
    for phone, days, own in PREPAID:
        customer = session.scalar(
            select(Customer).where(Customer.phone == phone, Customer.is_active)
        )
        if customer is None or customer.is_prepaid:
            continue
        reference = f"DEMO-WALLET-{customer.id}"
        if session.scalar(select(Payment.id).where(Payment.reference == reference)) is not None:
            continue
        needed = session.execute(balance.needed_on(tomorrow, customer.id)).one_or_none()
        per_day = int(needed.needed_paise) if needed is not None else 5600
        before = session.execute(
            balance.available_before(tomorrow, threshold, prepaid_only=False).where(
                Customer.id == customer.id
            )
        ).one()
        floor = int(own * 100) if own is not None else threshold
        deposit = floor + int(per_day * days) - int(before.available_paise)
        if deposit > 0:
            service.receive_payment(
                session,
                PaymentCreate(
                    customer_id=customer.id,
                    amount=Decimal(to_rupees(deposit)),
                    method=PaymentMethod.upi,
                    reference=reference,
                    received_at=clock.now() - dt.timedelta(hours=3),
                ),
                actor,
                threshold_paise=threshold,
                today=today,
            )
        service.set_wallet(
            session,
            customer.id,
            WalletUpdate(is_prepaid=True, threshold=own),
            actor,
            threshold_paise=threshold,
            today=today,
        )
