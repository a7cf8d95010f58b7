"""Cash at the door: a delivery boy takes cash at a stop, against the customer's dues.

The cash is "with the delivery boy" (a ``CashCollection``) until the owner confirms his handover
(``billing.handovers``): only then is it a payment on the customer's ledger. The customer gets
the receipt message at once (the ``payment_received`` message, by CASH, when messages are on).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.audit import service as audit
from milkrun.deliveries import idempotency
from milkrun.deliveries.markers import Marker
from milkrun.deliveries.stops import route_of_stop
from milkrun.errors import Forbidden
from milkrun.money import InvalidAmount, format_inr, to_paise, to_rupees
from milkrun.notify import outbox
from milkrun.payments.models import CashCollection
from milkrun.payments.schemas import CashAtDoorRequest, CashCollectionRead


def collect_once(
    session: Session,
    marker: Marker,
    request: CashAtDoorRequest,
    *,
    key: str | None,
    today: dt.date,
) -> idempotency.Answer:
    """Record cash taken at a stop at most once per ``Idempotency-Key``: the delivery page
    queues it offline and retries; a retry replays the first answer (no second collection)."""
    return idempotency.once(
        session,
        marker.caller,
        key,
        "cash-at-door",
        request,
        lambda: collect(session, marker, request, today=today),
        status=201,
    )


def collect(
    session: Session, marker: Marker, request: CashAtDoorRequest, *, today: dt.date
) -> CashCollectionRead:
    """Record cash taken at a stop. Rules: more than ₹0; only a login (a delivery boy at the
    stops of the routes he walks on the date, or an admin) collects cash, never a shared link
    (the cash must be someone's to hand over)."""
    amount = to_paise(request.amount)
    if amount <= 0:
        raise InvalidAmount(f"Cash taken is more than ₹0.00, not {format_inr(amount)}")
    if marker.user_id is None:
        raise Forbidden("Cash is collected by a delivery boy's own login")
    route_id = route_of_stop(
        session, marker, request.customer_id, request.delivery_date, today=today
    )
    now = clock.now()
    collection = CashCollection(
        customer_id=request.customer_id,
        route_id=route_id,
        collection_date=request.delivery_date,
        amount_paise=amount,
        collected_by_user_id=marker.user_id,
        collected_at=now,
    )
    session.add(collection)
    session.flush()
    audit.record(
        session,
        marker.actor,
        "cash.collect",
        "cash_collection",
        collection.id,
        after=audit.snapshot(collection),
        customer_id=request.customer_id,
    )
    outbox.enqueue(
        session,
        "payment_received",
        {
            "amount": to_rupees(amount),
            "method": "CASH",
            "received_on": now.isoformat(),
        },
        customer_id=request.customer_id,
        entity=("cash_collection", collection.id),
    )
    return CashCollectionRead.model_validate(collection)


def with_delivery_boys(session: Session, customer_ids: list[int] | None = None) -> dict[int, int]:
    """Cash collected and not yet handed over, per customer (all customers, or those named)."""
    statement = (
        select(CashCollection.customer_id, func.sum(CashCollection.amount_paise))
        .where(CashCollection.handover_id.is_(None))
        .group_by(CashCollection.customer_id)
    )
    if customer_ids is not None:
        statement = statement.where(CashCollection.customer_id.in_(customer_ids))
    return {cid: int(total or 0) for cid, total in session.execute(statement)}


def total_with_delivery_boys(session: Session) -> tuple[int, int]:
    """(how many collections, how much) is with delivery boys, not yet handed over."""
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(CashCollection.amount_paise), 0)).where(
            CashCollection.handover_id.is_(None)
        )
    ).one()
    return int(count or 0), int(total or 0)


def taken_by(session: Session, user_id: int, day: dt.date) -> dict[int, int]:
    """Cash a delivery boy took on ``day``, per customer (for his delivery page)."""
    rows = session.execute(
        select(CashCollection.customer_id, func.sum(CashCollection.amount_paise))
        .where(
            CashCollection.collected_by_user_id == user_id,
            CashCollection.collection_date == day,
        )
        .group_by(CashCollection.customer_id)
    )
    return {cid: int(total or 0) for cid, total in rows}
