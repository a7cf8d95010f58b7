"""Payments (admins record them) and the ledger (admins; a customer reads its own)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.api.caller import CallerCustomerId, MyCustomerId
from milkrun.api.deps import (
    DEFAULT_LIMIT,
    ActorDep,
    AdminUser,
    Cursor,
    IdFilter,
    Limit,
    ScopeDep,
    SessionDep,
    SettingsDep,
)
from milkrun.billing import ledger, settlement
from milkrun.billing.schemas import Ledger
from milkrun.customers import queries as customer_queries
from milkrun.date_window import BusinessDate
from milkrun.db.pagination import Page
from milkrun.money import to_rupees
from milkrun.payments import queries as payment_queries
from milkrun.payments.models import Payment, PaymentMethod
from milkrun.payments.schemas import AllocationRead, PaymentCreate, PaymentRead
from milkrun.wallets import service as wallet_service
from milkrun.wallets.generation import threshold_of

router = APIRouter(tags=["payments"])

Confirm = Annotated[
    bool,
    Query(
        description="Record it even though the same customer, amount and method was recorded "
        "without a reference in the last two minutes"
    ),
]
DateFrom = Annotated[BusinessDate | None, Query(description="Entries before this open the ledger")]
DateTo = Annotated[BusinessDate | None, Query(description="Last date shown")]


def read_payments(session: Session, payments: Sequence[Payment]) -> list[PaymentRead]:
    """Payments with where their money went (one query for the allocations of all of them)."""
    allocations = settlement.allocations_of_payments(session, [p.id for p in payments])
    reads = []
    for payment in payments:
        mine = allocations.get(payment.id, [])
        reads.append(
            PaymentRead(
                id=payment.id,
                customer_id=payment.customer_id,
                amount=to_rupees(payment.amount_paise),
                method=PaymentMethod(payment.method),
                reference=payment.reference,
                received_at=payment.received_at,
                created_at=payment.created_at,
                allocations=[
                    AllocationRead(invoice_id=invoice_id, number=number, amount=to_rupees(amount))
                    for invoice_id, number, amount in mine
                ],
                unallocated=to_rupees(payment.amount_paise - sum(a for _, _, a in mine)),
            )
        )
    return reads


@router.post("/payments", status_code=status.HTTP_201_CREATED, response_model=PaymentRead)
def record_payment(
    body: PaymentCreate,
    _: AdminUser,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    confirm: Confirm = False,
) -> PaymentRead:
    """Record money received; it pays the customer's oldest open invoices first and the rest
    stays as credit for the next bill. For a prepaid customer it is a top-up: days held for a
    low balance that have not begun are generated again when the balance allows."""
    payment = wallet_service.receive_payment(
        session,
        body,
        actor,
        threshold_paise=threshold_of(settings),
        today=clock.today(settings.zone),
        confirm_duplicate=confirm,
    )
    return read_payments(session, [payment])[0]


@router.get("/payments", response_model=Page[PaymentRead])
def list_payments(
    scope: ScopeDep,
    session: SessionDep,
    customer_id: IdFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[PaymentRead]:
    payments, next_cursor = payment_queries.list_payments(
        session, limit=limit, cursor=cursor, customer_id=customer_id, scope=scope
    )
    return Page[PaymentRead](items=read_payments(session, payments), next_cursor=next_cursor)


@router.get("/customers/{customer_id}/ledger", response_model=Ledger)
def customer_ledger(
    customer_id: CallerCustomerId,
    session: SessionDep,
    settings: SettingsDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> Ledger:
    """Opening balance, invoices, voids, corrections, payments with a running balance, and the
    closing balance. A customer reads only its own (another's is 404)."""
    customer_queries.get_customer(session, customer_id)
    return ledger.ledger(session, customer_id, settings.zone, date_from=date_from, date_to=date_to)


@router.get("/me/ledger", response_model=Ledger, tags=["me"])
def my_ledger(
    me: MyCustomerId,
    session: SessionDep,
    settings: SettingsDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> Ledger:
    return ledger.ledger(session, me, settings.zone, date_from=date_from, date_to=date_to)
