"""Changing a wallet: making a customer prepaid or postpaid with its threshold, and money in.

A top-up is a payment (``billing.settlement.receive_payment``: it settles the customer's bills
and is audited there); for a prepaid customer its holds are then decided again, so the days
not begun come back (``topups.money_received``, the rule of every way money comes in)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from milkrun.audit import service as audit
from milkrun.billing import settlement
from milkrun.customers import queries as customer_queries
from milkrun.customers.models import Customer
from milkrun.money import to_paise, to_rupees
from milkrun.payments.models import Payment
from milkrun.payments.schemas import PaymentCreate
from milkrun.payments.service import lock_customer
from milkrun.wallets import holds, topups
from milkrun.wallets.errors import NotPrepaid
from milkrun.wallets.schemas import WalletUpdate


def set_wallet(
    session: Session,
    customer_id: int,
    data: WalletUpdate,
    actor: audit.Actor,
    *,
    threshold_paise: int,
    today: dt.date,
) -> Customer:
    """Make the customer prepaid (with its own threshold, or the dairy's) or postpaid, audited;
    the generated days not begun follow at once (held, or brought back). A threshold for a
    postpaid customer is refused (409 ``not_prepaid``): it would do nothing."""
    lock_customer(session, customer_id)
    customer = customer_queries.get_customer(session, customer_id)
    if not data.is_prepaid and data.threshold is not None:
        raise NotPrepaid(
            f"{customer.name} is not prepaid: a wallet threshold applies to prepaid customers only"
        )
    before = _terms(customer)
    customer.is_prepaid = data.is_prepaid
    customer.wallet_threshold_paise = (
        to_paise(data.threshold) if data.threshold is not None else None
    )
    session.flush()
    after = _terms(customer)
    if after != before:
        audit.record(
            session,
            actor,
            "wallet.update",
            "customer",
            customer.id,
            before=before,
            after=after,
            customer_id=customer.id,
        )
        holds.reconsider(session, customer.id, threshold_paise, actor, today=today)
    return customer


def receive_payment(
    session: Session,
    data: PaymentCreate,
    actor: audit.Actor,
    *,
    threshold_paise: int,
    today: dt.date,
    confirm_duplicate: bool = False,
) -> Payment:
    """Record a payment (``settlement.receive_payment``); for a prepaid customer it is a top-up:
    the holds of the generated days not begun are decided again and lifted ones regenerated."""
    payment = settlement.receive_payment(session, data, actor, confirm_duplicate=confirm_duplicate)
    topups.money_received(
        session, [payment.customer_id], actor, threshold_paise=threshold_paise, today=today
    )
    return payment


def _terms(customer: Customer) -> dict[str, object]:
    own = customer.wallet_threshold_paise
    return {
        "is_prepaid": customer.is_prepaid,
        "threshold": to_rupees(own) if own is not None else None,
    }
