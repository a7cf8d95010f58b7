"""Fixtures and helpers of the billing pages' tests: a November of deliveries on one route,
an admin's client that does not follow redirects, and the month run, closed and finalized."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milkrun import clock
from milkrun.billing.models import Invoice
from milkrun.catalog.models import Product
from milkrun.customers.models import Customer
from milkrun.http.deps import TOKEN_COOKIE
from milkrun.payments.models import Payment
from milkrun.routing.models import Route
from tests import factories
from tests.billing import factories as bf
from tests.factories import Login

NOVEMBER = "2026-11"


@pytest.fixture(autouse=True)
def _early_december() -> Iterator[None]:
    clock.freeze(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


@pytest.fixture
def admin_client(client: TestClient, admin: Login) -> TestClient:
    client.cookies.set(TOKEN_COOKIE, admin.token)
    client.follow_redirects = False
    return client


@dataclass
class Month:
    route: Route
    asha: Customer
    ravi: Customer


@pytest.fixture
def november(session: Session, admin: Login) -> Month:
    """Two customers on one route, each delivered three days of November."""
    route = factories.route(session, name="Koramangala")
    milk = factories.product(session, sku="TM500", price="28.00")
    asha = factories.customer(session, route=route, name="Asha Iyer")
    ravi = factories.customer(session, route=route, name="Ravi Rao")
    for who in (asha, ravi):
        for day in (3, 4, 5):
            made = bf.order(
                session, customer_id=who.id, product_id=milk.id, day=dt.date(2026, 11, day)
            )
            bf.deliver(session, made, by=admin.user)
    session.commit()
    return Month(route, asha, ravi)


def issued(session: Session) -> int:
    session.expire_all()
    return int(
        session.scalar(select(func.count(Invoice.id)).where(Invoice.number.is_not(None))) or 0
    )


def milk_product(session: Session) -> int:
    found = session.scalar(select(Product.id).where(Product.sku == "TM500"))
    assert found is not None
    return found


def run_and_close(client: TestClient, session: Session) -> None:
    assert client.post("/admin/billing/run", data={"month": NOVEMBER}).status_code == 303
    bf.close_month(session)
    session.commit()


def invoice_of(session: Session, customer_id: int) -> Invoice:
    session.expire_all()
    found = session.scalar(select(Invoice).where(Invoice.customer_id == customer_id))
    assert found is not None
    return found


def finalized(client: TestClient, session: Session) -> None:
    run_and_close(client, session)
    assert client.post("/admin/billing/finalize", data={"month": NOVEMBER}).status_code == 303


def payments(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count(Payment.id))) or 0)
