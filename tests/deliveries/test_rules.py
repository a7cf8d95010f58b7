"""The rules of a mark, for every combination of quantities, outcomes and reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from milkrun.deliveries import rules
from milkrun.deliveries.models import DeliveryOutcome, NotDeliveredReason
from milkrun.errors import InvalidInput, MilkrunError
from milkrun.orders.models import Order, OrderStatus

TODAY = dt.date(2026, 12, 7)


def allowed(
    ordered: int, status: DeliveryOutcome, delivered: int | None, reason: NotDeliveredReason | None
) -> bool:
    """The rules as DESIGN.md states them."""
    if status == DeliveryOutcome.delivered:
        return delivered in (None, ordered) and reason is None
    if status == DeliveryOutcome.partially_delivered:
        return delivered is not None and 0 < delivered < ordered
    return delivered in (None, 0) and reason is not None


@given(
    ordered=st.integers(min_value=1, max_value=12),
    status=st.sampled_from(DeliveryOutcome),
    delivered=st.none() | st.integers(min_value=0, max_value=15),
    reason=st.none() | st.sampled_from(NotDeliveredReason),
    order_status=st.sampled_from(
        [OrderStatus.scheduled, OrderStatus.delivered, OrderStatus.not_delivered]
    ),
)
def test_a_mark_is_accepted_exactly_when_the_rules_allow_it_and_then_fits_the_schema(
    ordered: int,
    status: DeliveryOutcome,
    delivered: int | None,
    reason: NotDeliveredReason | None,
    order_status: OrderStatus,
) -> None:
    order = Order(id=1, quantity=ordered, status=order_status.value, delivery_date=TODAY)
    if not allowed(ordered, status, delivered, reason):
        with pytest.raises(InvalidInput):
            rules.outcome_of(order, status, delivered, reason, None, TODAY)
        return
    outcome = rules.outcome_of(order, status, delivered, reason, None, TODAY)
    # What the CHECK constraints and the quantity rule demand of the stored row.
    assert 0 <= outcome.quantity_delivered <= ordered
    if outcome.status == DeliveryOutcome.delivered:
        assert outcome.quantity_delivered == ordered
        assert outcome.reason is None
    elif outcome.status == DeliveryOutcome.partially_delivered:
        assert 0 < outcome.quantity_delivered < ordered
    else:
        assert outcome.quantity_delivered == 0
        assert outcome.reason is not None


@given(
    status=st.sampled_from(DeliveryOutcome),
    days_ahead=st.integers(min_value=1, max_value=400),
)
def test_an_order_of_a_later_date_or_a_cancelled_one_is_never_marked(
    status: DeliveryOutcome, days_ahead: int
) -> None:
    later = Order(id=1, quantity=2, status="scheduled", delivery_date=TODAY)
    later.delivery_date = TODAY + dt.timedelta(days=days_ahead)
    cancelled = Order(id=2, quantity=2, status="cancelled", delivery_date=TODAY)
    for order, code in ((later, "order_not_due"), (cancelled, "order_cancelled")):
        with pytest.raises(MilkrunError) as refused:
            rules.outcome_of(order, status, 1, NotDeliveredReason.other, None, TODAY)
        assert refused.value.code == code
