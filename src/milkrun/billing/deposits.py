"""Container deposits on the bill (``containers`` owns the ledger and the deposit rule).

A billing run puts each container movement with a deposit that is on no bill yet, dated up to
the end of the run's month, on its customer's draft; the draft gets one line per container
type with the net of those deposits: "Deposit · <container>" when charged (quantity 1), or
"Deposit refunded · <container>" when the month gave back more than it charged (quantity −1),
the amount in the unit price, no tax. A month that nets to zero has no line. The lines are
invoice lines, so a bill's total and the customer's balance carry deposits like any charge.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, and_, case, func, literal, null, or_, select, update
from sqlalchemy.orm import Session

from milkrun.billing.billable import Scope
from milkrun.billing.models import Invoice, InvoiceStatus
from milkrun.containers.models import ContainerMovement, ContainerType

_BULK = {"synchronize_session": False}


def _unbilled(scope: Scope) -> Any:
    on_drafts = select(Invoice.id).where(scope.drafts()).scalar_subquery()
    return and_(
        ContainerMovement.deposit_paise != 0,
        ContainerMovement.movement_date <= scope.last_day,
        scope.customers(ContainerMovement.customer_id),
        or_(ContainerMovement.invoice_id.is_(None), ContainerMovement.invoice_id.in_(on_drafts)),
    )


def customers(scope: Scope) -> Any:
    """The customers with deposits to bill in the run (for ``drafts.billable_customers``)."""
    return select(ContainerMovement.customer_id).where(_unbilled(scope))


def assign(session: Session, scope: Scope) -> None:
    """Put every deposit of the scope on no bill yet on its customer's draft of the month."""
    draft_of_customer = (
        select(Invoice.id)
        .where(
            Invoice.customer_id == ContainerMovement.customer_id,
            Invoice.month == scope.month,
            Invoice.status == InvoiceStatus.draft.value,
        )
        .scalar_subquery()
    )
    session.execute(
        update(ContainerMovement).where(_unbilled(scope)).values(invoice_id=draft_of_customer),
        execution_options=_BULK,
    )


def lines(scope: Scope) -> Any:
    """One deposit line per draft and container type whose deposits do not net to zero (the
    columns of ``lines.LINE_COLUMNS``; no HSN code, no tax)."""
    net = func.sum(ContainerMovement.deposit_paise)
    sign = case((net > 0, 1), else_=-1)
    description = func.substr(
        case((net > 0, literal("Deposit · ")), else_=literal("Deposit refunded · "))
        + ContainerType.name,
        1,
        200,
    )
    return (
        select(
            ContainerMovement.invoice_id,
            ContainerType.deposit_product_id,
            description,
            null(),
            sign,
            func.abs(net),
            net,
            literal(0, Integer),
            literal(0, Integer),
        )
        .join(ContainerType, ContainerType.id == ContainerMovement.container_type_id)
        .join(Invoice, Invoice.id == ContainerMovement.invoice_id)
        .where(scope.drafts())
        .group_by(
            ContainerMovement.invoice_id,
            ContainerType.id,
            ContainerType.deposit_product_id,
            ContainerType.name,
        )
        .having(net != 0)
    )
