"""Importing the order book: subscriptions with their pauses, and orders linked to the
subscription they came from (the rules: ``matching``). Confirmations: ``confirmations``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, select

from milkrun.catalog.models import Product, ProductPrice
from milkrun.catalog.prices import PriceList
from milkrun.customers.models import Customer
from milkrun.legacy.errors import ExportError
from milkrun.legacy.matching import (
    SubscriptionBook,
)
from milkrun.legacy.reader import Line, file_of
from milkrun.legacy.store import Run, batches
from milkrun.money import to_paise
from milkrun.orders.models import Order, OrderStatus
from milkrun.routing.models import Route, Shift
from milkrun.subscriptions import queries as subscription_queries
from milkrun.subscriptions import validity
from milkrun.subscriptions.models import WEEKDAYS, Override, Pause, Subscription, SubscriptionTerms
from milkrun.subscriptions.schedule import PauseSpan, day_number, spans_overlap

SUBSCRIPTIONS = cast(Table, Subscription.__table__)
TERMS = cast(Table, SubscriptionTerms.__table__)
PAUSES = cast(Table, Pause.__table__)
OVERRIDES = cast(Table, Override.__table__)
ORDERS = cast(Table, Order.__table__)


def product_ids(run: Run, collection: str, lines: Sequence[Line[Any]]) -> dict[str, int]:
    """SKU -> product id for every document's ``product``; an unknown SKU is fatal."""
    found = dict(
        run.select_in(select(Product.sku, Product.id), Product.sku, [n.doc.product for n in lines])
    )
    for line in lines:
        if line.doc.product not in found:
            raise ExportError(
                file_of(collection),
                line.number,
                "product",
                f"no product has the SKU {line.doc.product!r}",
            )
    return found


def _customers(run: Run, collection: str, lines: Sequence[Line[Any]]) -> dict[str, int]:
    """Customer ``_id`` -> customer id for every document's ``customer``; unknown is fatal."""
    found = run.known("customers", [line.doc.customer for line in lines])
    for line in lines:
        if line.doc.customer not in found:
            raise ExportError(
                file_of(collection),
                line.number,
                "customer",
                f"no customer has the _id {line.doc.customer!r}",
            )
    return found


def _home_shifts(run: Run, customer_ids: Sequence[int]) -> dict[int, tuple[int | None, str]]:
    """Each customer's route and that route's shift (morning without a route)."""
    rows = run.select_in(
        select(Customer.id, Customer.route_id, Route.shift).outerjoin(
            Route, Route.id == Customer.route_id
        ),
        Customer.id,
        customer_ids,
    )
    return {row.id: (row.route_id, row.shift or Shift.morning.value) for row in rows}


# --- subscriptions -----------------------------------------------------------------------------


def _merged(
    spans: Sequence[tuple[dt.date, dt.date | None, str | None]],
) -> list[tuple[dt.date, dt.date | None, str | None]]:
    """Paused ranges that share a day become one (pauses of a subscription never overlap)."""
    merged: list[tuple[dt.date, dt.date | None, str | None]] = []
    for start, end, reason in sorted(spans, key=lambda s: s[0]):
        if merged and spans_overlap(merged[-1][0], merged[-1][1], start, end):
            first, last, kept = merged[-1]
            merged[-1] = (first, None if last is None or end is None else max(last, end), kept)
        else:
            merged.append((start, end, reason))
    return merged


def import_subscriptions(run: Run) -> None:
    """New subscriptions: one set of terms from the start date (the rhythm counts from it), the
    shift of the customer's route unless the document names one, and their paused ranges."""
    new = run.not_yet_imported("subscriptions", run.export.lines("subscriptions"))
    customers = _customers(run, "subscriptions", new)
    products = product_ids(run, "subscriptions", new)
    homes = _home_shifts(run, [customers[line.doc.customer] for line in new])
    ids = run.insert_returning_ids(
        SUBSCRIPTIONS,
        [
            {
                "customer_id": customers[line.doc.customer],
                "start_date": line.doc.start_date,
                "end_date": line.doc.end_date,
            }
            for line in new
        ],
        "writing subscriptions",
    )
    terms, pauses = [], []
    for line, subscription_id in zip(new, ids, strict=True):
        doc = line.doc
        customer_id = customers[doc.customer]
        schedule = doc.schedule()
        weekdays = schedule.weekday_quantities
        terms.append(
            {
                "subscription_id": subscription_id,
                "effective_from": doc.start_date,
                "product_id": products[doc.product],
                "shift": (doc.shift.value if doc.shift else homes[customer_id][1]),
                "kind": schedule.kind.value,
                "quantity": schedule.quantity,
                "interval_days": schedule.interval_days,
                **{
                    f"{day}_quantity": weekdays[index] if weekdays else None
                    for index, day in enumerate(WEEKDAYS)
                },
                "anchor_date": doc.start_date,
                "anchor_day": day_number(doc.start_date),
            }
        )
        for start, end, reason in _merged(
            [(p.start_date, p.end_date, p.reason) for p in doc.paused]
        ):
            pauses.append(
                {
                    "customer_id": customer_id,
                    "subscription_id": subscription_id,
                    "start_date": start,
                    "end_date": end,
                    "reason": reason or "paused in the old system",
                }
            )
    validity.link_rows(terms)
    run.insert(TERMS, terms)
    run.insert(PAUSES, pauses)
    run.remember("subscriptions", list(zip((line.doc.id for line in new), ids, strict=True)))
    run.report.counts("subscriptions").created += len(new)


