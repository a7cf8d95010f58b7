"""Subscriptions, orders and delivery confirmations of the old system, with the links it did not
keep found again: each order's subscription, each confirmation's order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from milkrun.auth.models import User
from milkrun.customers.models import Customer
from milkrun.deliveries.models import DeliveryStatus
from milkrun.legacy.confirmations import OLD_SYSTEM_EMAIL
from milkrun.legacy.models import LegacyRecord
from milkrun.legacy.reference import NO_PASSWORD
from milkrun.orders import generate, sync
from milkrun.orders.models import Order
from milkrun.subscriptions.models import Override, Pause, Subscription, SubscriptionTerms
from tests import factories
from tests.legacy.conftest import RunImport
from tests.legacy.export import dairy


def day(n: int) -> dt.date:
    return dt.date(2026, 10, n)


def record_id(session: Session, collection: str, legacy_id: str) -> int:
    found = session.scalar(
        select(LegacyRecord.record_id).where(
            LegacyRecord.collection == collection, LegacyRecord.legacy_id == legacy_id
        )
    )
    assert found is not None, (collection, legacy_id)
    return found


def orders_by_legacy_id(session: Session) -> dict[str, Order]:
    rows = session.execute(
        select(LegacyRecord.legacy_id, Order)
        .join(Order, Order.id == LegacyRecord.record_id)
        .where(LegacyRecord.collection == "orders")
    )
    return dict(rows.all())


def test_subscriptions_with_their_terms_and_pauses(session: Session, run_import: RunImport) -> None:
    export = (
        dairy()
        .route("r-2", "Evening", shift="evening")
        .customer("c-3", "98450 10003", route="r-2")
        .subscription("s-1", "c-1", quantity=2, end_date="2026-12-31")
        .subscription("s-2", "c-3", frequency="weekly", quantities={"sat": 1, "Sunday": 2},
                      start_date="2026-09-15", paused=[
                          {"from": "2026-10-01", "to": "2026-10-05"},
                          {"from": "2026-10-04", "to": "2026-10-08", "reason": "travel"},
                          {"from": "2026-11-01"},
                      ])
        .subscription("s-3", "c-2", frequency="every_n", n=3, shift="evening")
    )  # fmt: skip

    report = run_import(export)

    s1, s2, s3 = (
        session.get(Subscription, record_id(session, "subscriptions", f"s-{n}")) for n in (1, 2, 3)
    )
    assert s1 is not None
    assert s2 is not None
    assert s3 is not None
    assert (s1.start_date, s1.end_date) == (day(1), dt.date(2026, 12, 31))
    terms = {
        t.subscription_id: t
        for t in session.scalars(select(SubscriptionTerms).where(
            SubscriptionTerms.subscription_id.in_([s1.id, s2.id, s3.id])))
    }  # fmt: skip
    assert (terms[s1.id].kind, terms[s1.id].quantity, terms[s1.id].shift) == ("daily", 2, "morning")
    weekly = terms[s2.id]
    assert (weekly.kind, weekly.shift, weekly.sat_quantity, weekly.sun_quantity, weekly.mon_quantity) == (  # noqa: E501
        "weekdays", "evening", 1, 2, 0,
    )  # fmt: skip
    assert (weekly.anchor_date, weekly.effective_from) == (dt.date(2026, 9, 15),) * 2
    assert (terms[s3.id].kind, terms[s3.id].interval_days, terms[s3.id].shift) == (
        "every_n_days",
        3,
        "evening",
    )
    pauses = session.scalars(
        select(Pause).where(Pause.subscription_id == s2.id).order_by(Pause.start_date)
    ).all()
    assert [(p.start_date, p.end_date) for p in pauses] == [
        (day(1), day(8)),
        (dt.date(2026, 11, 1), None),
    ]
    assert report.counts("subscriptions").created == 3


def test_orders_are_linked_to_the_subscription_they_came_from(
    session: Session, run_import: RunImport
) -> None:
    export = (
        dairy()
        .product("p-curd", "CURD500", price="35.00")
        .subscription("s-milk", "c-1", quantity=2,
                      paused=[{"from": "2026-10-04", "to": "2026-10-04"}])
        .subscription("s-alt", "c-2", frequency="alternate")
        .subscription("s-curd", "c-2", product="CURD500", frequency="weekly",
                      quantities={"sat": 1}, shift="evening")
        .order("o-1", "c-1", "2026-10-01", quantity=2, price="26.00")
        .order("o-2", "c-1", "2026-10-02", quantity=3)  # guests: a day change
        .order("o-3", "c-1", "2026-10-02", quantity=2)  # the old system's double
        .order("o-4", "c-1", "2026-10-04", quantity=2)  # paused that day
        .order("o-5", "c-1", "2026-10-03", product="CURD500")  # no curd subscription
        .order("o-6", "c-2", "2026-10-03")  # alternate: 1, 3, 5
        .order("o-7", "c-2", "2026-10-04")  # not due
        .order("o-8", "c-2", "2026-10-03", product="CURD500", shift="evening")  # Saturday
        .order("o-9", "c-2", "2026-10-10", product="CURD500")  # the morning: not that one
    )  # fmt: skip

    report = run_import(export)

    orders = orders_by_legacy_id(session)
    subscription = {
        f"s-{n}": record_id(session, "subscriptions", f"s-{n}") for n in ("milk", "alt", "curd")
    }
    assert {k: o.subscription_id for k, o in orders.items()} == {
        "o-1": subscription["s-milk"],
        "o-2": subscription["s-milk"],
        "o-3": None,
        "o-4": None,
        "o-5": None,
        "o-6": subscription["s-alt"],
        "o-7": None,
        "o-8": subscription["s-curd"],
        "o-9": None,
    }
    assert (orders["o-1"].unit_price_paise, orders["o-2"].unit_price_paise) == (2600, 2800)
    assert orders["o-5"].unit_price_paise == 3500
    c1 = session.get(Customer, record_id(session, "customers", "c-1"))
    assert c1 is not None
    assert {(o.route_id, o.status) for o in orders.values()} == {(c1.route_id, "scheduled")}
    assert (orders["o-8"].shift, orders["o-9"].shift, orders["o-1"].shift) == (
        "evening",
        "morning",
        "morning",
    )
    override = session.scalar(
        select(Override).where(Override.subscription_id == subscription["s-milk"])
    )
    assert override is not None
    assert (override.delivery_date, override.quantity) == (day(2), 3)

    repairs = report.repairs
    assert (repairs.orders_linked, repairs.orders_one_time, repairs.overrides_created) == (4, 5, 1)
    assert repairs.orders_one_time_taken == ["o-3"]
    assert [n.code for n in report.notices] == ["subscription_date_taken"]


def test_the_imported_order_book_agrees_with_materialization(
    session: Session, run_import: RunImport
) -> None:
    """Making the orders of an imported date again (the scheduler at the cut-off, or by hand)
    changes nothing: the linked orders are the ones due, day changes are overrides."""
    export = (
        dairy()
        .subscription("s-1", "c-1", quantity=2)
        .subscription("s-2", "c-2", frequency="alternate")
    )
    for n in (1, 2, 3):
        export.order(f"o-1-{n}", "c-1", f"2026-10-0{n}", quantity=5 if n == 2 else 2)
    for n in (1, 3):
        export.order(f"o-2-{n}", "c-2", f"2026-10-0{n}")
    run_import(export)

    for n in (1, 2, 3):
        counts = sync.sync_day(session, day(n), dry_run=True)
        assert not counts.changed_anything, (n, counts)
        assert counts.unchanged == (2 if n != 2 else 1)


def test_confirmations_are_written_as_their_orders_delivery_status(
    session: Session, run_import: RunImport
) -> None:
    boy = factories.delivery_boy_user(session, phone="+919000020001")
    export = (
        dairy()
        .subscription("s-1", "c-1", quantity=2)
        .order("o-1", "c-1", "2026-10-01", quantity=2)
        .order("o-2", "c-1", "2026-10-02", quantity=2)
        .order("o-3", "c-1", "2026-10-03", quantity=2)
        .order("o-4", "c-2", "2026-10-01")
        .order("o-5", "c-2", "2026-10-02")
        .order("o-6", "c-2", "2026-10-02")
        .delivery("d-1", "c-1", "2026-10-01", by="90000 20001", at="2026-10-01T06:30:00")
        .delivery("d-2", "c-1", "2026-10-02", status="partial", quantity_delivered=1,
                  reason="short on the van", at="2026-10-02T01:00:00Z", notes="will bring more")
        .delivery("d-3", "98450 10002", "2026-10-01", status="missed", reason="Door locked",
                  by="9000029999")
        .delivery("d-4", "c-2", "2026-10-02")  # o-5 or o-6?
        .delivery("d-5", "c-2", "2026-10-05")  # no order that day
        .delivery("d-6", "9845019999", "2026-10-01")  # no such customer
        .delivery("d-7", "c-1", "2026-10-03", quantity_delivered=3)  # 3 of 2
    )  # fmt: skip

    report = run_import(export)

    orders = orders_by_legacy_id(session)
    marks = {
        m.order_id: m
        for m in session.scalars(select(DeliveryStatus).where(
            DeliveryStatus.order_id.in_([o.id for o in orders.values()])))
    }  # fmt: skip
    old_system = session.scalar(select(User).where(User.email == OLD_SYSTEM_EMAIL))
    assert old_system is not None
    assert (old_system.role, old_system.is_active, old_system.password_hash) == (
        "delivery_boy", False, NO_PASSWORD,
    )  # fmt: skip
    d1, d2, d3 = (marks[orders[k].id] for k in ("o-1", "o-2", "o-4"))
    assert (d1.status, d1.quantity_delivered, d1.reason, d1.recorded_by_user_id) == (
        "delivered", 2, None, boy.id,
    )  # fmt: skip
    assert d1.recorded_at == dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.UTC)  # 06:30 in Kolkata
    assert (d2.status, d2.quantity_delivered, d2.reason, d2.notes) == (
        "partially_delivered", 1, "out_of_stock", "will bring more; reason: short on the van",
    )  # fmt: skip
    assert (d2.recorded_by_user_id, d2.recorded_at) == (
        old_system.id,
        dt.datetime(2026, 10, 2, 1, 0, tzinfo=dt.UTC),
    )
    assert (d3.status, d3.quantity_delivered, d3.reason, d3.customer_id) == (
        "not_delivered", 0, "customer_unavailable", orders["o-4"].customer_id,
    )  # fmt: skip
    assert d3.recorded_by_user_id == old_system.id
    assert {k: o.status for k, o in orders.items()} == {
        "o-1": "delivered",
        "o-2": "partially_delivered",
        "o-3": "scheduled",
        "o-4": "not_delivered",
        "o-5": "scheduled",
        "o-6": "scheduled",
    }
    repairs = report.repairs
    assert repairs.confirmations_linked == 3
    assert repairs.confirmations_unmatched == ["d-5", "d-6"]
    assert repairs.confirmations_ambiguous == ["d-4"]
    assert repairs.confirmations_rejected == ["d-7"]
    assert {n.legacy_id: n.code for n in report.notices if n.collection == "deliveries"} == {
        "d-3": "unknown_recorder",
        "d-4": "several_orders",
        "d-5": "no_order",
        "d-6": "unknown_customer",
        "d-7": "quantity_above_ordered",
    }
    deliveries = report.counts("deliveries")
    assert (deliveries.read, deliveries.created, deliveries.skipped) == (7, 3, 4)


def test_a_newer_export_adds_what_is_new(session: Session, run_import: RunImport) -> None:
    """November's export has October again and more: the new orders link to subscriptions
    imported before, a confirmation finds an order imported before, a date milkrun has
    materialized since keeps its order."""
    october = (
        dairy()
        .subscription("s-1", "c-1")
        .order("o-1", "c-1", "2026-10-01")
        .order("o-2", "c-1", "2026-10-02")
        .delivery("d-1", "c-1", "2026-10-01")
    )
    first = run_import(october)
    generate.materialize(session, day(3), factories.ACTOR)  # milkrun has taken over
    november = (
        october.order("o-3", "c-1", "2026-10-03")
        .order("o-4", "c-1", "2026-10-04")
        .delivery("d-2", "c-1", "2026-10-02")
        .delivery("d-4", "c-1", "2026-10-04")
        .customer("c-3", "98450 10003")
    )

    second = run_import(november)

    assert first.counts("orders").created == 2
    orders = second.counts("orders")
    assert (orders.read, orders.created, orders.already_imported) == (4, 2, 2)
    assert second.counts("customers").created == 1
    assert second.counts("deliveries").created == 2
    assert second.repairs.orders_linked == 1
    assert second.repairs.orders_one_time_taken == ["o-3"]
    by_id = orders_by_legacy_id(session)
    subscription_id = record_id(session, "subscriptions", "s-1")
    assert by_id["o-4"].subscription_id == subscription_id
    assert (by_id["o-2"].status, by_id["o-4"].status) == ("delivered", "delivered")
    assert run_import(november).nothing_new
