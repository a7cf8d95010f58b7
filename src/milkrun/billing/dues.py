"""Who owes what, for many customers at once: the ledger's balance (``billing.ledger``) summed in
SQL (issued invoices' charges, less those voided, plus corrections on issued invoices, less
payments). Positive: the customer owes; negative: credit in its favour."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.billing.models import Invoice, InvoiceLine, InvoiceStatus
from milkrun.payments.models import Payment

DRAFT = InvoiceStatus.draft.value


def _movements() -> Select[tuple[int, int]]:
    """Every entry of every ledger as (customer_id, paise)."""
    charges = (
        select(
            Invoice.customer_id.label("customer_id"),
            (InvoiceLine.amount_paise + InvoiceLine.tax_paise).label("paise"),
        )
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(Invoice.status != DRAFT)
    )
    voided = (
        select(
            Invoice.customer_id,
            -(InvoiceLine.amount_paise + InvoiceLine.tax_paise),
        )
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(Invoice.status != DRAFT, Invoice.voided_at.is_not(None))
    )
    corrections = (
        select(Adjustment.customer_id, Adjustment.amount_paise + Adjustment.tax_paise)
        .join(Invoice, Invoice.id == Adjustment.against_invoice_id)
        .where(Invoice.status != DRAFT)
    )
    paid = select(Payment.customer_id, -Payment.amount_paise)
    moves = union_all(charges, voided, corrections, paid).subquery("moves")
    return select(moves.c.customer_id, moves.c.paise)


def balances_of(session: Session, customer_ids: Iterable[int]) -> dict[int, int]:
    """The balance of each customer named (0 for one with no entries)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    moves = _movements().subquery()
    rows = session.execute(
        select(moves.c.customer_id, func.sum(moves.c.paise))
        .where(moves.c.customer_id.in_(ids))
        .group_by(moves.c.customer_id)
    )
    found = {customer_id: int(total or 0) for customer_id, total in rows}
    return {customer_id: found.get(customer_id, 0) for customer_id in ids}


def owing_customers() -> Select[tuple[int]]:
    """The ids of the customers who owe something (balance above zero), for a filter."""
    moves = _movements().subquery()
    return (
        select(moves.c.customer_id)
        .group_by(moves.c.customer_id)
        .having(func.sum(moves.c.paise) > 0)
    )


def owing_balances(session: Session) -> dict[int, int]:
    """Every customer who owes something, with the balance (one query): a statement credit of
    exactly that amount is likely theirs."""
    moves = _movements().subquery()
    rows = session.execute(
        select(moves.c.customer_id, func.sum(moves.c.paise))
        .group_by(moves.c.customer_id)
        .having(func.sum(moves.c.paise) > 0)
    )
    return {customer_id: int(total) for customer_id, total in rows}