# --- orders ------------------------------------------------------------------------------------


def _subscription_book(
    run: Run, customer_ids: set[int], first: dt.date, last: dt.date
) -> SubscriptionBook:
    """The customers' subscriptions (imported or not), pauses, the overrides and orders of
    their subscriptions from ``first`` to ``last``: a few queries, whatever the number."""
    session = run.session
    subscriptions = [
        row[0]
        for row in run.select_in(select(Subscription), Subscription.customer_id, customer_ids)
    ]
    ids = [s.id for s in subscriptions]
    terms: dict[int, list[SubscriptionTerms]] = {}
    for chunk in batches(ids):
        terms.update(subscription_queries.terms_of(session, chunk))
    plans = [subscription_queries.plan_of(s, terms.get(s.id, [])) for s in subscriptions]
    pauses = [
        PauseSpan(p.customer_id, p.subscription_id, p.start_date, p.end_date)
        for (p,) in run.select_in(select(Pause), Pause.customer_id, customer_ids)
    ]
    overrides: dict[int, dict[dt.date, int]] = defaultdict(dict)
    in_range = select(Override).where(Override.delivery_date.between(first, last))
    for (override,) in run.select_in(in_range, Override.subscription_id, ids):
        overrides[override.subscription_id][override.delivery_date] = override.quantity
    taken = run.select_in(
        select(Order.subscription_id, Order.delivery_date).where(
            Order.delivery_date.between(first, last)
        ),
        Order.subscription_id,
        ids,
    )
    return SubscriptionBook(plans, pauses, overrides, [(s, d) for s, d in taken])


def _price_list(run: Run, product_ids: set[int]) -> PriceList:
    """Every price of the products, read in batches, for the catalog's rule of the price on a
    date."""
    rows = run.select_in(
        select(ProductPrice.product_id, ProductPrice.effective_from, ProductPrice.price_paise),
        ProductPrice.product_id,
        product_ids,
    )
    return PriceList(rows)


def import_orders(run: Run) -> None:
    """New orders at the price they captured (else the price list's on their date), on the
    customer's route, in the shift of the route unless the document names one, each linked to
    the subscription it came from (``matching.SubscriptionBook``) or kept as a one-time order.
    A linked order of another quantity than the schedule's that day gets an override for that
    date (the old system's day change), so that materializing the date again keeps it."""
    new = run.not_yet_imported("orders", run.export.lines("orders"))
    if not new:
        return
    customers = _customers(run, "orders", new)
    products = product_ids(run, "orders", new)
    homes = _home_shifts(run, [customers[line.doc.customer] for line in new])
    prices = _price_list(run, set(products.values()))
    days = [line.doc.delivery_date for line in new]
    book = _subscription_book(run, set(homes), min(days), max(days))
    repairs = run.report.repairs
    rows, overrides = [], []
    for line in new:
        doc = line.doc
        customer_id = customers[doc.customer]
        product_id = products[doc.product]
        route_id, home_shift = homes[customer_id]
        shift = doc.shift.value if doc.shift else home_shift
        price = (
            to_paise(doc.price)
            if doc.price is not None
            else prices.on(product_id, doc.delivery_date)
        )
        if price is None:
            raise ExportError(
                file_of("orders"),
                line.number,
                "price",
                f"no price given, and {doc.product} has none on {doc.delivery_date}",
            )
        link = book.link(customer_id, product_id, shift, doc.delivery_date, doc.quantity)
        if link.subscription_id is not None:
            repairs.orders_linked += 1
            day_set = book.overrides.get(link.subscription_id, {})
            if link.due_quantity != doc.quantity and doc.delivery_date not in day_set:
                overrides.append(
                    {
                        "subscription_id": link.subscription_id,
                        "delivery_date": doc.delivery_date,
                        "quantity": doc.quantity,
                    }
                )
        else:
            repairs.orders_one_time += 1
            if link.taken_by is not None:
                repairs.orders_one_time_taken.append(doc.id)
                run.report.notice(
                    "orders",
                    doc.id,
                    "subscription_date_taken",
                    f"subscription #{link.taken_by} has its order of {doc.delivery_date} "
                    "already: kept as a one-time order",
                )
        rows.append(
            {
                "customer_id": customer_id,
                "product_id": product_id,
                "subscription_id": link.subscription_id,
                "delivery_date": doc.delivery_date,
                "shift": shift,
                "quantity": doc.quantity,
                "unit_price_paise": price,
                "route_id": route_id,
                "status": OrderStatus.scheduled.value,
            }
        )
    ids = run.insert_returning_ids(ORDERS, rows, "writing orders")
    run.insert(OVERRIDES, overrides)
    repairs.overrides_created += len(overrides)
    run.remember("orders", list(zip((line.doc.id for line in new), ids, strict=True)))
    run.report.counts("orders").created += len(new)


# --- delivery confirmations --------------------------------------------------------------------
