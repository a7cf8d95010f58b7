"""The drafts of a run: one per customer with something to bill; and, at finalization, the link
from each of its orders to the draft being issued.

Rebuilding keeps a draft's row (and id): its provisional corrections are absorbed, its lines
rewritten where they differ (``lines.write``), its customer's name and address refreshed if
they changed; drafts of customers with nothing left to bill are deleted (with their lines), new
ones inserted without reading their own rows. A draft's orders are derived, not
written (``billable.on_draft``): a run and its reruns write no order at all. Finalizing links
the orders of the drafts it issues (``link_orders``). Issued and void invoices are never
touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    and_,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import Table as CoreTable
from sqlalchemy.orm import Session

from milkrun.adjustments.models import Adjustment
from milkrun.billing import deposits
from milkrun.billing.billable import BILLED_OUTCOMES, Scope, pending_adjustments
from milkrun.billing.models import Invoice, InvoiceLine, InvoiceStatus
from milkrun.customers.models import Customer
from milkrun.db import statistics
from milkrun.orders.models import Order

TEMPORARY_CUSTOMERS = "billing_run_customers"
# From this many drafts made or dropped, the next statements are planned on fresh statistics
# (a plan for "one draft" over ten thousand recomputed every draft's sums for each of them).
MANY_DRAFTS = 1_000


@dataclass(frozen=True)
class Made:
    created: int
    updated: int
    deleted: int


def _exec(session: Session, statement: Any) -> int:
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


def release(session: Session, scope: Scope) -> None:
    """Before the scope's drafts are rebuilt: the adjustments they carried wait again, and
    provisional corrections (against a draft) are absorbed by the rebuild. Their lines stay:
    the rebuild writes only the lines that differ (``lines.write``). (No order is linked to a
    draft: nothing to release.)"""
    drafts = select(Invoice.id).where(scope.drafts()).scalar_subquery()
    _exec(
        session, update(Adjustment).where(Adjustment.invoice_id.in_(drafts)).values(invoice_id=None)
    )
    # Corrections of orders while their invoice was a draft: the rebuild bills the new quantity.
    _exec(session, delete(Adjustment).where(Adjustment.against_invoice_id.in_(drafts)))


def billable_customers(session: Session, scope: Scope) -> Any:
    """A temporary table of the customers who get a draft: something delivered and not yet on
    an issued invoice, or a pending adjustment. (PostgreSQL drops it at commit; SQLite keeps an
    empty one per connection: dropping a table there fails while any statement is open.)"""
    postgres = session.get_bind().dialect.name == "postgresql"
    name = TEMPORARY_CUSTOMERS
    if postgres:
        session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{name}"))
        session.execute(
            text(f"CREATE TEMPORARY TABLE {name} (customer_id integer PRIMARY KEY) ON COMMIT DROP")
        )
    else:
        session.execute(
            text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} (customer_id integer PRIMARY KEY)")
        )
    table = CoreTable(name, MetaData(), Column("customer_id", Integer, primary_key=True))
    if not postgres:
        session.execute(delete(table))
    delivered = (
        select(Order.customer_id)
        .where(scope.orders(), Order.status.in_(BILLED_OUTCOMES), Order.invoice_id.is_(None))
        .union(
            select(Adjustment.customer_id).where(
                pending_adjustments(scope.month), scope.customers(Adjustment.customer_id)
            ),
            deposits.customers(scope),
        )
    )
    session.execute(insert(table).from_select(["customer_id"], delivered))
    statistics.refresh(session, name)
    return table


def _empty_temporary(session: Session, table: Any) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{TEMPORARY_CUSTOMERS}"))
    else:
        session.execute(delete(table))


def make(session: Session, scope: Scope, customers: Any, *, now: dt.datetime) -> Made:
    """One draft per customer of ``customers`` (``billable_customers``), and none for anyone
    else in the scope; empties ``customers``."""
    dropped = and_(scope.drafts(), Invoice.customer_id.not_in(select(customers.c.customer_id)))
    _exec(
        session,
        delete(InvoiceLine).where(InvoiceLine.invoice_id.in_(select(Invoice.id).where(dropped))),
    )
    deleted = _exec(session, delete(Invoice).where(dropped))
    # Every draft left is rebuilt in place ("updated"); only a changed name or address is
    # written (a rerun that changes nothing rewrites no draft).
    updated = int(session.scalar(select(func.count(Invoice.id)).where(scope.drafts())) or 0)
    _exec(
        session,
        update(Invoice)
        .where(
            scope.drafts(),
            Invoice.customer_id == Customer.id,
            or_(
                Invoice.customer_name != Customer.name, Invoice.customer_address != Customer.address
            ),
        )
        .values(customer_name=Customer.name, customer_address=Customer.address, updated_at=now),
    )
    # Customers who have their draft already are taken off the list first: an INSERT that
    # looks for drafts in the table it fills reads its own rows (quadratic on PostgreSQL).
    _exec(
        session,
        delete(customers).where(
            customers.c.customer_id.in_(select(Invoice.customer_id).where(scope.drafts()))
        ),
    )
    new_drafts = select(
        Customer.id,
        literal(scope.month),
        literal(InvoiceStatus.draft.value),
        Customer.name,
        Customer.address,
        literal(0),
        literal(0),
        literal(0),
        literal(0),
        literal(now, Invoice.created_at.type),
        literal(now, Invoice.updated_at.type),
    ).join(customers, customers.c.customer_id == Customer.id)
    # (INSERT ... SELECT reports no row count through every driver: count what goes in.)
    created = int(session.scalar(select(func.count()).select_from(customers)) or 0)
    session.execute(
        insert(Invoice).from_select(
            [
                "customer_id",
                "month",
                "status",
                "customer_name",
                "customer_address",
                "subtotal_paise",
                "tax_paise",
                "total_paise",
                "amount_paid_paise",
                "created_at",
                "updated_at",
            ],
            new_drafts,
        ),
    )
    if created + deleted >= MANY_DRAFTS:
        statistics.refresh(session, "invoices")
    _empty_temporary(session, customers)
    return Made(created=created, updated=updated, deleted=deleted)


def link_orders(session: Session, scope: Scope) -> int:
    """Link every order the scope's drafts bill (``billable.on_draft``) to its draft: done by
    finalizing, in the transaction that issues them, before their lines are summed from the
    links (``lines.insert_lines(linked=True)``), so the issued lines bill exactly the linked
    orders. The UPDATE locks the linked orders: a mark of one of them waits for the issue and
    then finds it on an issued invoice (a correction). Returns how many were linked."""
    condition = and_(scope.orders(), Order.invoice_id.is_(None), Order.status.in_(BILLED_OUTCOMES))
    if session.get_bind().dialect.name == "postgresql":
        # UPDATE ... FROM: one hash join instead of a lookup per order.
        linked = _exec(
            session,
            update(Order)
            .where(condition, scope.drafts(), Invoice.customer_id == Order.customer_id)
            .values(invoice_id=Invoice.id),
        )
    else:
        draft_of_customer = (
            select(Invoice.id)
            .where(scope.drafts(), Invoice.customer_id == Order.customer_id)
            .scalar_subquery()
        )
        with_draft = Order.customer_id.in_(select(Invoice.customer_id).where(scope.drafts()))
        linked = _exec(
            session,
            update(Order).where(condition, with_draft).values(invoice_id=draft_of_customer),
        )
    if linked > statistics.BULK_CHANGE:
        statistics.refresh(session, "orders")
    return linked
