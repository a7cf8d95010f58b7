"""The repair rules on plain values: logins to customers, orders to subscriptions,
confirmations to orders (the database side is in test_import.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from milkrun.deliveries.models import DeliveryOutcome, NotDeliveredReason
from milkrun.legacy.matching import (
    Confirmation,
    CustomerDirectory,
    ImportedOrder,
    OrderLink,
    SubscriptionBook,
    match_confirmations,
    reason_of,
)
from milkrun.subscriptions.schedule import PauseSpan, Plan, Schedule, Terms

OCT = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 12, 3)
MILK, CURD = 1, 2


def day(n: int) -> dt.date:
    return OCT.replace(day=n)


# --- logins ------------------------------------------------------------------------------------


def test_a_login_belongs_to_the_one_customer_with_its_phone_or_email() -> None:
    directory = CustomerDirectory(
        [
            (1, "+919845010001", "asha@example.in"),
            (2, "+919845010002", None),
            (3, "+919845010003", "shared@example.in"),
            (4, "+919845010004", "shared@example.in"),
            (5, "+919845010005", None),
        ],
        with_login=[5],
    )

    assert directory.link("+919845010001", None).customer_id == 1
    assert directory.link(None, "ASHA@example.in").customer_id is None  # 1 has its login now
    assert directory.link(None, "ASHA@example.in").code == "customer_has_login"
    assert directory.link("+919845010002", "nobody@example.in").customer_id == 2
    several = directory.link(None, "shared@example.in")
    assert (several.customer_id, several.code) == (None, "several_customers")
    assert "#3, #4" in several.detail
    mixed = directory.link("+919845010003", "asha@example.in")  # phone of 3, email of 1
    assert (mixed.customer_id, mixed.code) == (None, "several_customers")
    assert directory.link("+919845019999", None).code == "no_customer"
    assert directory.link("+919845010005", None).code == "customer_has_login"


# --- orders ------------------------------------------------------------------------------------


def plan(
    subscription_id: int,
    schedule: Schedule,
    *,
    customer_id: int = 10,
    product_id: int = MILK,
    shift: str = "morning",
    start: dt.date = OCT,
    end: dt.date | None = None,
) -> Plan:
    terms = Terms(start, product_id, shift, schedule, start)
    return Plan(subscription_id, customer_id, start, end, (terms,))


def test_an_order_is_linked_to_the_subscription_due_that_day() -> None:
    book = SubscriptionBook(
        [
            plan(1, Schedule.alternate_days(1)),  # 1, 3, 5 ...
            plan(2, Schedule.daily(1), product_id=CURD),
            plan(3, Schedule.weekdays({"sat": 2}), shift="evening", end=day(20)),
        ],
        pauses=[],
        overrides={},
        taken=[],
    )

    assert book.link(10, MILK, "morning", day(3), 1).subscription_id == 1
    assert book.link(10, MILK, "morning", day(4), 1).subscription_id is None  # not due
    assert book.link(10, MILK, "evening", day(5), 1).subscription_id is None  # other shift
    assert book.link(10, CURD, "morning", day(4), 5).subscription_id == 2
    assert book.link(11, CURD, "morning", day(4), 1).subscription_id is None  # other customer
    assert book.link(10, MILK, "evening", day(3), 2) == OrderLink(3, 2)  # Saturday 3 October
    assert book.link(10, MILK, "evening", day(24), 2).subscription_id is None  # ended


def test_one_order_per_subscription_and_date() -> None:
    book = SubscriptionBook([plan(1, Schedule.daily(2))], [], {}, taken=[(1, day(2))])

    first = book.link(10, MILK, "morning", day(1), 2)
    second = book.link(10, MILK, "morning", day(1), 2)
    earlier = book.link(10, MILK, "morning", day(2), 2)  # the database has day 2's order

    assert (first.subscription_id, first.taken_by) == (1, None)
    assert (second.subscription_id, second.taken_by) == (None, 1)
    assert (earlier.subscription_id, earlier.taken_by) == (None, 1)


def test_of_two_subscriptions_due_the_one_with_the_same_quantity_then_the_oldest() -> None:
    book = SubscriptionBook(
        [plan(7, Schedule.daily(1)), plan(4, Schedule.daily(3))], [], {}, taken=[]
    )

    assert book.link(10, MILK, "morning", day(1), 1).subscription_id == 7
    assert book.link(10, MILK, "morning", day(1), 1).subscription_id == 4  # 7 has its order
    assert book.link(10, MILK, "morning", day(2), 2).subscription_id == 4  # neither is 2
    assert book.link(10, MILK, "morning", day(2), 2) == OrderLink(7, 1)  # the one left
    assert book.link(10, MILK, "morning", day(2), 2) == OrderLink(None, 0, taken_by=4)


def test_pauses_and_overrides_decide_what_is_due() -> None:
    book = SubscriptionBook(
        [plan(1, Schedule.daily(1)), plan(2, Schedule.daily(1), customer_id=11)],
        pauses=[
            PauseSpan(10, 1, day(5), day(6)),  # the subscription
            PauseSpan(11, None, day(8), None),  # all of customer 11's, open-ended
        ],
        overrides={1: {day(9): 0, day(10): 4}},
        taken=[],
    )

    assert [book.link(10, MILK, "morning", day(n), 1).subscription_id for n in (4, 5, 6, 7)] == [
        1,
        None,
        None,
        1,
    ]
    assert book.link(11, MILK, "morning", day(7), 1).subscription_id == 2
    assert book.link(11, MILK, "morning", day(30), 1).subscription_id is None
    assert book.link(10, MILK, "morning", day(9), 1).subscription_id is None  # skipped that day
    changed = book.link(10, MILK, "morning", day(10), 1)
    assert (changed.subscription_id, changed.due_quantity) == (1, 4)


# --- confirmations -----------------------------------------------------------------------------


def order(
    order_id: int, n: int, *, quantity: int = 2, shift: str = "morning", **kw: object
) -> ImportedOrder:
    values: dict[str, object] = {
        "customer_id": 10, "product_id": MILK, "delivery_date": day(n), "shift": shift,
        "quantity": quantity, "status": "scheduled", "marked": False, **kw,
    }  # fmt: skip
    return ImportedOrder(order_id, **values)  # type: ignore[arg-type]


def confirmation(legacy_id: str, n: int, status: str = "delivered", **kw: object) -> Confirmation:
    values: dict[str, object] = {
        "customer_id": 10, "product_id": MILK, "delivery_date": day(n), "shift": None,
        "status": DeliveryOutcome(status), "quantity_delivered": None, "reason": None,
        "notes": None, **kw,
    }  # fmt: skip
    return Confirmation(legacy_id, **values)  # type: ignore[arg-type]


def test_a_confirmation_is_linked_to_the_one_order_it_fits() -> None:
    orders = [
        order(1, 1),
        order(2, 2),
        order(3, 2, shift="evening"),
        order(4, 3),
        order(5, 3),
        order(6, 4, marked=True, status="delivered"),
        order(7, 5),
    ]
    confirmations = [
        confirmation("d1", 1),
        confirmation("d2", 2),  # morning or evening?
        confirmation("d3", 2, shift="evening", status="partially_delivered", quantity_delivered=1),
        confirmation("d4", 3),  # two orders of that day
        confirmation("d5", 4),  # its order has its mark already
        confirmation("d6", 6),  # no order that day
        confirmation("d7", 1, customer_id=None),  # no such customer
        confirmation("d8", 5, quantity_delivered=1),  # delivered means all 2
    ]

    matches = {m.legacy_id: m for m in match_confirmations(confirmations, orders, TODAY)}

    assert {k: (m.kind, m.code) for k, m in matches.items()} == {
        "d1": ("linked", None),
        "d2": ("ambiguous", "several_orders"),
        "d3": ("linked", None),
        "d4": ("ambiguous", "several_orders"),
        "d5": ("rejected", "order_already_marked"),
        "d6": ("unmatched", "no_order"),
        "d7": ("unmatched", "unknown_customer"),
        "d8": ("rejected", "quantity_mismatch"),
    }
    d1, d3 = matches["d1"], matches["d3"]
    assert d1.order is not None
    assert d1.order.id == 1
    assert d1.outcome is not None
    assert (d1.outcome.status, d1.outcome.quantity_delivered) == (DeliveryOutcome.delivered, 2)
    assert d3.order is not None
    assert d3.order.id == 3
    assert d3.outcome is not None
    assert d3.outcome.quantity_delivered == 1


def test_two_confirmations_of_one_order() -> None:
    orders = [order(1, 1), order(2, 2)]
    confirmations = [
        confirmation("same-a", 1),
        confirmation("same-b", 1, reason=None),
        confirmation("differ-a", 2),
        confirmation("differ-b", 2, status="not_delivered", reason="not at home"),
    ]

    matches = {m.legacy_id: m for m in match_confirmations(confirmations, orders, TODAY)}

    assert (matches["same-a"].kind, matches["same-b"].kind) == ("linked", "rejected")
    assert matches["same-b"].code == "duplicate_confirmation"
    assert {matches["differ-a"].code, matches["differ-b"].code} == {"conflicting_confirmations"}
    assert matches["differ-a"].kind == "ambiguous"


def test_a_confirmation_obeys_the_marking_rules() -> None:
    orders = [order(1, 1), order(2, 2), order(3, 3), order(4, 4, quantity=1)]
    future = ImportedOrder(9, 10, MILK, dt.date(2026, 12, 4), "morning", 1, "scheduled", False)
    confirmations = [
        confirmation("partial-all", 1, status="partially_delivered", quantity_delivered=2),
        confirmation("missed-some", 2, status="not_delivered", quantity_delivered=1),
        confirmation("too-many", 3, quantity_delivered=3),
        confirmation("missed", 4, status="not_delivered", reason="Door locked, nobody home"),
        Confirmation("tomorrow", 10, MILK, future.delivery_date, None,
                     DeliveryOutcome.delivered, None, None, None),
    ]  # fmt: skip

    matches = {m.legacy_id: m for m in match_confirmations(confirmations, [*orders, future], TODAY)}

    assert {k: (m.kind, m.code) for k, m in matches.items()} == {
        "partial-all": ("rejected", "quantity_mismatch"),
        "missed-some": ("rejected", "quantity_mismatch"),
        "too-many": ("rejected", "quantity_above_ordered"),
        "missed": ("linked", None),
        "tomorrow": ("rejected", "order_not_due"),
    }
    missed = matches["missed"].outcome
    assert missed is not None
    assert (missed.quantity_delivered, missed.reason, missed.notes) == (
        0,
        NotDeliveredReason.customer_unavailable,
        "reason: Door locked, nobody home",
    )


@pytest.mark.parametrize(
    ("text", "status", "reason", "kept"),
    [
        (None, "not_delivered", NotDeliveredReason.other, ""),
        (None, "partially_delivered", None, ""),
        ("Refused", "not_delivered", NotDeliveredReason.refused, ""),
        ("customer unavailable", "not_delivered", NotDeliveredReason.customer_unavailable, ""),
        ("Out-of-stock", "partially_delivered", NotDeliveredReason.out_of_stock, ""),
        ("ran out of curd", "partially_delivered", NotDeliveredReason.out_of_stock,
         "ran out of curd"),
        ("wrong address", "not_delivered", NotDeliveredReason.address_not_found, "wrong address"),
        ("customer said he did not want it", "not_delivered", NotDeliveredReason.refused,
         "customer said he did not want it"),
        ("gate locked", "not_delivered", NotDeliveredReason.customer_unavailable, "gate locked"),
        ("vehicle broke down", "not_delivered", NotDeliveredReason.other, "vehicle broke down"),
        ("left at the door", "delivered", None, "left at the door"),
    ],
)  # fmt: skip
def test_free_text_reasons(
    text: str | None, status: str, reason: NotDeliveredReason | None, kept: str
) -> None:
    assert reason_of(text, DeliveryOutcome(status)) == (reason, kept)
