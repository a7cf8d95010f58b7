"""One-time orders: the price, route and shift of the date; refusals; cancelling."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from milkrun import clock, cutoff
from milkrun.audit.models import AuditEvent
from milkrun.catalog import service as catalog_service
from milkrun.catalog.schemas import ProductUpdate
from milkrun.errors import MilkrunError
from milkrun.orders import generate, service
from milkrun.orders.models import Order
from milkrun.orders.schemas import OrderCreate
from milkrun.routing.models import Shift
from tests import factories
from tests.factories import ACTOR
from tests.order_book import AFTER_CUTOFF, PRICE_RISE, TOMORROW, Dairy, day


def body(dairy: Dairy, **changes: Any) -> OrderCreate:
    data: dict[str, Any] = {
        "customer_id": dairy.customer.id,
        "product_id": dairy.milk.id,
        "delivery_date": TOMORROW,
        "quantity": 2,
    }
    data.update(changes)
    return OrderCreate.model_validate(data)


def orders(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Order)) or 0


def refused(code: str, session: Session, data: OrderCreate, window: cutoff.Window) -> None:
    before = orders(session)
    with pytest.raises(MilkrunError) as caught:
        service.create_one_time_order(session, data, ACTOR, window)
    assert caught.value.code == code
    assert orders(session) == before


def test_a_one_time_order_captures_the_price_of_its_date(session: Session, dairy: Dairy) -> None:
    order = service.create_one_time_order(
        session, body(dairy, delivery_date=PRICE_RISE), ACTOR, dairy.customer_window()
    )
    assert (order.subscription_id, order.unit_price_paise, order.quantity) == (None, 3000, 2)
    assert (order.route_id, order.shift, order.status) == (dairy.route.id, "morning", "scheduled")
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.order_id, event.customer_id) == (
        "order.create",
        order.id,
        dairy.customer.id,
    )
    # Later price changes do not touch it, nor does materializing the date.
    generate.materialize(session, PRICE_RISE, ACTOR)
    session.refresh(order)
    assert (order.unit_price_paise, order.status) == (3000, "scheduled")


def test_the_shift_defaults_to_the_route_s(session: Session, dairy: Dairy) -> None:
    evening = factories.customer(session, route=factories.route(session, shift=Shift.evening))
    nowhere = factories.customer(session)
    window = dairy.staff()
    assert (
        service.create_one_time_order(
            session, body(dairy, customer_id=evening.id), ACTOR, window
        ).shift
        == "evening"
    )
    order = service.create_one_time_order(
        session, body(dairy, customer_id=nowhere.id), ACTOR, window
    )
    assert (order.shift, order.route_id) == ("morning", None)
    order = service.create_one_time_order(session, body(dairy, shift="evening"), ACTOR, window)
    assert order.shift == "evening"


def test_refusals(session: Session, dairy: Dairy) -> None:
    window = dairy.staff()
    refused("product_not_found", session, body(dairy, product_id=12345), window)
    refused("customer_not_found", session, body(dairy, customer_id=12345), window)
    refused("date_in_past", session, body(dairy, delivery_date=day(-1)), window)
    catalog_service.update_product(session, dairy.curd.id, ProductUpdate(is_active=False), ACTOR)
    refused("product_inactive", session, body(dairy, product_id=dairy.curd.id), window)
    clock.freeze(AFTER_CUTOFF)
    refused("cutoff_passed", session, body(dairy), cutoff.for_customer(dairy.settings))
    late = service.create_one_time_order(
        session, body(dairy), ACTOR, cutoff.for_staff(dairy.settings)
    )
    event = session.scalars(select(AuditEvent).where(AuditEvent.order_id == late.id)).one()
    assert event.after is not None
    assert event.after["after_cutoff"] is True
    for quantity in (0, -1, 100):
        with pytest.raises(ValidationError):
            body(dairy, quantity=quantity)


def test_cancelling(session: Session, dairy: Dairy) -> None:
    window = dairy.customer_window()
    order = service.create_one_time_order(session, body(dairy), ACTOR, window)
    other = service.create_one_time_order(session, body(dairy), ACTOR, window)
    with pytest.raises(MilkrunError) as caught:
        service.cancel_order(session, order.id, ACTOR, window, customer_id=dairy.neighbour.id)
    assert caught.value.code == "order_not_found"
    assert service.cancel_order(session, order.id, ACTOR, window).status == "cancelled"
    with pytest.raises(MilkrunError) as caught:
        service.cancel_order(session, order.id, ACTOR, window)
    assert caught.value.code == "order_not_open"

    session.execute(update(Order).where(Order.id == other.id).values(status="delivered"))
    with pytest.raises(MilkrunError) as caught:
        service.cancel_order(session, other.id, ACTOR, dairy.staff())
    assert caught.value.code == "order_not_open"

    subscription = factories.subscription(session, customer=dairy.customer, product=dairy.milk)
    generate.materialize(session, TOMORROW, ACTOR)
    from_subscription = session.scalars(
        select(Order).where(Order.subscription_id == subscription.id)
    ).one()
    with pytest.raises(MilkrunError) as caught:
        service.cancel_order(session, from_subscription.id, ACTOR, window)
    assert caught.value.code == "subscription_order"

    third = service.create_one_time_order(session, body(dairy), ACTOR, window)
    clock.freeze(AFTER_CUTOFF)
    with pytest.raises(MilkrunError) as caught:
        service.cancel_order(session, third.id, ACTOR, cutoff.for_customer(dairy.settings))
    assert caught.value.code == "cutoff_passed"
