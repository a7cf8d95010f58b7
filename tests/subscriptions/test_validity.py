"""The validity chain of subscription terms: whatever a writer does (creating a subscription,
changes from a date, moving the start, cancelling a planned change by changing it back, the
legacy import, the benchmark fixtures), each terms row ends on the next one's
``effective_from`` and the last is open; the database refuses a span that ends before it
starts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milkrun import cutoff
from milkrun.errors import MilkrunError
from milkrun.orders import changes as change_service
from milkrun.subscriptions import validity
from milkrun.subscriptions.models import SubscriptionTerms
from milkrun.subscriptions.schemas import SubscriptionUpdate
from tests import factories
from tests.order_book import Dairy, day

schedules = st.sampled_from(
    [
        {"kind": "daily", "quantity": 1},
        {"kind": "daily", "quantity": 2},
        {"kind": "alternate_days", "quantity": 1},
        {"kind": "every_n_days", "n": 3, "quantity": 2},
        {"kind": "weekdays", "quantities": {"mon": 1, "thu": 2}},
    ]
)
operations = st.one_of(
    st.tuples(st.just("schedule"), st.integers(0, 60), schedules),
    st.tuples(st.just("quantity"), st.integers(0, 60), st.integers(1, 3)),
    st.tuples(st.just("product"), st.integers(0, 60), st.integers(0, 1)),
    st.tuples(st.just("start"), st.integers(0, 60), st.none()),
    st.tuples(st.just("end"), st.integers(0, 60), st.booleans()),
)


def chain(session: Session, subscription_id: int) -> list[tuple[dt.date, dt.date | None]]:
    rows = session.execute(
        select(SubscriptionTerms.effective_from, SubscriptionTerms.effective_to)
        .where(SubscriptionTerms.subscription_id == subscription_id)
        .order_by(SubscriptionTerms.effective_from)
    )
    return [(start, end) for start, end in rows]


def assert_contiguous(spans: list[tuple[dt.date, dt.date | None]]) -> None:
    assert spans, "a subscription always has terms"
    starts = [start for start, _ in spans]
    assert [end for _, end in spans] == [*starts[1:], None]


def body(what: str, offset: int, value: Any, products: list[int]) -> dict[str, Any]:
    if what == "schedule":
        return {"effective_from": day(offset), "schedule": value}
    if what == "quantity":
        return {"effective_from": day(offset), "quantity": value}
    if what == "product":
        return {"effective_from": day(offset), "product_id": products[value]}
    if what == "start":
        return {"start_date": day(offset)}
    return {"end_date": day(offset) if value else None}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=schedules, drawn=st.lists(operations, min_size=1, max_size=8))
def test_every_change_keeps_the_chain_contiguous(
    session: Session, dairy: Dairy, first: dict[str, Any], drawn: list[Any]
) -> None:
    window = cutoff.for_history(dairy.settings)
    products = [dairy.milk.id, dairy.curd.id]
    subscription = factories.subscription(
        session, customer=dairy.customer, product=dairy.milk, start=day(1), schedule=first
    )
    assert chain(session, subscription.id) == [(day(1), None)]
    for what, offset, value in drawn:
        data = SubscriptionUpdate.model_validate(body(what, offset, value, products))
        try:
            with session.begin_nested():
                change_service.change_subscription(
                    session, subscription.id, data, factories.ACTOR, window
                )
        except MilkrunError:
            pass  # refused: nothing changed, the chain as before
        assert_contiguous(chain(session, subscription.id))


def test_a_change_changed_back_removes_the_planned_terms(session: Session, dairy: Dairy) -> None:
    window = dairy.staff()
    subscription = factories.subscription(
        session, customer=dairy.customer, product=dairy.milk, start=day(1)
    )
    for quantity in (3, 1):  # the second one cancels the planned change
        change_service.change_subscription(
            session,
            subscription.id,
            SubscriptionUpdate(effective_from=day(10), quantity=quantity),
            factories.ACTOR,
            window,
        )
    assert chain(session, subscription.id) == [(day(1), None)]


def test_link_rows_chains_bulk_inserted_terms() -> None:
    rows: list[dict[str, Any]] = [
        {"subscription_id": 2, "effective_from": day(5)},
        {"subscription_id": 1, "effective_from": day(9)},
        {"subscription_id": 1, "effective_from": day(1)},
        {"subscription_id": 2, "effective_from": day(2)},
        {"subscription_id": 3, "effective_from": day(2)},
    ]
    validity.link_rows(rows)
    ends = {(r["subscription_id"], r["effective_from"]): r["effective_to"] for r in rows}
    assert ends == {
        (1, day(1)): day(9),
        (1, day(9)): None,
        (2, day(2)): day(5),
        (2, day(5)): None,
        (3, day(2)): None,
    }


def test_the_database_refuses_a_span_ending_before_it_starts(
    session: Session, dairy: Dairy
) -> None:
    subscription = factories.subscription(
        session, customer=dairy.customer, product=dairy.milk, start=day(1)
    )
    row = chain(session, subscription.id)
    assert row == [(day(1), None)]
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            insert(SubscriptionTerms).values(
                subscription_id=subscription.id,
                effective_from=day(5),
                effective_to=day(5),
                product_id=dairy.milk.id,
                shift="morning",
                kind="daily",
                quantity=1,
                interval_days=1,
                anchor_date=day(5),
                anchor_day=0,
            )
        )


def test_moving_the_start_past_a_change_and_back_keeps_the_rhythm(
    session: Session, dairy: Dairy
) -> None:
    """Found by the property test: the first terms then counted their rhythm from a date after
    their start (the database refused it, a 500)."""
    window = cutoff.for_history(dairy.settings)
    subscription = factories.subscription(
        session, customer=dairy.customer, product=dairy.milk, start=day(1)
    )
    for data in (
        SubscriptionUpdate(
            effective_from=day(10), schedule={"kind": "alternate_days", "quantity": 1}
        ),
        SubscriptionUpdate(start_date=day(20)),
        SubscriptionUpdate(start_date=day(5)),
    ):
        change_service.change_subscription(session, subscription.id, data, factories.ACTOR, window)
    (row,) = session.scalars(
        select(SubscriptionTerms).where(SubscriptionTerms.subscription_id == subscription.id)
    ).all()
    assert (row.effective_from, row.effective_to) == (day(5), None)
    assert row.anchor_date <= day(5)
    assert (day(10) - row.anchor_date).days % 2 == 0  # still every other day from day(10)
