"""The billing run: rebuild a month's draft invoices from what was delivered. Set-based SQL.

One draft per customer with anything billable in the month: every order of the month whose
delivery status is delivered or partially delivered and that is on no invoice yet (one-time
orders as much as subscription orders), billed at quantity_delivered x the order's captured
unit price, in lines per product and unit price, tax per line at the product's rate rounded half
up; plus the customer's pending adjustments (corrections to orders of issued invoices of earlier
months). A draft's orders are derived (``billable.on_draft``): a run writes no order.

Finalizing writes the link, once: ``link_and_resum`` links the orders of the drafts it issues
and derives their lines again from those links, in the issuing transaction under the month's
lock, so an issued invoice bills exactly the orders linked to it even if a mark came after the
run.

Rebuilding a draft keeps its row (and id) and re-derives everything in it: every line into a
temporary table, then only the lines, totals and documents that differ are written (``lines``),
so a rerun or a close that changes nothing writes almost nothing; drafts with nothing left to
bill are deleted; issued and void invoices are never touched. The whole run holds the
month's lock (``months.lock_month``): twenty concurrent runs queue and each rebuilds the same
drafts. The steps: what is billable (``billable``), the drafts and their orders (``drafts``),
their lines, carried adjustments and totals (``lines``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.adjustments.models import Adjustment
from milkrun.billing import deposits, drafts, lines
from milkrun.billing.billable import Scope
from milkrun.billing.models import Invoice, InvoiceLine
from milkrun.customers.models import Customer
from milkrun.db import statistics
from milkrun.deliveries.models import DeliveryStatus
from milkrun.orders.models import Order

Progress = Callable[[str], None]
# What a run reads: their statistics are checked (and refreshed if stale) when it starts.
BILLING_TABLES = (
    Order.__tablename__,
    DeliveryStatus.__tablename__,
    Customer.__tablename__,
    Invoice.__tablename__,
    InvoiceLine.__tablename__,
    Adjustment.__tablename__,
)
# How many times rebuild_drafts reports progress (a progress bar's length).
REBUILD_STEPS = 7


@dataclass(frozen=True)
class Rebuilt:
    created: int
    updated: int
    deleted: int
    invoices: int
    total_paise: int


def rebuild_drafts(
    session: Session,
    month: dt.date,
    *,
    progress: Progress | None = None,
    scope: Scope | None = None,
    link: bool = False,
) -> Rebuilt:
    """Rebuild the drafts of ``month`` (the caller holds the month's lock).

    An order's status (written with its delivery status, in one transaction) says whether it is
    billable; the delivery status says how many. No order is written (a draft's orders are
    derived) unless ``link``: a run that finalizes links the orders to the drafts it is about
    to issue and sums the lines from the links.
    """
    step = progress or (lambda _description: None)
    scope = scope or Scope(month)
    now = clock.now()
    statistics.room_to_sort(session, 128)  # a batch job: its joins and aggregates in memory
    # A month bulk-loaded or bulk-changed since the last ANALYZE (an import, a fresh database
    # before autovacuum came by) would be planned as if empty: nested loops over millions.
    statistics.refresh_stale(session, *BILLING_TABLES)

    step("releasing the drafts' carried adjustments and provisional corrections")
    drafts.release(session, scope)

    step("finding customers with something to bill")
    customers = drafts.billable_customers(session, scope)

    step("making one draft per customer")
    made = drafts.make(session, scope, customers, now=now)

    if link:
        step("linking delivered orders to the drafts to issue")
        drafts.link_orders(session, scope)

    step("summing lines per product and price")
    deposits.assign(session, scope)
    derived = lines.derive(session, scope, linked=link)

    step("writing the lines that changed")
    removed = lines.write(session, scope, derived)
    if made.created + made.deleted >= drafts.MANY_DRAFTS or removed >= statistics.BULK_CHANGE:
        statistics.refresh(session, InvoiceLine.__tablename__)

    step("carrying pending adjustments")
    lines.carry_adjustments(session, scope)

    step("totalling the drafts, deciding their GST documents")
    lines.refresh_drafts(session, scope, derived, now=now)
    lines.forget(session)

    count, total = session.execute(
        select(func.count(Invoice.id), func.coalesce(func.sum(Invoice.total_paise), 0)).where(
            scope.drafts()
        )
    ).one()
    return Rebuilt(
        created=made.created,
        updated=made.updated,
        deleted=made.deleted,
        invoices=int(count),
        total_paise=int(total),
    )


def link_and_resum(session: Session, scope: Scope, *, progress: Progress | None = None) -> int:
    """Before the scope's drafts are issued (the caller holds the month's lock): link the orders
    they bill (``drafts.link_orders``) and derive their lines again from those links, their
    provisional corrections absorbed, their container deposits and carried adjustments kept;
    then write only what differs from the drafts as the run left them (``lines.write``,
    ``lines.refresh_drafts``). A draft whose orders were marked or corrected after the run is
    thereby issued for what was delivered; one that is unchanged is not written at all. No
    draft is made or dropped here. Returns how many orders were linked."""
    step = progress or (lambda _description: None)
    now = clock.now()
    statistics.room_to_sort(session, 128)
    in_scope = select(Invoice.id).where(scope.drafts()).scalar_subquery()
    step("linking delivered orders to the drafts to issue")
    session.execute(
        delete(Adjustment).where(Adjustment.against_invoice_id.in_(in_scope)),
        execution_options={"synchronize_session": False},
    )
    linked = drafts.link_orders(session, scope)
    step("summing the issued lines from the linked orders")
    derived = lines.derive(session, scope, linked=True)
    removed = lines.write(session, scope, derived)
    if removed >= statistics.BULK_CHANGE:
        statistics.refresh(session, InvoiceLine.__tablename__)
    step("totalling them, deciding their GST documents")
    changed = lines.refresh_drafts(session, scope, derived, now=now)
    lines.forget(session)
    if changed >= statistics.BULK_CHANGE:
        # Numbering selects the drafts by the document types just set: planned on statistics
        # that still say "no document type", it took a nested loop over every draft.
        statistics.refresh(session, Invoice.__tablename__)
    return linked
