"""Importing delivery confirmations, each linked to the one imported order it confirms (the
rules: ``matching``), as delivery statuses that obey the marking rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, select, update

from milkrun import clock
from milkrun.auth.models import Role, User
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus
from milkrun.errors import MilkrunError
from milkrun.legacy import order_book
from milkrun.legacy.matching import (
    Confirmation,
    ImportedOrder,
    match_confirmations,
)
from milkrun.legacy.order_book import ORDERS
from milkrun.legacy.reader import Line
from milkrun.legacy.reference import NO_PASSWORD, USERS
from milkrun.legacy.store import RECORDS, Run, batches
from milkrun.orders.models import Order, OrderStatus
from milkrun.phones import normalize_phone

STATUSES = cast(Table, DeliveryStatus.__table__)

# Who recorded a confirmation that names no known delivery boy: a disabled login standing for
# the old system (created the first time it is needed; it never logs in).
OLD_SYSTEM_EMAIL = "old-system@milkrun.invalid"
OLD_SYSTEM_NAME = "The old system (imported deliveries)"


def _confirmation_customers(run: Run, lines: Sequence[Line[Any]]) -> dict[str, int]:
    """A confirmation names its customer by ``_id`` or by phone: reference -> customer id, for
    those that name exactly one customer."""
    refs = {line.doc.customer for line in lines}
    found = {ref: i for ref, i in run.known("customers", refs).items() if ref in refs}
    phones: dict[str, str] = {}
    for ref in refs - set(found):
        try:
            phones[ref] = normalize_phone(ref)
        except MilkrunError:
            continue
    holders: dict[str, set[int]] = defaultdict(set)
    for row in run.select_in(select(Customer.id, Customer.phone), Customer.phone, phones.values()):
        holders[row.phone].add(row.id)
    for ref, phone in phones.items():
        if len(holders.get(phone, set())) == 1:
            (found[ref],) = holders[phone]
    return found


def _imported_orders(
    run: Run, customer_ids: set[int], first: dt.date, last: dt.date
) -> list[ImportedOrder]:
    """The imported orders of these customers from ``first`` to ``last``, and whether each is
    marked already."""
    statement = (
        select(
            Order.id,
            Order.customer_id,
            Order.product_id,
            Order.delivery_date,
            Order.shift,
            Order.quantity,
            Order.status,
            DeliveryStatus.id.label("mark_id"),
        )
        .join(RECORDS, and_(RECORDS.c.collection == "orders", RECORDS.c.record_id == Order.id))
        .outerjoin(DeliveryStatus, DeliveryStatus.order_id == Order.id)
        .where(Order.delivery_date.between(first, last))
    )
    return [
        ImportedOrder(
            row.id,
            row.customer_id,
            row.product_id,
            row.delivery_date,
            row.shift,
            row.quantity,
            row.status,
            row.mark_id is not None,
        )
        for row in run.select_in(statement, Order.customer_id, customer_ids)
    ]


def _old_system_login(run: Run) -> int:
    found = run.session.scalar(select(User.id).where(User.email == OLD_SYSTEM_EMAIL))
    if found is not None:
        return found
    (made,) = run.insert_returning_ids(
        USERS,
        [
            {
                "role": Role.delivery_boy.value,
                "name": OLD_SYSTEM_NAME,
                "email": OLD_SYSTEM_EMAIL,
                "password_hash": NO_PASSWORD,
                "is_active": False,
            }
        ],
        "writing logins",
    )
    return made


def _recorded_at(run: Run, at: dt.datetime | None) -> dt.datetime:
    """A timestamp without a zone is the dairy's local time; none at all is now."""
    if at is None:
        return clock.now()
    if at.tzinfo is None:
        at = at.replace(tzinfo=run.zone)
    return at.astimezone(dt.UTC)


def import_deliveries(run: Run) -> None:
    """New delivery confirmations, each linked to its imported order and written as that
    order's delivery status (the order's status follows); unmatched, ambiguous and rejected
    ones are reported and left out. Recorded by the login with the ``by`` phone, else by the
    old system's login."""
    new = run.not_yet_imported("deliveries", run.export.lines("deliveries"))
    if not new:
        return
    products = order_book.product_ids(run, "deliveries", new)
    customers = _confirmation_customers(run, new)
    confirmations = [
        Confirmation(
            legacy_id=line.doc.id,
            customer_id=customers.get(line.doc.customer),
            product_id=products[line.doc.product],
            delivery_date=line.doc.delivery_date,
            shift=line.doc.shift.value if line.doc.shift else None,
            status=line.doc.status,
            quantity_delivered=line.doc.quantity_delivered,
            reason=line.doc.reason,
            notes=line.doc.notes,
        )
        for line in new
    ]
    days = [c.delivery_date for c in confirmations]
    orders = _imported_orders(
        run, {c.customer_id for c in confirmations if c.customer_id}, min(days), max(days)
    )
    matches = match_confirmations(confirmations, orders, run.today)
    recorders = dict(
        run.select_in(
            select(User.phone, User.id), User.phone, [line.doc.by for line in new if line.doc.by]
        )
    )
    repairs = run.report.repairs
    counts = run.report.counts("deliveries")
    linked, rows, statuses = [], [], []
    old_system: int | None = None
    for line, match in zip(new, matches, strict=True):
        doc = line.doc
        if match.kind != "linked":
            getattr(repairs, f"confirmations_{match.kind}").append(doc.id)
            run.report.notice("deliveries", doc.id, match.code or match.kind, match.detail)
            counts.skipped += 1
            continue
        assert match.order is not None
        assert match.outcome is not None
        recorder = recorders.get(doc.by) if doc.by else None
        if recorder is None:
            if doc.by:
                run.report.notice(
                    "deliveries",
                    doc.id,
                    "unknown_recorder",
                    f"no login has the phone {doc.by}: recorded by the old system's login",
                )
            old_system = old_system or _old_system_login(run)
            recorder = old_system
        outcome = match.outcome
        linked.append(doc.id)
        rows.append(
            {
                "order_id": match.order.id,
                "customer_id": match.order.customer_id,
                "status": outcome.status.value,
                "quantity_delivered": outcome.quantity_delivered,
                "reason": outcome.reason.value if outcome.reason else None,
                "notes": outcome.notes,
                "recorded_by_user_id": recorder,
                "recorded_at": _recorded_at(run, doc.at),
            }
        )
        statuses.append({"order": match.order.id, "new_status": outcome.status.value})
    ids = run.insert_returning_ids(STATUSES, rows, "writing delivery statuses")
    if statuses:
        now = clock.now()
        mark = (
            update(ORDERS)
            .where(
                ORDERS.c.id == bindparam("order"), ORDERS.c.status == OrderStatus.scheduled.value
            )
            .values(status=bindparam("new_status"), updated_at=now)
        )
        for chunk in batches(statuses):
            run.session.execute(mark, list(chunk))
    run.remember("deliveries", list(zip(linked, ids, strict=True)))
    repairs.confirmations_linked += len(linked)
    counts.created += len(linked)
